"""Migrant conversations through the real Dispatcher, asserting on what the bot sends."""

from __future__ import annotations

import datetime as dt
import json

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import text

from bot.conversation.reminders import ReminderService
from bot.engine.clock import Clock
from bot.telegram.app import App
from tests.chat import walk_to_the_work_permit_answer

from .conftest import Migrant
from .session import RecordingSession


async def onboard(m: Migrant, language: str) -> None:
    await m.send("/start")
    await m.press_button(language)
    await m.press_button({"Русский": "продолжить", "English": "continue"}.get(language, "continue"))


async def test_start_offers_languages_by_native_name_with_the_guess_first(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="uz")
    await m.send("/start")
    labels = [row[0].text for row in session.last_markup().inline_keyboard]
    assert labels == ["✓ O‘zbek", "Русский", "Ўзбекча (Кирил)", "Тоҷикӣ", "Кыргызча", "Қазақ тілі", "English"]
    assert session.texts()[-1] == "Tilni tanlang:"
    other = Migrant(app, session, user_id=7002, language_code="de")  # no German: Russian, the lingua franca
    await other.send("/start")
    assert session.last_markup().inline_keyboard[0][0].text == "✓ Русский"
    assert session.texts()[-1] == "Выберите язык:"


async def test_russian_walk_to_the_work_permit_outcome(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session)
    await onboard(m, "Русский")
    assert any("Вам угрожает опасность" in t or "опасност" in t for t in session.texts())
    await m.press_button("Нет")
    await m.press_button("Я работаю или живу в Казахстане")
    await m.press_button("Разрешение на работу")
    await m.press_button("Узбекистан")
    await m.press_button("В семье")
    await m.press_button("Нет")
    outcome = session.texts()[-1]
    assert "17\xa0300\xa0₸" in outcome
    assert "Проверено: 1 декабря 2026" in outcome
    labels = [b.text for row in session.last_markup().inline_keyboard for b in row]
    assert "Поговорить с консультантом" in labels or any("консультант" in label for label in labels)


async def test_the_work_permit_walk_written_once_for_both_harnesses(app: App, session: RecordingSession) -> None:
    outcome = await walk_to_the_work_permit_answer(Migrant(app, session, language_code="en"))
    assert "Checked on:" in outcome and "EAEU" in outcome  # the same walk runs through the fake server in tests/e2e


