"""Creating the database db_engine, with the SQLite settings that keep concurrent writers safe.

SQLite: WAL journal, a busy timeout of 10 s and ``BEGIN IMMEDIATE`` for every transaction, so
two writers queue for the lock instead of failing half-way with "database is locked". Other
databases (PostgreSQL) are used as SQLAlchemy configures them.

``synchronous=NORMAL`` with WAL: a commit is written to the WAL file but not fsynced; the WAL is
synced at each checkpoint. A process crash (SIGKILL, an exception) loses nothing committed: the
WAL is in the operating system's cache and is replayed at the next open. A power loss or a kernel
crash can lose the last transactions committed since the last checkpoint (the database stays
consistent; those updates were confirmed to Telegram and are not sent again).

One thread hop per transaction: aiosqlite runs every call (cursor, execute, fetch, close) on its
own thread, a hop of the event loop each, and on a busy machine each hop waits for the scheduler.
``BEGIN IMMEDIATE`` still goes to that thread (it may wait up to the busy timeout for another
process's write lock); once the transaction holds the write lock nothing in it can wait for a
lock (WAL readers never block, the writer is us), so its statements, fetches and the commit run
directly in the event loop's thread: microseconds each, instead of a hop each.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
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
    if is_sqlite and parsed.get_driver_name() == "aiosqlite":
        cargs, cparams = SQLiteDialect_aiosqlite().create_connect_args(parsed)
        connector = partial(sqlite3.connect, *cargs, **{**cparams, "check_same_thread": False})
        kwargs.setdefault("async_creator", partial(_connect_inline, connector))
    db_engine = create_async_engine(url, **kwargs)
    if is_sqlite:
        _sqlite_pragmas(db_engine)
    return db_engine


class InlineTransactionConnection(aiosqlite.Connection):
    """aiosqlite, with the calls made inside a write transaction run in the caller's thread.

    Outside a transaction (``BEGIN IMMEDIATE`` itself, pragmas, connecting) calls go to the
    connection's thread as usual, because they may wait for a lock. Inside one, this connection
    holds SQLite's write lock, so no call can wait: it runs at once, without a thread hop. A
    commit or rollback with no transaction open does nothing, so it runs at once too (the pool's
    reset when a connection is returned).
    """

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        conn = self._connection
        if conn is not None and self._running and (
                conn.in_transaction or fn == conn.rollback or fn == conn.commit):
            return fn(*args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)


async def _connect_inline(connector: Callable[[], sqlite3.Connection]) -> aiosqlite.Connection:
    connection = InlineTransactionConnection(connector, 64)
    connection._thread.daemon = True  # as SQLAlchemy does: never keeps the process alive
    return await connection


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


def private_folder(folder: Path) -> None:
    """Create ``folder`` (and any missing parent) 0700; an existing one is left as it is."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)


def private_file(path: Path) -> None:
    """The database file 0600 in a folder made 0700, created before SQLite opens it (its -wal and
    -shm files take the same mode): nobody but the bot's user reads the pseudonyms or the cases."""
    private_folder(path.parent)
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
