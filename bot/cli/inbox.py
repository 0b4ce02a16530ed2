"""``python -m bot inbox failed [--replay]``: the updates the bot gave up on, and trying them again.

An update is given up after a lasting failure (Telegram or the database away for over a minute,
or a bug). Its id, when it arrived, how often it was tried and whether its reply was lost are
listed, never its content. ``--replay`` puts them back in line: a running bot picks them up
within a second, a stopped one at its next start.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.common import settings_from


def add_parser(sub: Any) -> None:
    p = sub.add_parser("inbox", help="updates the bot gave up on (list, replay)")
    what = p.add_subparsers(dest="inbox_command", required=True)
    failed = what.add_parser("failed", help="list the updates given up on; --replay to try them again")
    failed.add_argument("--replay", action="store_true", help="put them back in line for the bot")
    failed.add_argument("--id", type=int, action="append", dest="ids", help="only this update (repeatable)")
    failed.add_argument("--database-url")
    failed.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from db.connection import make_db_engine
    from db.migrate import upgrade
    from db.repositories.conversations import UNSENT
    from db.unit_of_work import UnitsOfWork

    settings = settings_from(args)

    async def main() -> None:
        db_engine = make_db_engine(settings.database_url)
        try:
            await upgrade(db_engine)
            unit_of_work = UnitsOfWork.over(db_engine)
            async with unit_of_work() as uow:
                rows = [r for r in await uow.inbox.failed()
                        if not args.ids or r.update_id in args.ids]
            for r in rows:
                what = "applied, reply lost" if r.status == UNSENT else "not applied"
                kept = "" if r.payload is not None else ", content already erased (cannot replay)"
                print(f"{r.update_id}\t{r.received_at:%Y-%m-%d %H:%M:%S}\t{r.attempts} attempts\t{what}{kept}")
            print(f"{len(rows)} updates given up")
            if args.replay and rows:
                async with unit_of_work() as uow:
                    count = await uow.inbox.replay([r.update_id for r in rows])
                print(f"{count} updates put back in line; the bot handles them within a second "
                      "(or at its next start)")
        finally:
            await db_engine.dispose()

    asyncio.run(main())
    return 0