async def test_english_walk_with_a_typed_date(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    for label in ("No", "I work or live in Kazakhstan", "Work permit", "Tajikistan", "A family", "Yes", "Yes",
                  "For several months at once"):
        await m.press_button(label)
    await m.send("the end of december")
    assert session.texts()[-1] == "Please write the date as day.month.year, for example 31.12.2026."
    await m.send("31.12.2026")
    await m.press_button("No")
    assert "Your permit is valid until December 31, 2026." in session.texts()[-1]


async def test_button_presses_are_answered_first(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    session.clear()
    await m.press_button("No")
    assert isinstance(session.requests[0], AnswerCallbackQuery)


async def test_a_question_after_a_button_press_replaces_the_pressed_message(app: App,
                                                                            session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    await m.press_button("No")
    await m.press_button("I work or live in Kazakhstan")
    session.clear()
    await m.press_button("Work permit")
    edits = [r for r in session.requests if isinstance(r, EditMessageText)]
    assert edits and edits[0].text == "Which country's passport do you have?"


async def test_typed_label_and_number_work_like_buttons(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    await m.send("no")
    await m.send("1")
    assert session.texts()[-1] == "What is your question about?"
    await m.send("1")
    assert session.texts()[-1] == "Which country's passport do you have?"


async def test_sticker_and_long_text_get_a_polite_answer_and_the_step_stays(app: App,
                                                                            session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    await m.send_sticker()
    assert "I can only read text and buttons" in session.texts()[-2]
    assert "keep you safe" in session.texts()[-1]
    await m.send("x" * 5000)
    assert "That message is long" in session.texts()[-2]
    assert "keep you safe" in session.texts()[-1]
    await m.press_button("No")
    assert session.texts()[-1] == "Who is asking?"


async def test_forged_and_stale_buttons_change_nothing(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    await m.press("o:7:999")  # an option that does not exist, from a step that never was
    assert "older message" in session.texts()[-2]
    await m.press("something-forged")
    assert "older message" in session.texts()[-2]
    await m.press_button("No")
    assert session.texts()[-1] == "Who is asking?"


async def test_commands_work_anywhere(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    await m.press_button("No")
    await m.press_button("I work or live in Kazakhstan")
    await m.press_button("Work permit")
    await m.send("/menu")
    assert session.texts()[-1] == "What is your question about?"
    await m.send("/help")
    assert session.texts()[-1].startswith("How to use Jol")
    await m.send("/privacy")
    assert "deleted after 30 days without use" in session.texts()[-1]
    await m.send("/language")
    await m.press_button("Русский")
    assert session.texts()[-1] == "По какому вопросу вы обращаетесь?" or "вопрос" in session.texts()[-1]


async def test_forget_erases_the_conversation(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    await m.send("/forget")
    await m.press_button("Yes, erase")
    assert "no longer keeps anything about you" in session.texts()[-1]
    async with app.runtime.db_engine.connect() as conn:
        assert (await conn.execute(text("select count(*) from conversations"))).scalar_one() == 0
    await m.send("hello")  # a new start: the language question again
    assert session.texts()[-1] == "Choose your language:"


async def test_a_redelivered_update_has_no_second_effect(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    first = await m.press_button("No")
    sent_before = len(session.sent()) + len([r for r in session.requests if isinstance(r, EditMessageText)])
    await m.update({k: v for k, v in first.items() if k != "update_id"}, update_id=first["update_id"])
    sent_after = len(session.sent()) + len([r for r in session.requests if isinstance(r, EditMessageText)])
    assert sent_after == sent_before


async def test_no_telegram_id_or_name_is_stored(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, user_id=987654321, first_name="Canaryname", username="canary_user")
    await onboard(m, "Русский")
    await m.press_button("Нет")
    await m.send("canary free text 555")
    dump = []
    async with app.runtime.db_engine.connect() as conn:
        for table in ("conversations", "fsm", "inbox"):
            rows = (await conn.execute(text(f"select * from {table}"))).all()
            dump.extend(str(r) for r in rows)
    blob = "\n".join(dump)
    assert "987654321" not in blob and "Canaryname" not in blob and "canary_user" not in blob
    assert "canary free text" not in blob  # inbox payloads are erased once handled


async def test_outcome_messages_fit_telegram_and_are_plain_text(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    for label in ("No", "I work or live in Kazakhstan", "Work permit", "Uzbekistan", "A family", "No, not yet"):
        await m.press_button(label)
    assert app.bot.default.parse_mode is None  # plain text: nothing typed can inject markup
    for request in session.sent():
        assert isinstance(request, SendMessage)
        assert len(request.text) <= 4096


async def test_a_monthly_payer_can_be_reminded_of_the_next_payment(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, language_code="en")
    await onboard(m, "English")
    for label in ("No", "I work or live in Kazakhstan", "Work permit", "Uzbekistan", "A family", "Yes", "Yes",
                  "Month by month"):
        await m.press_button(label)
    assert session.texts()[-1].startswith("Up to which day is your tax paid? It is the last day of your permit.")
    await m.send("20.12.2026")
    await m.press_button("No")
    answer = session.texts()[-1]
    assert answer.startswith("Your tax is paid up to December 20, 2026, and your permit is valid up to the same day.")
    assert "4 MRP, that is 17,300\xa0₸" in answer
    labels = [b.text for row in session.last_markup().inline_keyboard for b in row]
    assert "🔔 Remind me: pay by 20.12.2026" in labels  # short, to fit a button
    assert not any("permit ends" in label for label in labels)  # one date, one reminder
    await m.press_button("🔔 Remind me: pay by")
    assert session.texts()[-1].startswith(
        "When should I remind you of the next monthly payment for your permit, December 20, 2026?")
    await m.press_button("7 days and 1 day before")
    assert "December 13, 2026, December 19, 2026" in session.texts()[-1]

    on_the_day = ReminderService(app.runtime.unit_of_work, app.runtime.catalogs, app.runtime.sealer,
                                 Clock.fixed(dt.date(2026, 12, 13)))
    assert await on_the_day.queue_due() == 1
    async with app.runtime.db_engine.connect() as conn:
        payload = json.loads((await conn.execute(text("select payload from outbox"))).scalar_one())
    assert payload["text"] == ("Reminder: pay the tax for your permit for the next month by December 20, 2026 "
                               "(in 7 days), and then extend the permit.")
