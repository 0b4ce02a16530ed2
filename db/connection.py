"""Creating the database db_engine, with the SQLite settings that keep concurrent writers safe.

SQLite: WAL journal, a busy timeout of 10 s and ``BEGIN IMMEDIATE`` for every transaction, so
two writers queue for the lock instead of failing half-way with "database is locked". Other
databases (PostgreSQL) are used as SQLAlchemy configures them.
"""

from __future__ import annotations

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
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
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
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(db_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(db_engine, expire_on_commit=False)
