"""``python -m bot inbox failed``: the updates given up on, and replaying them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli.main import main
from db.connection import make_db_engine, make_sessionmaker
from db.migrate import upgrade
from db.repositories.conversations import InboxRepository


async def given_up(url: str) -> None:
    engine = make_db_engine(url)
    await upgrade(engine)
    async with make_sessionmaker(engine)() as session, session.begin():
        inbox = InboxRepository(session)
        await inbox.add_many([(41, "k", '{"update_id": 41}'), (42, "k", '{"update_id": 42}'),
                              (43, "k", '{"update_id": 43}')])
        assert await inbox.claim(42)  # applied, then its reply could not be sent
        await inbox.finish_many([41, 42], "failed")
        await inbox.finish_many([43])
    await engine.dispose()


async def statuses(url: str) -> dict[int, str]:
    engine = make_db_engine(url)
    async with engine.connect() as conn:
        found = dict((await conn.execute(text("select update_id, status from inbox"))).all())
    await engine.dispose()
    return found  # type: ignore[return-value]


def test_failed_updates_are_listed_and_replayed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite"
    asyncio.run(given_up(url))
    assert main(["inbox", "failed", "--database-url", url]) == 0
    out = capsys.readouterr().out
    listed = [line.split("\t")[0] for line in out.splitlines() if "\t" in line]
    assert listed == ["41", "42"]  # by id: "43" may well be in a time of day
    assert "2 updates given up" in out
    assert main(["inbox", "failed", "--replay", "--database-url", url]) == 0
    assert "2 updates put back" in capsys.readouterr().out
    # the one never applied is handled again; the applied one shows the person's current step
    assert asyncio.run(statuses(url)) == {41: "pending", 42: "applied", 43: "done"}
