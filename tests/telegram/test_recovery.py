"""Update ids that start again, updates out of order, and replies lost in a crash."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendMessage

from bot.telegram.app import App

from .conftest import Migrant
from .session import RecordingSession
from .test_migrant import onboard


class Crash(BaseException):
    """The process dying at this point (nothing below catches it)."""


def shown(session: RecordingSession) -> list[str]:
    return [r.text for r in session.requests if isinstance(r, (SendMessage, EditMessageText))]


async def test_after_telegram_restarts_update_ids_a_returning_person_gets_replies(app: App,
                                                                                   session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    await m.press_button("No", update_id=900_000_000)  # the last update before a week of silence
    assert shown(session)[-1] == "Who is asking?"
    await m.press_button("I work or live in Kazakhstan", update_id=17)  # Telegram chose a new, lower id at random
    assert shown(session)[-1] == "What is your question about?"
    await m.press_button("Work permit", update_id=18)
    assert shown(session)[-1] == "Which country's passport do you have?"
    await m.send("/start", update_id=19)
    assert shown(session)[-1] == "Choose your language:"


async def test_an_update_applied_after_a_later_one_is_not_dropped(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    await m.send("hello", update_id=5001)  # n+1 is delivered first (two webhook deliveries 100 ms apart) ...
    session.clear()
    await m.press_button("No", update_id=5000)  # ... then n: it is still applied
    assert "Who is asking?" in shown(session)


async def test_a_reply_lost_in_a_crash_after_the_commit_is_shown_again(app: App, session: RecordingSession,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    record = session.make_request

    async def crash_on_reply(bot: Any, method: Any, timeout: Any = None) -> Any:
        if isinstance(method, (SendMessage, EditMessageText)):
            raise Crash  # the process dies after the state was committed, before the reply left
        return await record(bot, method, timeout)

    monkeypatch.setattr(session, "make_request", crash_on_reply)
    with pytest.raises(Crash):
        await m.press_button("No", update_id=6000)
    monkeypatch.setattr(session, "make_request", record)
    session.clear()
    pressed = await app.inbox.pending()
    assert [p.update_id for p in pressed] == [6000]  # still in the inbox: it is handled again at the next start
    await app.handle(pressed[0].payload)
    assert shown(session) == ["Who is asking?"]  # the step it led to, not a second transition


async def test_a_press_handled_again_after_a_crash_shows_its_step_last_with_the_only_live_buttons(
        app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    payload = await m.press_button("No", update_id=7000, handle=False)
    await app.handle(payload)  # the reply went out; the process died before the update was marked done
    session.clear()
    await app.handle(payload)  # handled again at the next start
    # The step goes at the end of the chat (the first reply may have been cut short after its first
    # message) and the pressed message loses its buttons, so only the current step can be answered.
    assert [type(r).__name__ for r in session.requests if r.__class__.__name__ != "AnswerCallbackQuery"] == \
        ["EditMessageReplyMarkup", "SendMessage"]
    assert shown(session) == ["Who is asking?"]
    last = session.requests[-1]
    assert isinstance(last, SendMessage) and last.reply_markup is not None


async def test_after_a_crash_an_update_the_person_already_answered_is_not_shown_again(
        app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    first = await m.press_button("No", update_id=8000, handle=False)
    await app.handle(first)  # shown; not marked done before the crash
    await m.press_button("I work or live in Kazakhstan", update_id=8001, handle=False)  # pressed meanwhile
    session.clear()
    stop = asyncio.Event()
    worker = asyncio.create_task(app.worker.run(stop))  # the next start: both are read from the inbox
    for _ in range(200):
        if not await app.inbox.pending():
            break
        await asyncio.sleep(0.02)
    stop.set()
    await worker
    assert not await app.inbox.pending()
    assert shown(session) == ["What is your question about?"]  # not "Who is asking?" again


@pytest.mark.parametrize("answered", [("English",), ("English", "continue")], ids=["language", "notice"])
async def test_after_a_crash_onboarding_handled_again_never_asks_the_language_again(
        app: App, session: RecordingSession, answered: tuple[str, ...]) -> None:
    """bench/crash_window.py: killed within a second of a burst, before the "done" marks were
    written. The person had already chosen a language (and accepted the notice); their /start
    was handled again at the next start and put "Choose your language" back at the end of the
    chat, under the step they were at (31 of 50 people in one run)."""
    m = Migrant(app, session, language_code="en")
    start = await m.update({"message": m._message(text="/start", entities=[
        {"type": "bot_command", "offset": 0, "length": 6}])}, handle=False)
    await app.handle(start)  # each was shown; none was marked done before the crash
    for label in answered:
        await app.handle(await m.press_button(label, handle=False))
    step = shown(session)[-1]
    assert step != "Choose your language:"
    session.clear()
    stop = asyncio.Event()
    worker = asyncio.create_task(app.worker.run(stop))  # the next start: all are read from the inbox
    for _ in range(200):
        if not await app.inbox.pending():
            break
        await asyncio.sleep(0.02)
    stop.set()
    await worker
    assert not await app.inbox.pending()
    assert "Choose your language:" not in shown(session)
    assert shown(session).count(step) <= 1  # the step the person is at, shown again at most once
