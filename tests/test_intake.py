"""The update worker under failure: arrival order, transient errors retried, giving up visibly,
and a shutdown that starts nothing new."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.methods import SendMessage
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.intake.inbox import Inbox
from bot.telegram.intake.worker import Backoff, UpdateWorker
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork

FAST = Backoff(first=0.01, longest=0.02, attempts=5)


@pytest.fixture
async def inbox(tmp_path: Path) -> AsyncIterator[Inbox]:
    db_engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/w.sqlite")
    await upgrade(db_engine)
    yield Inbox(UnitsOfWork.over(db_engine), Pseudonymizer(b"0123456789abcdef0123"))
    await db_engine.dispose()


def update(update_id: int, user: int = 1) -> dict[str, Any]:
    return {"update_id": update_id, "message": {"from": {"id": user}, "chat": {"id": user}}}


async def run_until(worker: UpdateWorker, done: Callable[[], bool], stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    for _ in range(500):
        if done():
            break
        await asyncio.sleep(0.01)
    stop.set()
    await task
    await worker.drain(5)


async def statuses(inbox: Inbox) -> dict[int, str]:
    async with inbox.unit_of_work.sessions() as session:
        return dict((await session.execute(text("select update_id, status from inbox"))).all())  # type: ignore[arg-type]


def handler(seen: list[int], fail: Callable[[int, int], BaseException | None]) -> Callable[[dict[str, Any]],
                                                                                            Awaitable[None]]:
    tries: dict[int, int] = {}

    async def handle(payload: dict[str, Any]) -> None:
        uid = payload["update_id"]
        tries[uid] = tries.get(uid, 0) + 1
        error = fail(uid, tries[uid])
        if error is not None:
            raise error
        seen.append(uid)

    return handle


async def test_a_persons_updates_are_handled_in_the_order_they_arrived_not_by_id(inbox: Inbox) -> None:
    await inbox.store([update(11)])  # n+1 delivered first ...
    await inbox.store([update(10)])  # ... then n
    seen: list[int] = []
    worker = UpdateWorker(inbox, handler(seen, lambda u, t: None), retry=FAST)
    await run_until(worker, lambda: len(seen) == 2)
    assert seen == [11, 10]


TRANSIENT = [
    TelegramNetworkError(SendMessage(chat_id=1, text="x"), "connection reset"),
    TelegramServerError(SendMessage(chat_id=1, text="x"), "Bad Gateway"),
    OperationalError("insert", {}, Exception("database is locked")),
    ConnectionError("redis went away"),
    TimeoutError(),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__)
async def test_a_transient_failure_is_retried_in_order_before_the_persons_next_update(inbox: Inbox,
                                                                                      error: Exception) -> None:
    await inbox.store([update(1), update(2), update(3, user=2)])
    seen: list[int] = []
    worker = UpdateWorker(inbox, handler(seen, lambda u, t: error if u == 1 and t <= 2 else None), retry=FAST)
    await run_until(worker, lambda: len(seen) == 3)
    assert seen.index(1) < seen.index(2)  # the person's next update waited for the retried one
    assert sorted(seen) == [1, 2, 3] and worker.failed == 0
    assert await statuses(inbox) == {1: "done", 2: "done", 3: "done"}


async def test_an_update_given_up_is_logged_counted_listed_and_can_be_replayed(
        inbox: Inbox, caplog: pytest.LogCaptureFixture) -> None:
    await inbox.store([update(7), update(8)])
    seen: list[int] = []
    down = TelegramServerError(SendMessage(chat_id=1, text="x"), "Bad Gateway")
    worker = UpdateWorker(inbox, handler(seen, lambda u, t: down if u == 7 else None), retry=FAST)
    with caplog.at_level(logging.WARNING):
        await run_until(worker, lambda: worker.failed == 1 and len(seen) == 1)
    assert seen == [8]
    assert worker.failed_updates == 1
    assert any("update 7" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    assert [f.update_id for f in await inbox.failed()] == [7]
    assert await inbox.failed_count() == 1
    assert await inbox.replay() == 1
    again = UpdateWorker(inbox, handler(seen, lambda u, t: None), retry=FAST)
    await run_until(again, lambda: len(seen) == 2)
    assert seen == [8, 7] and await inbox.failed_count() == 0


async def test_shutdown_finishes_the_update_in_flight_and_starts_no_new_one(inbox: Inbox) -> None:
    await inbox.store([update(1), update(2), update(3)])
    started: list[int] = []

    async def slow(payload: dict[str, Any]) -> None:
        started.append(payload["update_id"])
        await asyncio.sleep(0.3)

    worker = UpdateWorker(inbox, slow, retry=FAST)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    for _ in range(300):
        if started:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await task
    assert await worker.drain(5)
    assert started == [1]
    assert await statuses(inbox) == {1: "done", 2: "pending", 3: "pending"}
