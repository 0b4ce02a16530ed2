"""SQLite under concurrent writers, and an upgrade that keeps what was stored."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from bot.config import Settings
from bot.conversation.runtime import open_runtime
from bot.engine.clock import Clock
from bot.engine.inputs import Choose
from db.connection import make_db_engine
from db.migrate import upgrade
from tests.conftest import FIXED_TODAY


def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", data_dir=tmp_path,
                    _env_file=None)  # type: ignore[call-arg]


async def test_fifty_concurrent_writers_on_sqlite_all_succeed(tmp_path: Path) -> None:
    runtime = await open_runtime(settings(tmp_path), Clock.fixed(FIXED_TODAY))
    try:
        async def one(i: int) -> None:
            key = f"user-{i}"
            await runtime.conversations.start(key, "en")
            for step in range(3):
                await runtime.conversations.handle(key, Choose(1, None), "en", update_id=i * 10 + step)

        await asyncio.gather(*(one(i) for i in range(50)))
        async with runtime.db_engine.connect() as conn:
            rows = (await conn.execute(text("select count(*), max(last_update) from conversations"))).one()
        assert rows == (50, 492)
    finally:
        await runtime.close()


async def test_an_upgrade_keeps_existing_conversations(tmp_path: Path) -> None:
    engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/old.sqlite")
    await upgrade(engine, "0001")
    async with engine.begin() as conn:
        await conn.execute(text("insert into conversations values ('k', :state, 'ru', '2026-01-01')"),
                           {"state": '{"v": 1}'})
    await upgrade(engine)
    async with engine.connect() as conn:
        row = (await conn.execute(text("select key, lang, counted, last_update from conversations"))).one()
    await engine.dispose()
    assert tuple(row) == ("k", "ru", 1, None)
