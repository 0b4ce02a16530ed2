"""Reliability checks below Telegram: storage, ordering, migrations, logs, limits."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import random
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.config import Settings
from bot.conversation.runtime import open_runtime
from bot.engine.inputs import Choose
from bot.logs import RedactTokens
from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.intake.inbox import Inbox
from bot.telegram.intake.worker import UpdateWorker
from bot.telegram.render import split_text
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork

from .conftest import FIXED_TODAY


def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", data_dir=tmp_path,
                    _env_file=None)  # type: ignore[call-arg]


async def test_fifty_concurrent_writers_on_sqlite_all_succeed(tmp_path: Path) -> None:
    runtime = await open_runtime(settings(tmp_path), lambda: FIXED_TODAY)
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


async def test_two_identical_presses_at_once_make_one_transition(tmp_path: Path) -> None:
    runtime = await open_runtime(settings(tmp_path), lambda: FIXED_TODAY)
    try:
        reply = await runtime.conversations.start("k", "en")
        press = Choose(1, reply.state.step)  # "No" on the safety question, twice, from one message
        a, b = await asyncio.gather(runtime.conversations.handle("k", press, "en", update_id=1),
                                    runtime.conversations.handle("k", press, "en", update_id=2))
        steps = sorted([a.state.step, b.state.step])
        assert steps == [1, 1]  # both end on the menu, reached once
        assert sorted(e.kind for e in a.events + b.events).count("flow_started") == 1
    finally:
        await runtime.close()


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


def test_the_bot_token_never_reaches_the_log() -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokens(token))
    log = logging.getLogger("test.redact")
    log.addHandler(handler)
    try:
        try:
            raise ConnectionError(f"cannot reach https://api.telegram.org/bot{token}/getUpdates")
        except ConnectionError:
            log.exception("request to %s failed", f"https://api.telegram.org/bot{token}/sendMessage")
        log.error("another bot 987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDxyz leaked")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in output and "ZZHdqTcv" not in output
    assert output.count("[redacted]") >= 3


def test_pseudonyms_are_keyed_not_plain_hashes() -> None:
    one = Pseudonymizer(b"first-secret-0123456789")
    other = Pseudonymizer(b"other-secret-0123456789")
    assert one.user(123) == one.user(123)
    assert one.user(123) != other.user(123)
    assert one.user(123) not in (hashlib.sha256(b"123").hexdigest(), hashlib.sha256(b"user:123").hexdigest()[:40])


def test_long_texts_are_split_at_paragraphs_within_telegrams_limit() -> None:
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(12)]
    chunks = split_text("\n\n".join(paragraphs))
    assert all(len(c) <= 4096 for c in chunks) and len(chunks) > 1
    assert all(c.startswith("Paragraph") for c in chunks)  # every cut at a paragraph boundary
    assert " ".join(" ".join(chunks).split()) == " ".join(" ".join(paragraphs).split())
    assert split_text("x" * 9000) == ["x" * 4096, "x" * 4096, "x" * 808]


async def test_idle_conversations_are_purged_after_the_retention_period(tmp_path: Path) -> None:
    import datetime as dt

    from bot.privacy.retention import purge

    runtime = await open_runtime(settings(tmp_path), lambda: FIXED_TODAY)
    try:
        await runtime.conversations.start("old", "en")
        await runtime.conversations.start("recent", "en")
        now = dt.datetime.now(dt.UTC)
        async with runtime.db_engine.begin() as conn:
            await conn.execute(text("update conversations set updated_at = :t where key = 'old'"),
                               {"t": now - dt.timedelta(days=31)})
        result = await purge(runtime.unit_of_work, 30, now)
        assert result.conversations == 1
        assert await runtime.conversations.language("old") is None
        assert await runtime.conversations.language("recent") == "en"
    finally:
        await runtime.close()


async def test_a_consent_press_handled_again_does_not_reset_the_conversation(tmp_path: Path) -> None:
    runtime = await open_runtime(settings(tmp_path), lambda: FIXED_TODAY)
    try:
        async with runtime.unit_of_work() as uow:  # as stored by the intake
            await uow.inbox.add_many([(u, "k", "{}") for u in (10, 11, 12)])
        await runtime.conversations.start("k", "en", update_id=10)
        moved = await runtime.conversations.handle("k", Choose(1), "en", update_id=11)
        again = await runtime.conversations.start("k", "en", update_id=10)  # after a crash, the same press
        assert again.duplicate and again.state.node == moved.state.node == "who"
        fresh = await runtime.conversations.start("k", "en", update_id=12)  # a new /start does start again
        assert not fresh.duplicate and fresh.state.node == "safety"
    finally:
        await runtime.close()
