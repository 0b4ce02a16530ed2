"""PostgreSQL and Redis for the tests that need them, skipped with a reason when absent."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

PG_HOST = os.environ.get("JOL_TEST_PG", "postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("JOL_TEST_REDIS", "redis://127.0.0.1:6379/15")


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    try:
        import asyncpg
    except ImportError:
        pytest.skip("asyncpg is not installed (pip install -e '.[dev]')")
    dsn = f"postgresql://{PG_HOST}"
    try:
        admin = await asyncio.wait_for(asyncpg.connect(dsn), timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL is not reachable at {PG_HOST} ({exc}); set JOL_TEST_PG to run these tests")
    name = f"jol_test_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_HOST.rsplit("/", 1)[0]
    try:
        yield f"postgresql+asyncpg://{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def redis_database() -> AsyncIterator[str]:
    try:
        from redis.asyncio import Redis
    except ImportError:
        pytest.skip("redis is not installed (pip install -e '.[dev]')")
    client = Redis.from_url(REDIS_URL)
    try:
        await asyncio.wait_for(client.ping(), timeout=3)
    except Exception as exc:
        await client.aclose()
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}); set JOL_TEST_REDIS to run these tests")
    await client.flushdb()
    try:
        yield REDIS_URL
    finally:
        await client.flushdb()
        await client.aclose()
