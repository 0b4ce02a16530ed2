"""Reminders before a deadline, with the real bot process, the fake Bot API and a clock set by
CLOCK_START: set one, restart, move the clock to the day, it arrives once; blocked, cancelled."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fakegram import FakeTelegram

from .harness import BotProcess, Person

pytestmark = pytest.mark.slow

CHAT = 7362519048  # a migrant's Telegram id, long enough that finding it by chance is impossible
SET_AT = "2026-11-30T06:00:00+00:00"  # 11:00 in Almaty
ON_THE_DAY = "2026-12-24T06:00:00+00:00"  # 11:00 in Almaty, 7 days before 31 December


async def set_permit_reminder(person: Person) -> None:
    """Through the work-permit topic to the answer "valid until 31 December", then 🔔."""
    await person.onboard()
    for label, expected in (("No", "Who is asking?"), ("I work or live in Kazakhstan", "What is your question about?"),
                            ("Work permit", "Which country's passport"),
                            ("Uzbekistan", "Who do you work for"), ("A family", "already have a permit"),
                            ("Yes", "name the city or region"), ("Yes", "How do you pay the tax"),
                            ("For several months at once", "last day of your permit")):
        person.press(label)
        await person.expect(expected)
    person.send("31.12.2026")
    await person.expect("changed employer")
    person.press("No")
    await person.expect("Your permit is valid until")
    person.press("🔔 Remind me: permit ends")
    asked = await person.expect("When should I remind you of the end of your permit")
    assert "deleted once the reminder is sent or you cancel it" in asked["text"]
    person.press("7 days and 1 day before")
    done = await person.expect("I will write to you at 10:00")
    assert "December 24, 2026" in done["text"] and "December 30, 2026" in done["text"]


async def started(tg: FakeTelegram, process: BotProcess) -> None:
    """Wait until the process polls (start-up is slow on a busy machine)."""
    polls = len(tg.calls("getUpdates"))
    process.start()
    await tg.wait_for(lambda: len(tg.calls("getUpdates")) > polls, 90, what="the bot to poll")


def reminders_to(tg: FakeTelegram, chat: int) -> list[dict]:
    return [m for m in tg.bot_messages(chat) if str(m.get("text", "")).startswith("Reminder:")]


def reminder_attempts(tg: FakeTelegram, chat: int) -> list[object]:
    """Every attempt to send a reminder to ``chat``, refused or not."""
    return [c for c in tg.requests if c.method == "sendMessage" and c.params.get("chat_id") == chat
            and str(c.params.get("text", "")).startswith("Reminder:")]


def database_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith("jol.sqlite")]


def holds_chat_id(data: bytes, chat: int) -> bool:
    """The id as text, or as SQLite stores an integer (big-endian, 6 or 8 bytes)."""
    return any(form in data for form in (str(chat).encode(), chat.to_bytes(6, "big"), chat.to_bytes(8, "big")))


async def test_a_reminder_survives_a_restart_and_arrives_once_on_the_day(tg: FakeTelegram, tmp_path: Path) -> None:
    before = BotProcess(tg.base_url, tmp_path, CLOCK_START=SET_AT)
    await started(tg, before)
    person = Person(tg, user_id=CHAT)
    await set_permit_reminder(person)
    assert await before.stop() == 0

    # Nothing in the database files names the person's chat in clear, while it waits.
    for path in database_files(tmp_path):
        assert not holds_chat_id(path.read_bytes(), CHAT), path.name

    on_the_day = BotProcess(tg.base_url, tmp_path, CLOCK_START=ON_THE_DAY, REMINDER_CHECK_SECONDS="0.5")
    await started(tg, on_the_day)
    await tg.wait_for(lambda: len(reminders_to(tg, CHAT)) == 1, 20, what="the reminder")
    reminder = reminders_to(tg, CHAT)[0]
    assert "your permit for a labour immigrant ends on December 31, 2026 (in 7 days)" in reminder["text"]
    buttons = [b["text"] for row in reminder["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Open this topic again", "Done, stop reminding", "Talk to a counsellor"]
    assert await on_the_day.stop() == 0

    again = BotProcess(tg.base_url, tmp_path, CLOCK_START=ON_THE_DAY, REMINDER_CHECK_SECONDS="0.5")
    await started(tg, again)
    person.send("/reminders")
    listing = await person.expect("Your reminders:")
    assert "December 30, 2026" in listing["text"] and "December 24, 2026" not in listing["text"]
    assert len(reminders_to(tg, CHAT)) == 1  # sent once, not again after the restart

    person.press("Cancel: 31.12.2026")
    await person.expect("Cancelled: the end of your permit, December 31, 2026")
    person.send("/reminders")
    await person.expect("You have no reminders")
    assert await again.stop() == 0
    for path in database_files(tmp_path):
        assert not holds_chat_id(path.read_bytes(), CHAT), path.name
    assert "Traceback" not in again.output()


async def test_done_forget_and_a_blocked_bot_end_reminders(tg: FakeTelegram, tmp_path: Path) -> None:
    first = BotProcess(tg.base_url, tmp_path, CLOCK_START=SET_AT)
    await started(tg, first)
    stops, blocks, forgets = Person(tg, user_id=CHAT), Person(tg, user_id=CHAT + 1), Person(tg, user_id=CHAT + 2)
    for person in (stops, blocks, forgets):
        await set_permit_reminder(person)
    forgets.send("/forget")
    await forgets.expect("Erase everything")
    forgets.press("Yes, erase")
    await forgets.expect("no longer keeps anything")
    assert await first.stop() == 0
    tg.block(blocks.user, notify=False)

    day = BotProcess(tg.base_url, tmp_path, CLOCK_START=ON_THE_DAY, REMINDER_CHECK_SECONDS="0.5")
    await started(tg, day)
    await tg.wait_for(lambda: len(reminders_to(tg, CHAT)) == 1, 20, what="the reminder")
    stops.press("Done, stop reminding")
    await stops.expect("I will not remind you of this date again")
    stops.send("/reminders")
    await stops.expect("You have no reminders")
    await tg.wait_for(lambda: len(reminder_attempts(tg, CHAT + 1)) == 1, 10, what="the send to the blocked person")
    assert await day.stop() == 0
    assert reminders_to(tg, CHAT + 2) == []  # forgotten: never sent

    # The blocked person's other reminder (the day before) was dropped with the first: never retried.
    last_day = BotProcess(tg.base_url, tmp_path, CLOCK_START="2026-12-30T06:00:00+00:00",
                          REMINDER_CHECK_SECONDS="0.5")
    await started(tg, last_day)
    stops.send("/reminders")
    await stops.expect("You have no reminders")
    await asyncio.sleep(2)  # several checks of the due reminders
    assert len(reminder_attempts(tg, CHAT + 1)) == 1
    assert await last_day.stop() == 0
