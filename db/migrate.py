"""Apply the Alembic migrations (``db/migrations``) to a database, from code.

The bot and the console call this at start, so a deployment is upgraded in place and keeps its
conversations; ``python -m bot migrate`` does the same by hand.

Several replicas may start at once on an empty PostgreSQL database. Each takes the same
transaction-level advisory lock before it looks at the schema, so one migrates while the others
wait, and then find nothing left to do. (SQLite needs no lock: ``BEGIN IMMEDIATE`` already lets one
writer in at a time.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed number: every replica must ask for the same one ("jol migr" in ASCII).
MIGRATION_LOCK = 0x6A6F6C206D696772


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


async def upgrade(db_engine: AsyncEngine, revision: str = "head", chat_sealer: Any = None) -> None:
    """Upgrade to ``revision``. ``chat_sealer`` (kept outside the database) seals the chat ids of
    existing rows when a migration needs it (0006)."""

    def _run(sync_conn: Any) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = sync_conn
        cfg.attributes["chat_sealer"] = chat_sealer
        command.upgrade(cfg, revision)

    async with db_engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(_run)
    # Old pages (a dropped plaintext column, say) must not linger in the write-ahead log.
    await checkpoint(db_engine)


async def checkpoint(engine: AsyncEngine) -> None:
    """SQLite: copy the write-ahead log into the database and truncate it (outside a transaction)."""
    if engine.dialect.name != "sqlite":
        return
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        cursor = await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await cursor.close()
