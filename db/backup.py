"""A consistent copy of a running SQLite database, through SQLite's online backup API.

The copy is made page by page while the bot keeps writing: SQLite restarts a step when a
writer changes a page already copied, so the file is the database as it was at one moment,
never a torn mix. It is written next to the target and renamed into place when complete.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from db.connection import private_folder

PAGES_PER_STEP = 256  # small steps: the bot's writers wait at most one step for the lock


class BackupError(Exception):
    pass


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"DATABASE_URL is {url.get_backend_name()}, not SQLite: back it up with that server's "
                          "own tools (for PostgreSQL: pg_dump)")
    if not url.database or url.database == ":memory:":
        raise BackupError("DATABASE_URL names no database file")
    return Path(url.database)


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` (replaced if it exists); the size in bytes."""
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    target = target.resolve()
    if target == source.resolve():
        raise BackupError("the backup would overwrite the database itself")
    private_folder(target.parent)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        os.close(os.open(partial, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))  # as private as the database
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)) as src, \
                contextlib.closing(sqlite3.connect(partial)) as dst:
            src.backup(dst, pages=PAGES_PER_STEP)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            verdict = dst.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy failed SQLite's check: {verdict}")
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy {source}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size
