"""The whole bot in one event loop against the fake Bot API, when things go wrong on the way."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fakegram import FakeTelegram

from .harness import Person
from .inprocess import GROUP_ID, running

pytestmark = pytest.mark.slow


async def test_an_html_gateway_page_on_get_updates_does_not_stop_polling(tg: FakeTelegram, tmp_path: Path) -> None:
    tg.fail_next("getUpdates", status=502, html=True)
    async with running(tg, tmp_path):
        await tg.wait_for(lambda: any(c.error_code == 502 for c in tg.calls("getUpdates")), 90,
                          what="the gateway page")
        person = Person(tg, user_id=8101)
        person.send("/start")
        await person.expect("Choose your language")


async def test_telegram_out_of_reach_at_start_is_waited_for(tg: FakeTelegram, tmp_path: Path) -> None:
    """The network or Telegram away while the server boots: the start-up calls ran out of their five
    retries and the bot exited with a traceback, and under `make run` nothing started it again."""
    tg.fail_next("setMyCommands", status=502, count=6, html=True)  # one more than a request's retries
    async with running(tg, tmp_path) as app:
        await tg.wait_for(lambda: any(c.ok for c in tg.calls("setMyCommands")), 60, what="the menu set at last")
        person = Person(tg, user_id=8100)
        person.send("/start")
        await person.expect("Choose your language")
        assert app.health is not None and app.health.ready


async def test_after_a_crash_a_step_the_person_answered_meanwhile_is_not_shown_again_below_the_answer(
        tg: FakeTelegram, tmp_path: Path) -> None:
    """bench/crash_window.py: the bot died after a reply but before its update was marked done, and
    the person answered while it was down. At the next start the worker showed the step again
    (a new last message) before the poller had fetched the answer, and the answer then went into
    the older message: the chat ended on a question already answered (16 of 50 people in a run)."""
    import json
    import sqlite3

    person = Person(tg, user_id=8106)
    async with running(tg, tmp_path):
        person.send("/start")
        await person.expect("Choose your language")
        person.press("English")
        await person.expect("never asks your name")
        accepted = person.press("OK, continue")
        await person.expect("Are you in danger now")
    with sqlite3.connect(tmp_path / "jol.sqlite") as db:  # as if killed before the "done" mark was written
        db.execute("update inbox set status = 'applied', payload = ? where update_id = ?",
                   (json.dumps(accepted), accepted["update_id"]))
    answered = person.press("No")  # while the bot is down: it waits at Telegram
    tg.fail_next("getUpdates", delay=2)  # the first poll of the next start takes a moment
    async with running(tg, tmp_path):
        await tg.wait_for(lambda: answered["update_id"] in tg.confirmed_ids, 20, what="the answer fetched")
        await person.expect("Who is asking?")
        await asyncio.sleep(1)  # anything shown late would be the last message now
        assert "Who is asking?" in person.screen()
    with_buttons = [m for m in tg.bot_messages(person.chat_id) if tg.button_data(m)]
    assert ["Who is asking?" in m.get("text", "") for m in with_buttons] == [True], tg.texts(person.chat_id)


async def test_an_html_gateway_page_on_send_message_is_retried(tg: FakeTelegram, tmp_path: Path) -> None:
    async with running(tg, tmp_path):
        person = Person(tg, user_id=8102)
        tg.fail_next("sendMessage", status=502, html=True)
        person.send("/start")
        await person.expect("Choose your language")
        assert any(c.error_code == 502 for c in tg.calls("sendMessage"))


async def test_a_polled_update_with_a_lone_surrogate_is_skipped_and_its_id_logged(
        tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with running(tg, tmp_path):
        broken = Person(tg, user_id=8103)
        bad = broken.send("hello \ud800")
        person = Person(tg, user_id=8104)
        person.send("/start")
        await person.expect("Choose your language")
        await tg.wait_for(lambda: bad["update_id"] in tg.confirmed_ids, 10, what="the broken update confirmed")
    assert f"update {bad['update_id']} skipped" in caplog.text
    assert "\ud800" not in caplog.text and "8103" not in caplog.text


async def test_the_outbox_sender_outlives_a_database_error(tg: FakeTelegram, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    from bot.counselling.cases import CaseRequest
    from db.repositories.outbox import OutboxRepository

    tg.supergroup(GROUP_ID, "Jol counsellors", is_forum=True)
    heads = OutboxRepository.heads
    failures = []

    async def locked_once(self: OutboxRepository, now: object) -> object:
        if not failures:
            failures.append(1)  # SQLite's write lock held longer than the busy timeout
            raise OperationalError("select", {}, Exception("database is locked"))
        return await heads(self, now)  # type: ignore[arg-type]

    monkeypatch.setattr(OutboxRepository, "heads", locked_once)
    async with running(tg, tmp_path) as app:
        await tg.wait_for(lambda: bool(failures), 10, what="the database error")
        assert app.counselling is not None
        await app.counselling.cases.open_case("someone", 8105, "en", CaseRequest("work_permit", "permit_expired",
                                                                                 "permit_expired", "normal", {}))
        assert app.sender is not None
        app.sender.wake()
        await tg.wait_for(lambda: any(c.ok for c in tg.calls("createForumTopic")), 20,
                          what="the case's topic, sent after the error")
        assert app.liveness.live
