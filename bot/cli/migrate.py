"""``python -m bot migrate``: create or upgrade the database schema."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.common import settings_from, upgraded_database


def add_parser(sub: Any) -> None:
    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.add_argument("--database-url")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)

    async def main() -> None:
        async with upgraded_database(settings):
            pass

    asyncio.run(main())
    print("database is up to date")
    return 0
