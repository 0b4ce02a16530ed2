"""Apply the Alembic migrations (``db/migrations``) to a database, from code.

The bot and the console call this at start, so a deployment is upgraded in place and keeps its
conversations; ``python -m bot migrate`` does the same by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


async def upgrade(db_engine: AsyncEngine, revision: str = "head") -> None:
    def _run(sync_conn: Any) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, revision)

    async with db_engine.begin() as conn:
        await conn.run_sync(_run)
