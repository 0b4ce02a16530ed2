"""``python -m bot migrate``: create or upgrade the database schema."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.common import settings_from
from bot.privacy.sealing import sealer_for


def add_parser(sub: Any) -> None:
    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.add_argument("--database-url")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from db.connection import make_db_engine
    from db.migrate import upgrade

    settings = settings_from(args)

    async def main() -> None:
        db_engine = make_db_engine(settings.database_url)
        try:
            await upgrade(db_engine, chat_sealer=sealer_for(
                settings.chat_key.get_secret_value() if settings.chat_key else None, settings.data_dir))
        finally:
            await db_engine.dispose()

    asyncio.run(main())
    print("database is up to date")
    return 0
