"""Long polling that loses nothing: store first, confirm after.

Telegram confirms an update when the next getUpdates asks for a higher offset. This loop asks
for the next offset only after the batch is committed to the inbox, so an update is never
confirmed before it is stored. A 409 (another instance polling, or a webhook set) stops the bot:
two pollers would steal each other's updates. Any other failure (the network, a 5xx, a
gateway's HTML page, the database away while storing) is retried with backoff: polling never
ends on a transient error. An update the inbox cannot keep (a lone surrogate, a sender id that
is not a number) is skipped and its id logged, so it cannot block the ones after it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramConflictError, TelegramRetryAfter, TelegramUnauthorizedError
from aiogram.methods import GetUpdates

from bot.telegram.intake.inbox import Inbox
from bot.telegram.intake.worker import UpdateWorker

log = logging.getLogger("jol.polling")
# The updates the routers handle, asked for by polling and by the webhook alike.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")


class GetRawUpdates(GetUpdates):
    """getUpdates answered as plain dicts: each update is stored as Telegram sent it and checked
    one by one, so one malformed update cannot make the whole batch unreadable."""

    __returning__ = list[dict[str, Any]]


class PollingStopped(Exception):
    """Polling cannot go on (conflict or a revoked token); the reason is the message."""


class Poller:
    def __init__(self, bot: Bot, inbox: Inbox, worker: UpdateWorker, *, timeout: int = 25,
                 max_backoff: float = 30.0):
        self.bot = bot
        self.inbox = inbox
        self.worker = worker
        self.timeout = timeout
        self.max_backoff = max_backoff

    async def run(self, stop: asyncio.Event, caught_up: Callable[[], object] | None = None) -> None:
        """Poll until ``stop``. ``caught_up`` is called once, when what Telegram held at the start
        is stored (the first poll does not wait): the worker starts then, so that an update left
        unfinished by a crash knows whether its person has acted since."""
        offset = await self.inbox.next_offset()
        delay = 0.5
        first = True
        while not stop.is_set():
            request = asyncio.ensure_future(self._fetch(offset, 0 if first else self.timeout))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not request.done():  # stopping: nothing of this batch is stored, so nothing is confirmed
                request.cancel()
                break
            try:
                updates = request.result()
            except TelegramConflictError as exc:
                raise PollingStopped(f"Telegram refused polling: {exc.message}. Is another copy of the bot running, "
                                     "or a webhook set? Only one may receive updates.") from exc
            except TelegramUnauthorizedError as exc:
                raise PollingStopped("Telegram rejected the token (401). Check BOT_TOKEN.") from exc
            except TelegramRetryAfter as exc:
                log.warning("getUpdates rate limited; waiting %s s", exc.retry_after)
                await self._sleep(stop, exc.retry_after)
                continue
            except Exception as exc:
                log.warning("getUpdates failed (%s: %s); retrying in %.1f s", type(exc).__name__,
                            str(exc)[:200], delay)
                await self._sleep(stop, delay)
                delay = min(self.max_backoff, delay * 2)
                continue
            if updates:
                try:
                    await self.worker.take(updates)  # committed here; handed to the worker in memory
                except Exception as exc:
                    log.warning("could not store %d updates (%s: %s); fetching them again in %.1f s",
                                len(updates), type(exc).__name__, str(exc)[:200], delay)
                    await self._sleep(stop, delay)
                    delay = min(self.max_backoff, delay * 2)
                    continue
                offset = max(int(u["update_id"]) for u in updates if isinstance(u.get("update_id"), int)) + 1
            delay = 0.5
            if first:
                first = False
                if caught_up is not None:
                    caught_up()

    async def _fetch(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        method = GetRawUpdates(offset=offset, timeout=timeout, allowed_updates=list(ALLOWED_UPDATES))
        updates: list[dict[str, Any]] = await self.bot(method, request_timeout=timeout + 15)  # type: ignore[arg-type]
        return updates

    @staticmethod
    async def _sleep(stop: asyncio.Event, seconds: float) -> None:
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except TimeoutError:
            pass
