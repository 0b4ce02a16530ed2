"""Creating the database db_engine, with the SQLite settings that keep concurrent writers safe.

SQLite: WAL journal, a busy timeout of 10 s and ``BEGIN IMMEDIATE`` for every transaction, so
two writers queue for the lock instead of failing half-way with "database is locked". Other
databases (PostgreSQL) are used as SQLAlchemy configures them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

BUSY_TIMEOUT_MS = 10_000


def make_db_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database and parsed.database != ":memory:":
        private_file(Path(parsed.database))
    if is_sqlite and parsed.database not in (None, "", ":memory:"):
        # SQLite writes one transaction at a time anyway: with one connection, sessions wait in an
        # in-process queue instead of sleeping in SQLite's busy handler.
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
    db_engine = create_async_engine(url, **kwargs)
    if is_sqlite:
        _sqlite_pragmas(db_engine)
    return db_engine


def _sqlite_pragmas(db_engine: AsyncEngine) -> None:
    sync_engine = db_engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten with zeros, not left in free pages
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def private_file(path: Path) -> None:
    """The database file 0600 in a folder made 0700, created before SQLite opens it (its -wal and
    -shm files take the same mode): nobody but the bot's user reads the pseudonyms or the cases."""
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if name.exists():
            name.chmod(0o600)


async def checkpoint(db_engine: AsyncEngine) -> None:
    """After erasing (``/forget``, purges): copy the write-ahead log into the database file and
    truncate it, so the old versions of erased rows are gone from disk too (with secure_delete,
    the erased rows themselves are already zeros). Nothing to do on other databases."""
    if db_engine.dialect.name != "sqlite":
        return
    async with db_engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def make_sessionmaker(db_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(db_engine, expire_on_commit=False)
