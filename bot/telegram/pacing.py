"""Replies within Telegram's sending limits, counted together with the outbox.

The outbox paces what it sends (relayed messages, reminders, the counsellors' group). A reply to
a person's own tap or message is sent by the handler at once, through this request middleware:
it waits for the same ``RateLimiter`` as the outbox (one per process, so a burst of replies makes
the outbox wait and not the other way round) and, with several replicas, for a place in the
limits shared in Redis. A person who taps faster than once a second waits for their next
message; a campaign burst above 30 messages a second is spread out instead of meeting 429s.

Only messages count, as Telegram counts them: edits, answers to button presses, chat actions and
topic management pass at once. A person's chat is counted under their outbox lane (a number
taken from their pseudonym), so a reply and a relayed message to them share one second, and no
Telegram id is written to Redis. A 429 that comes anyway blocks the chat for its ``retry_after``,
and the retrying middleware outside this one waits it out and sends again.

The spacing is measured when a message leaves, so messages must not queue after that: a few at a
time are in flight (``IN_FLIGHT``), far below the HTTP session's connections. Without that cap, a
burst of replies waited for connections and reached Telegram bunched together, over the limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from bot.telegram.outbox.rate_limits import RateLimiter
from bot.telegram.outbox.shared_limits import SharedLimits

UNPACED = frozenset({"sendChatAction"})
IN_FLIGHT = 16


def counts_as_message(method: TelegramMethod[Any]) -> bool:
    name = method.__api_method__
    return (name.startswith("send") or name in ("copyMessage", "forwardMessage")) and name not in UNPACED


class PacingMiddleware(BaseRequestMiddleware):
    def __init__(self, limiter: RateLimiter, shared: SharedLimits | None = None,
                 lane: Callable[[int], int] = lambda chat_id: chat_id):
        self.limiter = limiter
        self.shared = shared
        self.lane = lane  # a private chat counted under its outbox lane, as the outbox counts it
        self.in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Any:
        target = getattr(method, "chat_id", None)
        if not counts_as_message(method) or not isinstance(target, int):
            return await make_request(bot, method)
        chat_id = self.lane(target) if target > 0 else target
        await self._wait_for_place(chat_id)
        async with self.in_flight:
            while (wait := self.limiter.wait(chat_id)) > 0:  # the overall gap, or a message that went meanwhile
                await asyncio.sleep(wait)
            self.limiter.record(chat_id)  # no await since the check: two replies never take one place
            try:
                result = await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.limiter.block(chat_id, exc.retry_after)
                raise
            finally:
                if self.shared is not None:  # answered or failed: it counts for one more second
                    await self.shared.sent(chat_id)
        self.limiter.sent(chat_id)  # a private chat's second runs from Telegram's answer
        return result

    async def _wait_for_place(self, chat_id: int) -> None:
        """Wait, without holding a place in flight, until the chat may have its next message."""
        while (wait := self.limiter.wait(chat_id)) > 0:
            await asyncio.sleep(wait)
        if self.shared is not None:
            while (wait := await self.shared.take(chat_id)) > 0:  # other replicas used this second's places
                await asyncio.sleep(wait)
