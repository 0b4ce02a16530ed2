"""The real bot process against the fake Bot API: a walk, a restart, a crash, a stop."""

from __future__ import annotations

import pytest

from fakegram import FakeTelegram
from tests.chat import walk_to_the_work_permit_answer

from .harness import BotProcess, Person

pytestmark = pytest.mark.slow


async def test_walk_from_start_to_an_outcome_by_pressing_buttons(tg: FakeTelegram, bot: BotProcess) -> None:
    bot.start()
    outcome = await walk_to_the_work_permit_answer(Person(tg))  # also run in process: tests/telegram/test_migrant.py
    assert "Checked on:" in outcome and "EAEU" in outcome
    commands = tg.calls("setMyCommands")
    assert {c.params.get("language_code") for c in commands} >= {"ru", "en", None}
    assert await bot.stop() == 0
    assert "Traceback" not in bot.output()


async def test_conversation_survives_a_restart(tg: FakeTelegram, bot: BotProcess) -> None:
    bot.start()
    person = Person(tg)
    await person.onboard()
    person.press("No")
    await person.expect("Who is asking?")
    person.press("I work or live in Kazakhstan")
    await person.expect("What is your question about?")
    assert await bot.stop() == 0
    person.press("Work permit")  # pressed while the bot is down: Telegram keeps it
    bot.start()
    await person.expect("Which country's passport")
    person.press("Uzbekistan")
    await person.expect("Who do you work for")


async def test_sigkill_mid_flow_loses_nothing_and_handles_nothing_twice(tg: FakeTelegram, bot: BotProcess) -> None:
    bot.start()
    person = Person(tg)
    await person.onboard()
    person.press("No")
    await person.expect("Who is asking?")
    person.press("I work or live in Kazakhstan")
    await person.expect("What is your question about?")
    # The next answer is taken and applied, and the bot is killed while its reply is in flight.
    tg.fail_next("editMessageText", delay=3.0)
    pressed = person.press("Work permit")
    await tg.wait_for(lambda: any(c.method == "editMessageText" and not c.done for c in tg.requests), 10,
                      what="the reply to be in flight")
    bot.kill()
    typed = person.send("hello")  # written while the bot is dead
    bot.start()
    await person.expect("Which country's passport", timeout=20)
    person.press("Tajikistan")
    await person.expect("Who do you work for")
    person.press("A company")
    await person.expect("the company itself must hold a permit")
    assert await bot.stop() == 0
    inbox = {u: (status, attempts) for u, status, attempts in bot.inbox()}
    pushed = [u for u in (pressed["update_id"], typed["update_id"])]
    assert all(inbox[u][0] == "done" for u in pushed), inbox  # nothing lost
    assert all(status == "done" for status, _ in inbox.values()), inbox
    assert inbox[pressed["update_id"]][1] == 2  # interrupted once, handled again after the restart ...
    # ... without a second effect: each step of the conversation was shown once.
    assert sum("Who do you work for" in t for t in tg.texts(person.chat_id)) == 1
    assert "could not be handled" not in bot.output()


async def test_sigterm_stops_cleanly_and_a_second_instance_is_refused(tg: FakeTelegram, bot: BotProcess,
                                                                       tmp_path) -> None:
    bot.start()
    person = Person(tg)
    await person.onboard()
    second = BotProcess(tg.base_url, tmp_path)
    second.log = tmp_path / "second.log"
    second.start()
    assert await second.exited() == 2
    assert "another copy of the bot is running" in second.output()
    assert await bot.stop() == 0


async def test_telegram_errors_are_retried(tg: FakeTelegram, bot: BotProcess) -> None:
    bot.start()
    person = Person(tg)
    tg.fail_next("sendMessage", status=429, retry_after=1)
    tg.fail_next("getUpdates", status=502)
    person.send("/start")
    await person.expect("Choose your language", timeout=20)
    assert tg.rate_limited >= 1 or any(c.error_code == 429 for c in tg.requests)
    assert not tg.retry_after_violations
    assert await bot.stop() == 0


async def test_missing_token_explains_what_to_do(tmp_path) -> None:
    process = BotProcess("http://127.0.0.1:9", tmp_path, BOT_TOKEN="")
    process.start()
    assert await process.exited() == 2
    out = process.output()
    assert "BOT_TOKEN is not set" in out and "@BotFather" in out and "make demo" in out


async def test_a_token_telegram_refuses_is_one_line_and_exit_2(tg: FakeTelegram, tmp_path) -> None:
    """It used to end in aiogram's TelegramUnauthorizedError traceback."""
    process = BotProcess(tg.base_url, tmp_path, BOT_TOKEN="123456:WRONG-token-abcdefghijklmnopqrstuvwxyz")
    process.start()
    assert await process.exited(60) == 2
    out = process.output()
    lines = [line for line in out.splitlines() if line.strip() and not line.startswith("--- start")]
    assert "Traceback" not in out and "WRONG-token" not in out
    assert len(lines) == 1 and lines[0].startswith("BOT_TOKEN=(hidden") and "401" in lines[0], out
