"""The unit of work: one commit on a clean exit, nothing kept after an error, the sender woken after a commit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork


@pytest.fixture
async def units(tmp_path: Path) -> AsyncIterator[UnitsOfWork]:
    db_engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/u.sqlite")
    await upgrade(db_engine)
    yield UnitsOfWork.over(db_engine)
    await db_engine.dispose()


async def test_a_clean_exit_commits_and_an_error_keeps_nothing(units: UnitsOfWork) -> None:
    async with units() as uow:
        await uow.conversations.put("kept", "{}", "ru")
    with pytest.raises(RuntimeError):
        async with units() as uow:
            await uow.conversations.put("lost", "{}", "ru")
            raise RuntimeError("half-way")
    async with units() as uow:
        assert await uow.conversations.get("kept") is not None
        assert await uow.conversations.get("lost") is None


async def test_the_sender_is_woken_after_a_commit_that_queued_a_message_and_only_then(units: UnitsOfWork) -> None:
    woken: list[int] = []
    units.on_outbox_written(lambda: woken.append(1))

    async with units() as uow:
        await uow.conversations.put("someone", "{}", "ru")
    assert woken == []  # nothing queued: nothing to send

    async with units() as uow:
        await uow.outbox.put(-100, "sendMessage", {"text": "hello"})
        assert woken == []  # not before the commit: the sender would not see the row yet
    assert woken == [1]

    with pytest.raises(RuntimeError):
        async with units() as uow:
            await uow.outbox.put(-100, "sendMessage", {"text": "never"})
            raise RuntimeError("rolled back")
    assert woken == [1]
    async with units() as uow:
        assert await uow.outbox.pending_count() == 1
