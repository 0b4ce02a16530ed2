"""``python -m bot purge``: delete data past its retention period."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.common import settings_from, upgraded_database


def add_parser(sub: Any) -> None:
    p = sub.add_parser("purge", help="delete data past its retention period (the bot also does this daily)")
    p.add_argument("--database-url")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.privacy.retention import purge
    from db.models import utcnow
    from db.unit_of_work import UnitsOfWork

    settings = settings_from(args)

    async def main() -> None:
        async with upgraded_database(settings) as db_engine:
            result = await purge(UnitsOfWork.over(db_engine), settings.conversation_retention_days, utcnow())
        print(f"deleted {result.conversations} conversations idle for over {settings.conversation_retention_days} "
              f"days, {result.fsm} old states and {result.updates} handled updates")

    asyncio.run(main())
    return 0
