"""Background tasks (outbox sender, case reminders, daily purge) outlive their own errors, and a
task that does die makes /healthz fail so that a supervisor restarts the process."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.exc import OperationalError

from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.intake.inbox import Inbox
from bot.telegram.intake.webhook import webhook_app
from bot.telegram.intake.worker import UpdateWorker
from bot.telegram.liveness import BackgroundTasks, Liveness
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork


async def test_a_task_that_fails_is_logged_and_started_again(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks(first_delay=0.01, longest_delay=0.02)
    stop = asyncio.Event()
    runs: list[int] = []

    async def sender(stop: asyncio.Event) -> None:
        runs.append(1)
        if len(runs) <= 2:  # the database's write lock held longer than the busy timeout
            raise OperationalError("select", {}, Exception("database is locked"))
        await stop.wait()

    with caplog.at_level(logging.ERROR):
        tasks.start("outbox sender", sender, stop)
        for _ in range(200):
            if len(runs) == 3:
                break
            await asyncio.sleep(0.01)
        status = tasks.status["outbox sender"]
        assert status.running and status.restarts == 2 and "database is locked" in (status.last_error or "")
        assert tasks.alive
        stop.set()
        await tasks.wait()
    assert "outbox sender failed" in caplog.text
    assert tasks.alive  # stopped on purpose is not dead


async def test_healthz_fails_when_a_background_task_died(tmp_path: Path) -> None:
    db_engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/h.sqlite")
    await upgrade(db_engine)
    inbox = Inbox(UnitsOfWork.over(db_engine), Pseudonymizer(b"0123456789abcdef0123"))
    worker = UpdateWorker(inbox, lambda payload: asyncio.sleep(0))
    tasks = BackgroundTasks()
    stop = asyncio.Event()
    task = tasks.start("case reminders", lambda stop: stop.wait(), stop)
    app = webhook_app(inbox, worker, "secret", "/telegram", Liveness(tasks, worker))
    async with TestClient(TestServer(app)) as client:
        healthy = await client.get("/healthz")
        assert healthy.status == 200
        assert (await healthy.json())["failed_updates"] == 0
        task.cancel()  # killed by something the supervisor could not catch
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        dead = await client.get("/healthz")
        assert dead.status == 503
        assert (await dead.json())["tasks"]["case reminders"]["died"] is True
    stop.set()
    await db_engine.dispose()
