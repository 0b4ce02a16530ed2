"""Handles stored updates: different people at once, each person's updates one at a time, in order.

An update is marked done only after its handler finished, so one interrupted by a crash is
handled again at the next start (the conversation service then sees it was already applied and
changes nothing). An update whose handler keeps failing is marked failed and reported, never
retried forever. Attempts are counted for a whole batch in one write before handling, and
"done" marks are written in batches too: a crash before they are written only means those
updates are looked at again, which changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.telegram.intake.inbox import Inbox, Pending

log = logging.getLogger("jol.worker")
Handler = Callable[[dict[str, Any]], Awaitable[None]]


class UpdateWorker:
    def __init__(self, inbox: Inbox, handle: Handler, *, concurrency: int = 64, max_attempts: int = 3):
        self.inbox = inbox
        self.handle = handle
        self.max_attempts = max_attempts
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._queued: set[int] = set()
        self._queues: dict[str, asyncio.Queue[Pending]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._attempts: dict[int, int] = {}
        self._done: list[int] = []
        self.handled = 0
        self.failed = 0

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Pick up pending updates until ``stop`` is set, then let the running ones finish."""
        while not stop.is_set():
            self._wake.clear()
            try:
                await self.flush()
                fresh = [item for item in await self.inbox.pending() if item.update_id not in self._queued]
                if fresh:
                    self._attempts.update(await self.inbox.begin_many([item.update_id for item in fresh]))
                    for item in fresh:
                        self._enqueue(item)
            except Exception:  # the database is busy or gone for a moment: look again shortly
                log.exception("could not read the inbox; trying again")
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
        await self.flush()

    async def flush(self) -> None:
        """Write the "done" marks of the updates handled since the last flush."""
        done, self._done = self._done, []
        if not done:
            return
        try:
            await self.inbox.finish_many(done)
        except Exception:
            self._done.extend(done)  # kept for the next flush; until then they are only held back
            raise
        for update_id in done:
            self._queued.discard(update_id)

    def _enqueue(self, item: Pending) -> None:
        self._queued.add(item.update_id)
        queue = self._queues.get(item.key)
        if queue is None:
            queue = self._queues[item.key] = asyncio.Queue()
            task = asyncio.create_task(self._drain(item.key, queue))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        queue.put_nowait(item)

    async def _drain(self, key: str, queue: asyncio.Queue[Pending]) -> None:
        try:
            while not queue.empty():
                item = queue.get_nowait()
                async with self._slots:
                    try:
                        await self._process(item)
                    except Exception:  # bookkeeping failed; the update stays pending and is retried
                        log.exception("update %s: could not record its state; it will be retried", item.update_id)
                        self._queued.discard(item.update_id)
        finally:
            self._queues.pop(key, None)

    async def _process(self, item: Pending) -> None:
        attempts = self._attempts.pop(item.update_id, 1)
        if attempts > self.max_attempts:
            log.error("update %s failed %d times; giving up on it", item.update_id, attempts - 1)
            await self.inbox.finish(item.update_id, "failed")
            self._queued.discard(item.update_id)
            self.failed += 1
            return
        try:
            await self.handle(item.payload)
        except Exception:
            log.exception("update %s could not be handled", item.update_id)
            await self.inbox.finish(item.update_id, "failed")
            self._queued.discard(item.update_id)
            self.failed += 1
            return
        self._done.append(item.update_id)  # written with the next look at the inbox (within a second)
        self.handled += 1

    async def drain(self, timeout: float) -> bool:
        """Wait for the updates being handled; True if all finished in time."""
        if not self._tasks:
            await self.flush()
            return True
        done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        await self.flush()
        return not pending
