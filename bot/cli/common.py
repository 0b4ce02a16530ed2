"""What every command shares: reading dates from the command line and building the settings once."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


def clock_from(settings: Any, today: dt.date | None = None) -> Any:
    """The one clock, in TIMEZONE; with ``today`` (``--today``), stopped at noon of that day."""
    from bot.engine.clock import Clock

    return Clock.fixed(today, settings.timezone) if today else Clock.for_zone(settings.timezone)


def settings_from(args: argparse.Namespace) -> Any:
    """The settings, with the overrides a command line may give (database URL, flows folder).

    A wrong setting raises ``SettingsProblem``, which ``main`` prints as one line per setting.
    """
    from bot.cli.settings_check import settings_for

    return settings_for(args)


@asynccontextmanager
async def upgraded_database(settings: Any) -> AsyncIterator[Any]:
    """The database engine, its schema brought up to date first; disposed of afterwards."""
    from bot.privacy.sealing import sealer_for
    from db.connection import make_db_engine
    from db.migrate import upgrade

    db_engine = make_db_engine(settings.database_url)
    try:
        await upgrade(db_engine, chat_sealer=sealer_for(
            settings.chat_key.get_secret_value() if settings.chat_key else None, settings.data_dir))
        yield db_engine
    finally:
        await db_engine.dispose()
