"""Telegram's sending limits hold for all replicas together when they count in Redis."""

from __future__ import annotations

import asyncio
import time

from bot.telegram.outbox.shared_limits import SharedLimits
from tests.services import redis_database


async def sent_within(replicas: list[SharedLimits], chats: list[int], seconds: float) -> int:
    """Every replica sends as fast as the shared limits let it, for ``seconds``; how many went?"""
    sent = 0
    deadline = time.monotonic() + seconds

    async def replica(limits: SharedLimits) -> None:
        nonlocal sent
        i = 0
        while time.monotonic() < deadline:
            wait = await limits.take(chats[i % len(chats)])
            i += 1
            if wait == 0:
                sent += 1
            else:
                await asyncio.sleep(min(wait, 0.01))

    await asyncio.gather(*(replica(r) for r in replicas))
    return sent


async def test_three_replicas_send_one_message_a_second_to_one_chat_between_them() -> None:
    async with redis_database() as url:
        replicas = [SharedLimits(url) for _ in range(3)]
        sent = await sent_within(replicas, [5001], 2.5)
        assert 1 <= sent <= 3  # 1 a second, counted together (alone, each would have sent 2-3)


async def test_three_replicas_keep_the_overall_rate_between_them() -> None:
    async with redis_database() as url:
        replicas = [SharedLimits(url, global_per_second=30) for _ in range(3)]
        sent = await sent_within(replicas, list(range(6000, 6500)), 1.5)
        assert 15 <= sent <= 60  # 30 a second across all three, not 90


async def test_the_counsellors_group_gets_one_message_in_three_seconds_across_replicas() -> None:
    """20 a minute, spaced as one replica spaces them: a burst to the group from three replicas
    would pass Telegram's 1 a second to one chat (different cases go out from different replicas)."""
    async with redis_database() as url:
        replicas = [SharedLimits(url) for _ in range(3)]
        assert 1 <= await sent_within(replicas, [-1001234567890], 4.5) <= 2  # at 0 s and at 3 s, never a burst



async def test_no_second_can_hold_more_than_30_messages_however_late_they_arrive() -> None:
    """Telegram sees a message somewhere between the moment it leaves and its answer. Three
    replicas send to new chats as fast as the shared limits let them, each request taking 50 ms:
    when any message leaves, fewer than 30 others may have left and not yet been answered a
    second ago, or a second could hold 31 of them (a 429 for every chat). A window of 30 a second
    counted when messages leave broke this: 30 left at once, were answered 50 ms later, and the
    next 30 left a second after leaving, while the first were still within their second."""
    async with redis_database() as url:
        replicas = [SharedLimits(url, global_per_second=30) for _ in range(3)]
        spans: list[tuple[float, float]] = []  # (left, answered) of each message

        async def replica(limits: SharedLimits, chats: range) -> None:
            for chat in chats:
                while (wait := await limits.take(chat)) > 0:
                    await asyncio.sleep(wait)
                left = time.time()
                await asyncio.sleep(0.05)  # on its way to Telegram and back
                spans.append((left, time.time()))
                await limits.sent(chat)

        try:
            await asyncio.gather(*(replica(r, range(7000 + 100 * i, 7000 + 100 * i + 25))
                                   for i, r in enumerate(replicas)))
        finally:
            for r in replicas:
                await r.close()
    assert len(spans) == 75
    for left, _ in spans:
        assert sum(a <= left < b + 1.0 for a, b in spans) <= 30
