"""Replicas that start together on an empty database must not race in the schema migration."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from db.connection import make_db_engine
from tests.services import postgres_database

ROOT = Path(__file__).resolve().parents[2]
MIGRATE = "import asyncio, sys; from db.connection import make_db_engine; from db.migrate import upgrade\n" \
          "async def main():\n    e = make_db_engine(sys.argv[1])\n    await upgrade(e)\n    await e.dispose()\n" \
          "asyncio.run(main())"


@pytest.mark.slow
async def test_four_replicas_migrate_an_empty_postgresql_database_at_once() -> None:
    async with postgres_database() as url:
        procs = [subprocess.Popen([sys.executable, "-c", MIGRATE, url], cwd=ROOT, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
        results = await asyncio.gather(*(asyncio.to_thread(p.communicate, timeout=120) for p in procs))
        failures = [err for p, (_out, err) in zip(procs, results, strict=True) if p.returncode != 0]
        assert not failures, failures[0][-2000:]
        db_engine = make_db_engine(url)
        try:
            async with db_engine.connect() as conn:
                versions = (await conn.execute(text("select count(*) from alembic_version"))).scalar_one()
        finally:
            await db_engine.dispose()
        assert versions == 1
