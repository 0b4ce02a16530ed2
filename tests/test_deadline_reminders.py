"""Reminders before a deadline: when they are due (10:00 in Kazakhstan, not in UTC), dropped when
past, taken once by concurrent processes, counted by kind; chat ids sealed, also in old cases."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.conversation.reminders import ReminderService
from bot.conversation.runtime import Runtime, open_runtime
from bot.engine.clock import Clock, zone_for
from bot.engine.compute import Days
from bot.engine.events import DeadlineDate
from bot.engine.loader import load_flow_text
from bot.engine.validate import validate
from bot.i18n.format import format_value
from bot.i18n.languages import LANGUAGES
from bot.privacy.sealing import ChatSealer, SealError, load_or_create_key
from bot.stats.report import Breakdown, StatsService
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork
from tests.services import postgres_database

DEADLINE = DeadlineDate("permit_end", dt.date(2026, 12, 31))
CHAT = 7362519048


class Hands:
    """A clock whose hands the test moves."""

    def __init__(self, moment: str):
        self.now = dt.datetime.fromisoformat(moment)

    def set(self, moment: str) -> None:
        self.now = dt.datetime.fromisoformat(moment)


def clock_at(hands: Hands) -> Clock:
    return Clock(zone_for("Asia/Almaty"), lambda: hands.now)


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[Runtime]:
    opened = await open_runtime(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/r.sqlite", data_dir=tmp_path,
                                         _env_file=None))  # type: ignore[call-arg]
    yield opened
    await opened.close()


def service(runtime: Runtime, hands: Hands) -> ReminderService:
    return ReminderService(runtime.unit_of_work, runtime.catalogs, runtime.sealer, clock_at(hands))


async def outbox(runtime: Runtime) -> list[tuple[str | None, str]]:
    async with runtime.db_engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(text("select chat_sealed, payload from outbox"))).all()]


async def test_due_at_ten_in_almaty_not_at_ten_utc(runtime: Runtime) -> None:
    hands = Hands("2026-11-30T06:00:00+00:00")
    reminders = service(runtime, hands)
    days = await reminders.set("key-1", CHAT, "ru", "work_permit", DEADLINE, 1)  # 1 day before
    assert days == [dt.date(2026, 12, 30)]
    hands.set("2026-12-30T04:59:00+00:00")  # 09:59 in Almaty
    assert await reminders.queue_due() == 0
    hands.set("2026-12-30T05:00:00+00:00")  # 10:00 in Almaty (a UTC clock would wait until 15:00)
    assert await reminders.queue_due() == 1
    (sealed, payload), = await outbox(runtime)
    assert sealed is not None and runtime.sealer.open(sealed) == CHAT
    assert "31 декабря 2026" in payload and "завтра" in payload  # in the person's language
    assert await reminders.queue_due() == 0  # taken once
    assert await reminders.listing("key-1") == []  # deleted once queued


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_day_before_reads_tomorrow_and_on_the_day_today_in_every_language(runtime: Runtime,
                                                                                   lang: str) -> None:
    hands = Hands("2026-11-30T06:00:00+00:00")
    reminders = service(runtime, hands)
    await reminders.set("key-1", CHAT, lang, "work_permit", DEADLINE, 1)  # 1 day before
    await reminders.set("key-2", CHAT + 1, lang, "stay", DeadlineDate("stay_end", dt.date(2026, 12, 30)), 1)
    hands.set("2026-12-30T05:00:00+00:00")  # key-2's was due yesterday: the bot was down, it goes out on the day
    assert await reminders.queue_due() == 2
    tr = runtime.catalogs.get(lang)
    sent = {json.loads(p)["text"] for _, p in await outbox(runtime)}
    permit_end = next(t for t in sent if format_value(dt.date(2026, 12, 31), lang, tr) in t)
    stay_end = next(t for t in sent if t != permit_end)
    assert tr("tomorrow") in permit_end and format_value(Days(1), lang, tr) not in permit_end, permit_end
    assert tr("today") in stay_end and format_value(Days(0), lang, tr) not in stay_end, stay_end


async def test_a_reminder_past_its_date_is_dropped_never_sent(runtime: Runtime) -> None:
    hands = Hands("2026-11-30T06:00:00+00:00")
    reminders = service(runtime, hands)
    await reminders.set("key-1", CHAT, "en", "work_permit", DEADLINE, 0)
    hands.set("2027-01-02T06:00:00+00:00")  # the bot was down past the deadline
    assert await reminders.queue_due() == 0
    assert await outbox(runtime) == [] and await reminders.listing("key-1") == []


async def test_reminders_due_together_send_one_message_and_cancel_forget_remove(runtime: Runtime) -> None:
    hands = Hands("2026-11-30T06:00:00+00:00")
    reminders = service(runtime, hands)
    assert len(await reminders.set("key-1", CHAT, "en", "work_permit", DEADLINE, 3)) == 3  # 14, 7, 1 days
    await reminders.set("key-2", CHAT + 1, "en", "stay", DeadlineDate("stay_end", dt.date(2026, 12, 20)), 0)
    await reminders.set("key-3", CHAT + 2, "en", "stay", DeadlineDate("stay_end", dt.date(2026, 12, 20)), 0)
    listed = await reminders.listing("key-1")
    assert [(d.kind, d.date, len(d.days)) for d in listed] == [("permit_end", dt.date(2026, 12, 31), 3)]
    assert await reminders.cancel("key-2", "stay_end", dt.date(2026, 12, 20))
    assert await reminders.forget("key-3") == 2
    hands.set("2026-12-31T06:00:00+00:00")  # all three of key-1's are due at once (the bot was down)
    assert await reminders.queue_due() == 1
    assert len(await outbox(runtime)) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_two_processes_take_each_reminder_once(tmp_path: Path, backend: str) -> None:
    async def run(url: str) -> None:
        sealer = ChatSealer(load_or_create_key(None, tmp_path / "chat.key"))
        engines = [make_db_engine(url), make_db_engine(url)]
        try:
            await upgrade(engines[0], chat_sealer=sealer)
            hands = Hands("2026-11-30T06:00:00+00:00")
            runtime_like = [UnitsOfWork.over(e) for e in engines]
            from bot.i18n.catalogs import Catalogs
            catalogs = Catalogs(Settings(_env_file=None).locales_dir)  # type: ignore[call-arg]
            replicas = [ReminderService(s, catalogs, sealer, clock_at(hands)) for s in runtime_like]
            for i in range(300):
                await replicas[0].set(f"key-{i}", CHAT + i, "en", "work_permit", DEADLINE, 0)
            hands.set("2026-12-24T06:00:00+00:00")
            counts = await asyncio.gather(*(r.queue_due() for r in replicas), *(r.queue_due() for r in replicas))
            assert sum(counts) == 300
            async with engines[0].connect() as conn:
                rows = (await conn.execute(text("select count(*) from outbox"))).scalar_one()
                left = (await conn.execute(text("select count(*) from reminders where due_at <= :now"),
                                           {"now": hands.now})).scalar_one()
            assert rows == 300 and left == 0
        finally:
            for e in engines:
                await e.dispose()

    if backend == "sqlite":
        await run(f"sqlite+aiosqlite:///{tmp_path}/two.sqlite")
    else:
        async with postgres_database() as url:
            await run(url)


async def test_reminders_set_and_sent_are_counted_by_kind_and_suppressed(runtime: Runtime) -> None:
    hands = Hands("2026-11-30T06:00:00+00:00")
    reminders = service(runtime, hands)
    async with runtime.unit_of_work.sessions() as session, session.begin():
        from db.repositories.conversations import ConversationRepository
        for i in range(7):
            await ConversationRepository(session).put(f"key-{i}", "{}", "en", counted=True)
    for i in range(6):
        await reminders.set(f"key-{i}", CHAT + i, "en", "work_permit", DEADLINE, 1)
    await reminders.set("key-6", CHAT + 6, "en", "stay", DeadlineDate("stay_end", dt.date(2026, 12, 20)), 1)
    for _ in range(6):
        async with runtime.unit_of_work.sessions() as session, session.begin():
            await reminders.sent(session, {"reminder": {"kind": "permit_end", "counted": True}})
    stats = StatsService(runtime.unit_of_work, [], 5, clock_at(hands))
    day = dt.date(2026, 11, 30)
    set_table = await stats.table(day, day, Breakdown("reminders_set", ("deadline",)))
    # 1 is below k, and 6 would give it away by subtraction from the total: both are hidden.
    assert set_table.cells == {("permit_end",): None, ("stay_end",): None}
    sent = await stats.table(day, day, Breakdown("reminders_sent", ("deadline",)))
    assert sent.cells == {("permit_end",): 6}
    async with runtime.db_engine.connect() as conn:
        facts = (await conn.execute(text("select kind, flow, node, lang, campaign from enquiry_facts"))).all()
    assert {tuple(f) for f in facts} == {("reminder", None, "permit_end", None, None),
                                        ("reminder", None, "stay_end", None, None),
                                        ("reminded", None, "permit_end", None, None)}


async def test_migration_seals_the_chat_ids_cases_already_keep(tmp_path: Path) -> None:
    db_file = tmp_path / "old.sqlite"
    engine = make_db_engine(f"sqlite+aiosqlite:///{db_file}")
    sealer = ChatSealer(load_or_create_key(None, tmp_path / "chat.key"))
    try:
        await upgrade(engine, "0005")
        async with engine.begin() as conn:
            await conn.execute(text(
                "insert into cases (code, user_key, chat_id, lang, flow, node, category, urgency, status, "
                "unreachable, opened_at) values ('K-1', 'abc', :chat, 'ru', 'stay', 'x', 'y', 'normal', 'open', 0, "
                "'2026-11-01 10:00:00')"), {"chat": CHAT})
            await conn.execute(text(
                "insert into outbox (case_id, chat_id, method, payload, status, attempts, not_before, created_at) "
                "values (1, :chat, 'sendMessage', '{}', 'pending', 0, '2026-11-01', '2026-11-01')"), {"chat": CHAT})
        with pytest.raises(RuntimeError, match="chat key"):
            await upgrade(engine)  # without the key it refuses rather than keep or lose the ids
        await upgrade(engine, chat_sealer=sealer)
        async with engine.connect() as conn:
            sealed = (await conn.execute(text("select chat_sealed from cases"))).scalar_one()
            columns = [r[1] for r in (await conn.execute(text("pragma table_info(cases)"))).all()]
            out = (await conn.execute(text("select chat_id, chat_sealed from outbox"))).one()
    finally:
        await engine.dispose()
    assert "chat_id" not in columns and sealer.open(sealed) == CHAT
    assert out[0] != CHAT and sealer.open(out[1]) == CHAT
    with pytest.raises(SealError):
        ChatSealer(b"k" * 32).open(sealed)  # another key opens nothing
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("old.sqlite"))
    assert str(CHAT).encode() not in data and CHAT.to_bytes(6, "big") not in data
    with sqlite3.connect(db_file) as conn:  # the file is a normal database afterwards
        assert conn.execute("select count(*) from cases").fetchone() == (1,)


def test_check_rejects_a_deadline_that_is_not_a_date() -> None:
    flow = """
spec_version: 1
id: demo
title: "Demo"
start: when
compute:
  left: {days_left: start_date, limit: 30}
nodes:
  - id: when
    type: input
    input: date
    save: start_date
    text: "When?"
    reask: "When?"
    next: done
  - id: done
    type: outcome
    text: "Done."
    sources: ["x"]
    verified_on: 2026-11-26
    deadlines:
      - {date: left, kind: stay_end}
      - {date: nowhere, kind: permit_end}
      - {date: start_date, kind: registration, when: {answer: unknown_answer, equals: x}}
"""
    loaded, problems = load_flow_text(flow, "demo.yaml")
    assert loaded is not None and not problems
    messages = [p.message for p in validate({"demo": loaded})]
    assert "deadline 'left' is a computed value that is not a date" in messages
    assert "deadline 'nowhere' is neither a computed date nor a typed date answer" in messages
    assert "deadline condition reads unknown answer 'unknown_answer'" in messages
    bad_kind, problems = load_flow_text(flow.replace("kind: stay_end", "kind: birthday"), "demo.yaml")
    assert bad_kind is None and problems
