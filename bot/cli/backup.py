"""``python -m bot backup --out FILE``: a consistent copy of the SQLite database, safe while the bot runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import settings_from


def add_parser(sub: Any) -> None:
    p = sub.add_parser("backup", help="copy the SQLite database consistently, even while the bot runs")
    p.add_argument("--out", required=True, help="file to write, e.g. backups/jol-2026-12-01.sqlite")
    p.add_argument("--database-url")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from db.backup import BackupError, backup_sqlite, sqlite_path

    settings = settings_from(args)
    try:
        size = backup_sqlite(sqlite_path(settings.database_url), Path(args.out))
    except BackupError as exc:
        print(f"cannot back up: {exc}", file=sys.stderr)
        return 2
    if settings.pseudonym_secret is not None:
        key = "is the PSEUDONYM_SECRET setting"
    else:
        key = f"is in {settings.data_dir / 'pseudonym.key'}"
    print(f"wrote {args.out} ({size:,} bytes), a consistent copy of the database.\n"
          f"The pseudonym key {key}. It is not in the backup, on purpose: keep a copy of it apart\n"
          "from the backups (another place, other people). With both, someone could test whether a\n"
          "given Telegram account used the bot; without the key, a restored bot works but does not\n"
          "recognise returning people (their conversations start again). See README, 'Operations'.\n"
          f"The chat key (CHAT_KEY, or {settings.data_dir / 'chat.key'}) is not in the backup either; keep it with\n"
          "the pseudonym key. Without it, reminders and open cases in a restored database cannot reach people.")
    return 0
