"""``python -m bot purge``: delete data past its retention period."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.common import settings_from
from bot.privacy.sealing import sealer_for


def add_parser(sub: Any) -> None:
    p = sub.add_parser("purge", help="delete data past its retention period (the bot also does this daily)")
    p.add_argument("--database-url")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.privacy.retention import purge
    from db.connection import make_db_engine
    from db.migrate import upgrade
    from db.models import utcnow
    from db.unit_of_work import UnitsOfWork

    settings = settings_from(args)

    async def main() -> None:
        db_engine = make_db_engine(settings.database_url)
        try:
            await upgrade(db_engine, chat_sealer=sealer_for(
                settings.chat_key.get_secret_value() if settings.chat_key else None, settings.data_dir))
            result = await purge(UnitsOfWork.over(db_engine), settings.conversation_retention_days, utcnow())
        finally:
            await db_engine.dispose()
        print(f"deleted {result.conversations} conversations idle for over {settings.conversation_retention_days} "
              f"days, {result.fsm} old states and {result.updates} handled updates")

    asyncio.run(main())
    return 0
