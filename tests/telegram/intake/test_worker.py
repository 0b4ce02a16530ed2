"""The update worker: each person in order, people in parallel, a failure reported and passed."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.intake.inbox import Inbox
from bot.telegram.intake.worker import UpdateWorker
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork


async def test_worker_keeps_each_persons_order_and_runs_people_in_parallel(tmp_path: Path) -> None:
    engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/w.sqlite")
    await upgrade(engine)
    inbox = Inbox(UnitsOfWork.over(engine), Pseudonymizer(b"0123456789abcdef0123"))
    seen: dict[int, list[int]] = {}
    running: dict[int, int] = {}
    overlap = {"same_person": 0, "max_people": 0}

    async def handle(payload: dict[str, Any]) -> None:
        user = payload["message"]["from"]["id"]
        running[user] = running.get(user, 0) + 1
        overlap["same_person"] = max(overlap["same_person"], running[user])
        overlap["max_people"] = max(overlap["max_people"], sum(1 for v in running.values() if v))
        await asyncio.sleep(random.random() / 100)
        seen.setdefault(user, []).append(payload["update_id"])
        running[user] -= 1

    updates = [{"update_id": i, "message": {"from": {"id": 100 + i % 4}, "chat": {"id": 100 + i % 4}}}
               for i in range(1, 81)]
    await inbox.store(updates)
    worker = UpdateWorker(inbox, handle)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    for _ in range(400):
        if worker.handled == 80:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await task
    await engine.dispose()
    assert worker.handled == 80
    for user, ids in seen.items():
        assert ids == sorted(ids), f"person {user} got updates out of order"
    assert overlap["same_person"] == 1
    assert overlap["max_people"] > 1


async def test_a_failing_update_is_reported_and_does_not_block_the_rest(tmp_path: Path, caplog: Any) -> None:
    engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/w.sqlite")
    await upgrade(engine)
    inbox = Inbox(UnitsOfWork.over(engine), Pseudonymizer(b"0123456789abcdef0123"))
    handled: list[int] = []

    async def handle(payload: dict[str, Any]) -> None:
        if payload["update_id"] == 2:
            raise RuntimeError("boom")
        handled.append(payload["update_id"])

    await inbox.store([{"update_id": i, "message": {"from": {"id": 1}}} for i in (1, 2, 3)])
    worker = UpdateWorker(inbox, handle)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    for _ in range(200):
        if worker.handled + worker.failed == 3:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await task
    assert handled == [1, 3] and worker.failed == 1
    assert "update 2 could not be handled" in caplog.text
    async with engine.connect() as conn:
        statuses = dict((await conn.execute(text("select update_id, status from inbox"))).all())
    await engine.dispose()
    assert statuses == {1: "done", 2: "failed", 3: "done"}
