"""The retry middleware: 429 waits retry_after, 5xx and network errors back off, then the error surfaces."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates, SendMessage

from bot.telegram import retry
from bot.telegram.retry import RetryMiddleware

BOT = Bot("123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz")


class Telegram:
    """Answers with the given errors in turn, then "ok"."""

    def __init__(self, *errors: Exception):
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, bot: Bot, method: Any) -> Any:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(retry.asyncio, "sleep", sleep)
    return waits


SEND = SendMessage(chat_id=1, text="hi")


async def test_a_429_is_retried_after_the_time_telegram_asks_for(slept: list[float]) -> None:
    telegram = Telegram(TelegramRetryAfter(SEND, "Too Many Requests", 7))
    assert await RetryMiddleware()(telegram, BOT, SEND) == "ok"
    assert telegram.calls == 2 and slept == [7]


async def test_server_errors_back_off_and_the_last_one_reaches_the_caller(slept: list[float]) -> None:
    telegram = Telegram(*[TelegramServerError(SEND, "Bad Gateway") for _ in range(3)])
    with pytest.raises(TelegramServerError):
        await RetryMiddleware(attempts=3, base_delay=1.0)(telegram, BOT, SEND)
    assert telegram.calls == 3
    assert len(slept) == 2 and 0.5 <= slept[0] <= 1.0 and 1.0 <= slept[1] <= 2.0  # doubling, with jitter


async def test_a_wait_longer_than_the_limit_is_not_slept_through(slept: list[float]) -> None:
    telegram = Telegram(TelegramRetryAfter(SEND, "Too Many Requests", 3600))
    with pytest.raises(TelegramRetryAfter):
        await RetryMiddleware(max_retry_after=120)(telegram, BOT, SEND)
    assert telegram.calls == 1 and slept == []


async def test_get_updates_is_left_to_the_poller(slept: list[float]) -> None:
    method = GetUpdates(timeout=1)
    telegram = Telegram(TelegramServerError(method, "Bad Gateway"))
    with pytest.raises(TelegramServerError):
        await RetryMiddleware()(telegram, BOT, method)
    assert telegram.calls == 1
