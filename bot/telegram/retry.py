"""Retrying Telegram requests: 429 after ``retry_after``, 5xx and network errors with backoff.

aiogram never retries a request by itself; this request middleware does, a bounded number of
times, and then lets the error reach the caller, who reports it. Nothing is swallowed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger("jol.telegram")


class RetryMiddleware(BaseRequestMiddleware):
    def __init__(self, attempts: int = 5, base_delay: float = 0.5, max_delay: float = 30.0,
                 max_retry_after: float = 120.0):
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Any:
        if method.__api_method__ == "getUpdates":  # the poller has its own loop and backoff
            return await make_request(bot, method)
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.attempts or exc.retry_after > self.max_retry_after:
                    raise
                log.warning("%s: rate limited, retrying after %s s", type(method).__name__, exc.retry_after)
                await asyncio.sleep(exc.retry_after)
            except (TelegramServerError, TelegramNetworkError) as exc:
                if attempt == self.attempts:
                    raise
                delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
                log.warning("%s failed (%s), retry %d in %.1f s", type(method).__name__, type(exc).__name__,
                            attempt, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
