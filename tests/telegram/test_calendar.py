"""Dates picked on a calendar: month pages, today marked, only the days the question accepts."""

from __future__ import annotations

from aiogram.methods import EditMessageReplyMarkup

from bot.telegram.app import App
from bot.telegram.render import BLANK

from .conftest import Migrant
from .session import RecordingSession


def grid(markup: object) -> list[list[str]]:
    return [[b.text for b in row] for row in markup.inline_keyboard]  # type: ignore[attr-defined]


def days(markup: object) -> dict[str, str]:
    """Pressable day labels and their payloads."""
    return {b.text: b.callback_data for row in markup.inline_keyboard for b in row  # type: ignore[attr-defined]
            if b.callback_data and b.callback_data.startswith("d:")}


async def to_permit_end_date(m: Migrant) -> None:
    await m.send("/start")
    await m.press_button("English")
    await m.press_button("continue")
    for label in ("No", "I work or live in Kazakhstan", "Work permit", "Tajikistan", "A family", "Yes", "Yes",
                  "For several months at once"):
        await m.press_button(label)


async def test_a_date_is_picked_on_the_calendar_across_a_month_change(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, user_id=7501, language_code="en")
    await to_permit_end_date(m)
    assert "31.12.2026" in session.texts()[-1]  # typing still explained
    markup = session.last_markup()
    rows = grid(markup)
    assert rows[0] == ["‹", "November 2026", "›"]
    assert rows[1] == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    assert "[26]" in days(markup)  # today (26 November 2026) is marked
    assert rows[-2:] == [["« Back", "Menu"], ["Talk to a counsellor"]]  # navigation stays under it

    # The permit may end in the future: the next month is a page away, on the same message.
    await m.press(next(b.callback_data for b in markup.inline_keyboard[0] if b.text == "›"))
    edit = session.requests[-1]
    assert isinstance(edit, EditMessageReplyMarkup) and edit.reply_markup is not None
    december = edit.reply_markup
    assert grid(december)[0] == ["‹", "December 2026", "›"] and "[26]" not in days(december)
    await m.press(days(december)["31"])
    await m.press_button("No")
    assert "Your permit is valid until December 31, 2026." in session.texts()[-1]


async def test_a_past_date_question_offers_no_future_day(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, user_id=7502, language_code="ru")
    await m.send("/start")
    await m.press_button("Русский")
    await m.press_button("продолжить")
    for label in ("Нет", "Я работаю или живу в Казахстане", "Регистрация", "Таджикистан", "Ничего из этого"):
        await m.press_button(label)
    markup = session.last_markup()
    rows = grid(markup)
    assert rows[0][1] == "Ноябрь 2026" and rows[0][2] == BLANK  # no page after this month
    assert all(text.strip() for row in rows for text in row)  # Telegram refuses a button of only spaces
    assert rows[1] == ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
    pressable = days(markup)
    assert "[26]" in pressable and "27" not in pressable and "30" not in pressable
    assert sum(row.count("·") for row in rows) == 4  # 27-30 November are shown, not pressable


async def test_an_old_calendar_press_changes_nothing(app: App, session: RecordingSession) -> None:
    m = Migrant(app, session, user_id=7503, language_code="en")
    await to_permit_end_date(m)
    old = days(session.last_markup())["28"]
    await m.send("31.12.2026")  # typed instead: the conversation moved on
    asked = session.texts()[-1]
    assert asked == "Have you changed employer since the permit was issued?"
    await m.press(old)
    assert session.texts()[-2:] == ["That button belongs to an older message. Here is where we are now:", asked]
    await m.press_button("No")
    assert "Your permit is valid until December 31, 2026." in session.texts()[-1]  # not 28 November
