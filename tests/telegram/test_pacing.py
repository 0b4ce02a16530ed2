"""Replies to a person's own taps keep Telegram's limits, alone and across replicas.

The fake Bot API enforces the limits (1 message a second to a chat, 30 a second overall), ten
times faster here (``scale=10``) so the test takes a few seconds: 10 a second to a chat, 300 a
second overall. The bots' limiters are set to the same scaled limits.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.telegram.outbox.rate_limits import RateLimiter
from bot.telegram.outbox.shared_limits import SharedLimits
from bot.telegram.pacing import PacingMiddleware
from bot.telegram.retry import RetryMiddleware
from fakegram import FakeTelegram
from tests.services import redis_database

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
PERSON = 7301
SCALE = 10


def scaled_limiter() -> RateLimiter:
    return RateLimiter(private_per_second=1 * SCALE, group_per_minute=20 * SCALE, global_per_second=30 * SCALE)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as fake:
        fake.set_rate_limits(scale=SCALE)
        yield fake


def handler_bot(tg: FakeTelegram, limiter: RateLimiter | None, shared: SharedLimits | None = None) -> Bot:
    """A bot as the app builds it for handlers: retries outside, pacing inside (or none)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    session.middleware(RetryMiddleware(attempts=1))  # no retry: a 429 must show, not be waited out
    if limiter is not None:
        session.middleware(PacingMiddleware(limiter, shared))
    return Bot(TOKEN, session=session)


def refused(tg: FakeTelegram) -> int:
    return sum(1 for c in tg.requests if c.error_code == 429)


async def quick_replies(bot: Bot, chat_id: int, count: int) -> None:
    for n in range(count):
        await bot.send_message(chat_id, f"step {n}")


async def test_a_person_who_taps_fast_gets_every_reply_without_a_429(tg: FakeTelegram) -> None:
    tg.register_chat(tg.user(PERSON))
    bot = handler_bot(tg, scaled_limiter())
    try:
        await quick_replies(bot, PERSON, 8)
    finally:
        await bot.session.close()
    assert refused(tg) == 0
    assert tg.texts(PERSON) == [f"step {n}" for n in range(8)]
    times = [c.time for c in tg.calls("sendMessage")]
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.1  # a chat's second, scaled


async def test_without_pacing_the_same_replies_meet_429s(tg: FakeTelegram) -> None:
    """The test above can fail: the fake refuses replies that come too fast."""
    tg.register_chat(tg.user(PERSON))
    bot = handler_bot(tg, None)
    try:
        with pytest.raises(Exception, match="Too Many Requests|retry"):
            await quick_replies(bot, PERSON, 8)
    finally:
        await bot.session.close()
    assert refused(tg) >= 1


async def test_a_burst_of_replies_to_many_people_stays_under_the_overall_limit(tg: FakeTelegram) -> None:
    """100 replies at once, at Telegram's own pace (30 a second): the overall limit is counted when a
    message leaves, and a few milliseconds of jitter on the way are a larger part of a scaled second."""
    tg.set_rate_limits()
    people = [PERSON + n for n in range(100)]
    for person in people:
        tg.register_chat(tg.user(person))
    bot = handler_bot(tg, RateLimiter())
    try:
        await asyncio.gather(*(bot.send_message(p, "hello") for p in people))
    finally:
        await bot.session.close()
    assert refused(tg) == 0
    assert all(tg.texts(p) == ["hello"] for p in people)


async def test_edits_and_button_answers_are_not_held_back(tg: FakeTelegram) -> None:
    tg.register_chat(tg.user(PERSON))
    limiter = scaled_limiter()
    bot = handler_bot(tg, limiter)
    try:
        sent = await bot.send_message(PERSON, "question")
        limiter.block(PERSON, 60)  # a new message would now wait a minute
        await asyncio.wait_for(bot.edit_message_text("question, answered", chat_id=PERSON,
                                                     message_id=sent.message_id), timeout=5)
    finally:
        await bot.session.close()
    edited = tg.message(PERSON, sent.message_id)
    assert edited is not None and edited["text"] == "question, answered"


async def test_two_replicas_replying_to_one_person_share_the_limits_in_redis(tg: FakeTelegram) -> None:
    """One person's updates may be handled by different replicas in turn: their replies are counted
    together. Redis counts whole seconds, so this test runs at Telegram's own pace."""
    tg.set_rate_limits()
    tg.register_chat(tg.user(PERSON))
    async with redis_database() as url:
        shared = [SharedLimits(url) for _ in range(2)]
        bots = [handler_bot(tg, RateLimiter(), s) for s in shared]
        try:
            for n in range(3):  # the person's updates alternate between the replicas
                await bots[n % 2].send_message(PERSON, f"step {n}")
        finally:
            for bot in bots:
                await bot.session.close()
            for s in shared:
                await s.storage.reset()
                await s.close()
    assert refused(tg) == 0
    assert tg.texts(PERSON) == [f"step {n}" for n in range(3)]
