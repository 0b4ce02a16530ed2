"""The counselling parts on their own: reminders, retention, edits, ratings, and what the group sees."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.conversation.runtime import Runtime, open_runtime
from bot.counselling.cases import CaseRequest
from bot.counselling.relay import load_canned
from bot.counselling.service import Counselling
from bot.engine.clock import Clock
from bot.telegram.keyboards import CaseKeyboards
from bot.telegram.outbox.rate_limits import RateLimiter

from .conftest import FIXED_TODAY, ROOT

GROUP = -100777
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[Runtime]:
    opened = await open_runtime(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/c.sqlite", data_dir=tmp_path,
                                      _env_file=None), Clock.fixed(FIXED_TODAY))  # type: ignore[call-arg]
    yield opened
    await opened.close()


@pytest.fixture
def counselling(runtime: Runtime) -> Counselling:
    return Counselling.build(runtime.unit_of_work, runtime.registry, runtime.catalogs, GROUP, "en",
                             load_canned(ROOT / "content" / "canned.yaml"), runtime.sealer,
                             keyboards=CaseKeyboards(runtime.catalogs.get("en")))


async def outbox(runtime: Runtime) -> list[tuple[int, str, dict]]:
    async with runtime.db_engine.connect() as conn:
        rows = (await conn.execute(text("select chat_id, method, payload, chat_sealed from outbox order by id"))).all()
    # A migrant's chat id is sealed in the row; open it to see where the message goes.
    return [(runtime.sealer.open(r[3]) if r[3] else r[0], r[1], json.loads(r[2])) for r in rows]


HANDOFF = CaseRequest("stay", "over_limit", "overstay", "normal", {"citizenship": "tj", "entry_date": "2026-10-01"})


async def test_the_group_sees_codes_not_people(counselling: Counselling, runtime: Runtime) -> None:
    case, created = await counselling.cases.open_case("key-1", 424242, "tg", HANDOFF, NOW)
    again, created_again = await counselling.cases.open_case("key-1", 424242, "tg", HANDOFF, NOW)
    assert created and not created_again and again.id == case.id  # one open case per migrant
    sent = await outbox(runtime)
    assert [m for _, m, _ in sent] == ["createForumTopic", "sendMessage"]
    title, summary = sent[0][2]["name"], sent[1][2]["text"]
    assert case.code in title and "tg" in title and "Registration and stay" in title and "open" in title
    assert "citizenship=tj" in summary and "Тоҷикӣ" in summary
    assert "424242" not in title + summary and "key-1" not in title + summary


async def test_the_summary_says_when_a_family_member_is_asking(counselling: Counselling, runtime: Runtime) -> None:
    family = CaseRequest("lost_contact", "danger_handoff", "family_danger", "urgent",
                         {"asker": "family", "in_danger": "no", "topic": "lost_contact"})
    await counselling.cases.open_case("key-f", 1, "uz", family, NOW)
    summary = (await outbox(runtime))[1][2]["text"]
    lines = summary.splitlines()
    assert lines[0].startswith("Case ") and lines[1] == "Who is asking: a family member of a migrant"
    assert "asker=family" in summary  # the closed code stays among the answers
    russian = Counselling.build(runtime.unit_of_work, runtime.registry, runtime.catalogs, GROUP, "ru", {},
                                runtime.sealer, keyboards=CaseKeyboards(runtime.catalogs.get("ru")))
    case = await russian.cases.open_case_of("key-f")
    assert case is not None and "Кто обращается: член семьи мигранта" in russian.view.summary(case)
    await counselling.cases.open_case("key-2", 2, "ru", HANDOFF, NOW)  # no answer about who is asking: no such line
    assert "Who is asking" not in (await outbox(runtime))[-1][2]["text"]


async def test_unclaimed_cases_are_announced_again(counselling: Counselling, runtime: Runtime) -> None:
    remind = counselling.housekeeping.remind
    case, _ = await counselling.cases.open_case("key-1", 1, "ru", HANDOFF, NOW)
    assert await remind(dt.timedelta(minutes=30), NOW + dt.timedelta(minutes=10)) == 0
    assert await remind(dt.timedelta(minutes=30), NOW + dt.timedelta(minutes=31)) == 1
    assert await remind(dt.timedelta(minutes=30), NOW + dt.timedelta(minutes=40)) == 0  # not again so soon
    reminders = [p["text"] for _, m, p in await outbox(runtime) if "still waiting" in p.get("text", "")]
    assert reminders == [f"Case {case.code} is still waiting for a counsellor (opened 31 minutes ago)."]
    await counselling.cases.claim(case.id, 900, "Aigul")
    assert await remind(dt.timedelta(minutes=30), NOW + dt.timedelta(hours=3)) == 0


async def test_closed_cases_are_erased_after_the_retention_period(counselling: Counselling,
                                                                  runtime: Runtime) -> None:
    purge = counselling.housekeeping.purge
    case, _ = await counselling.cases.open_case("key-1", 1, "ru", HANDOFF, NOW)
    await counselling.cases.close(case.id)
    assert await purge(dt.timedelta(days=30), dt.datetime.now(dt.UTC) + dt.timedelta(days=29)) == 0
    assert await purge(dt.timedelta(days=30), dt.datetime.now(dt.UTC) + dt.timedelta(days=31)) == 1
    async with runtime.db_engine.connect() as conn:
        row = (await conn.execute(text("select chat_sealed, user_key, summary, closed_at from cases"))).one()
    assert row[:3] == (None, None, None) and row[3] is not None  # the timing stays for statistics


async def test_edits_are_mirrored_and_ratings_count_once(counselling: Counselling, runtime: Runtime) -> None:
    case, _ = await counselling.cases.open_case("key-1", 55, "ru", HANDOFF, NOW)
    assert await counselling.relay.relay_in("key-1", 55, 10)
    assert not await counselling.relay.mirror_edit(55, 10, "fixed typo", user_key="key-1")  # its copy is not sent yet
    async with runtime.db_engine.begin() as conn:
        await conn.execute(text("update case_messages set dst_message = 700"))
    assert await counselling.relay.mirror_edit(55, 10, "fixed typo", user_key="key-1")
    assert (GROUP, "editMessageText", {"message_id": 700, "text": "fixed typo"}) in await outbox(runtime)
    await counselling.cases.close(case.id)
    assert await counselling.cases.rate(case.id, "key-1", 5)
    assert not await counselling.cases.rate(case.id, "key-1", 1)  # a second press changes nothing
    assert not await counselling.cases.rate(case.id, "someone-else", 3)


def test_group_messages_are_spaced_to_stay_under_twenty_a_minute() -> None:
    clock = {"t": 0.0}
    limiter = RateLimiter(1.0, 20.0, 30.0, clock=lambda: clock["t"])
    sent = []
    while len(sent) < 40:
        wait = limiter.wait(GROUP)
        clock["t"] += wait
        limiter.record(GROUP)
        sent.append(clock["t"])
    for i in range(len(sent) - 20):
        assert sent[i + 20] - sent[i] >= 60.0  # never 21 in one minute
    assert sent[-1] < 2 * 60 * 1.05  # and not much slower than the limit allows


async def test_forget_deletes_the_cases_outbox_rows_sent_ones_too(runtime: Runtime, counselling: Counselling) -> None:
    case, _ = await counselling.cases.open_case("migrant", 5550001, "ru", HANDOFF)
    await counselling.relay.relay_in("migrant", 5550001, 11, None)
    async with runtime.db_engine.begin() as conn:  # the sender delivered everything so far
        await conn.execute(text("update outbox set status = 'sent'"))
    assert await counselling.housekeeping.forget("migrant")
    async with runtime.db_engine.connect() as conn:
        left = (await conn.execute(text("select method, status, case_id from outbox where case_id = :c"),
                                   {"c": case.id})).all()
    assert left == [] or all(status == "pending" and method != "copyMessage" for method, status, _ in left)
    assert not [row for row in await outbox(runtime) if row[0] == 5550001 and row[1] != "deleteMessage"]
