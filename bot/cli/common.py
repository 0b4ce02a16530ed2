"""What every command shares: reading dates from the command line and building the settings once."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


def settings_from(args: argparse.Namespace) -> Any:
    """The settings, with the overrides a command line may give (database URL, flows folder)."""
    from bot.config import Settings

    overrides: dict[str, Any] = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    if getattr(args, "flows", None):
        overrides["flows_dir"] = Path(args.flows)
    return Settings(**overrides)
