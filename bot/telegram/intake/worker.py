"""Handles stored updates: different people at once, each person's updates one at a time, in order.

An update is marked done only after its handler finished, so one interrupted by a crash is
handled again at the next start (the conversation service then sees from its inbox row that it
was applied, changes nothing and shows the current step). A transient failure (network, 5xx,
429, an HTML gateway page, the database or Redis away for a moment) is retried with backoff
before the person's next update; only a lasting one is given up: logged with the update id,
counted in ``failed_updates``, kept for ``python -m bot inbox failed --replay``. An update whose
handler crashes the process again and again is given up too, never retried forever.

Attempts are counted for a whole batch in one write before handling, and "done" marks are
written in batches too: a crash before they are written only means those updates are looked at
again, which shows the person their current step once more.

Updates that arrive while the worker is caught up (everything unfinished in the inbox is already
queued) are handed over in memory by ``take``: stored first, their first attempt counted in the
same insert, then queued, without being read back. Until the worker has caught up (at start, after
a failure to record, in a replica), ``take`` stores and wakes it, and the inbox is read as before.

On shutdown nothing new is started: a person's queued updates stay in the inbox for the next
start, and the ones in flight get the shutdown timeout to finish.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.telegram.intake.inbox import Inbox, Pending
from bot.telegram.replica import Replica
from bot.telegram.transient import is_transient, wait_hint
from db.statuses import InboxStatus

log = logging.getLogger("jol.worker")
Handler = Callable[[dict[str, Any]], Awaitable[None]]
LOOK_AHEAD = 500  # unfinished updates read from the inbox at a time


@dataclass(frozen=True)
class Backoff:
    """Retries of a transient failure: ``first`` seconds, doubling up to ``longest``, ``attempts``
    tries in all (the defaults span about a minute: a restarted database or Redis is back)."""

    first: float = 0.5
    longest: float = 15.0
    attempts: int = 8

    def delay(self, attempt: int) -> float:
        return min(self.longest, self.first * 2 ** (attempt - 1)) * (0.75 + random.random() / 4)


class UpdateWorker:
    def __init__(self, inbox: Inbox, handle: Handler, *, concurrency: int = 64, max_attempts: int = 3,
                 retry: Backoff = Backoff(), replica: Replica | None = None):
        self.inbox = inbox
        self.replica = replica
        self.handle = handle
        self.max_attempts = max_attempts
        self.retry = retry
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._queued: set[int] = set()
        self._queues: dict[str, asyncio.Queue[Pending]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._attempts: dict[int, int] = {}
        self._done: list[int] = []
        self._behind = True  # the inbox may hold unfinished updates not queued here: read it first
        self.handled = 0
        self.failed = 0
        self.retried = 0

    @property
    def failed_updates(self) -> int:
        """Updates given up since this process started (the inbox keeps every one for replay)."""
        return self.failed

    def wake(self) -> None:
        self._wake.set()

    def has_newer(self, key: str) -> bool:
        """True while an update of the person ``key`` is being handled and a later one of theirs is
        already queued: they acted after this one, so it need not show them its step again."""
        queue = self._queues.get(key)
        return queue is not None and not queue.empty()

    async def take(self, raws: list[dict[str, Any]]) -> int:
        """Store updates (committed before this returns: only then may they be confirmed), and
        queue the new ones from memory when nothing older is left unqueued. Returns how many
        were new."""
        hand_over = self.replica is None and not self._behind and not self._stopping.is_set()
        fresh = await self.inbox.store_new(raws, begun=hand_over)
        if not hand_over:
            self.wake()
            return len(fresh)
        for item in fresh:
            self._attempts[item.update_id] = 1
            self._enqueue(item)
        return len(fresh)

    async def run(self, stop: asyncio.Event) -> None:
        """Pick up pending updates until ``stop`` is set; then start nothing new."""
        self._stopping.clear()
        while not stop.is_set():
            self._wake.clear()
            try:
                await self.flush()
                pending = await self.inbox.pending(limit=LOOK_AHEAD, replica=self.replica)
                fresh = [item for item in pending if item.update_id not in self._queued]
                if fresh:
                    self._attempts.update(await self.inbox.begin_many([item.update_id for item in fresh]))
                    for item in fresh:
                        self._enqueue(item)
                self._behind = len(pending) >= LOOK_AHEAD  # more than one read holds: read again
            except Exception:  # the database is busy or gone for a moment: look again shortly
                self._behind = True
                log.exception("could not read the inbox; trying again")
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=self.replica.poll_seconds if self.replica else 1.0,
                               return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
        self._stopping.set()
        try:
            await self.flush()
        except Exception:
            log.exception("could not write the done marks; those updates will show their step again")

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
            while not queue.empty() and not self._stopping.is_set():
                item = queue.get_nowait()
                async with self._slots:
                    if self._stopping.is_set():  # waited for a slot through the shutdown: leave it for later
                        self._queued.discard(item.update_id)
                        break
                    try:
                        await self._process(item)
                    except Exception:  # bookkeeping failed; the update stays pending and is retried
                        log.exception("update %s: could not record its state; it will be retried", item.update_id)
                        self._queued.discard(item.update_id)
                        self._behind = True
            while not queue.empty():  # shutting down: these stay in the inbox for the next start
                self._queued.discard(queue.get_nowait().update_id)
        finally:
            self._queues.pop(key, None)

    async def _process(self, item: Pending) -> None:
        attempts = self._attempts.pop(item.update_id, 1)
        if attempts > self.max_attempts:
            log.error("update %s: the bot stopped %d times while handling it; giving up on it "
                      "(python -m bot inbox failed)", item.update_id, attempts - 1)
            await self._give_up(item)
            return
        if not item.payload:  # erased by /forget before it was marked done: nothing left to do
            self._done.append(item.update_id)
            return
        for attempt in range(1, self.retry.attempts + 1):
            try:
                await self.handle(item.payload)
                break
            except Exception as exc:
                if not is_transient(exc):
                    log.exception("update %s could not be handled; giving up on it (python -m bot inbox failed)",
                                  item.update_id)
                    await self._give_up(item)
                    return
                if attempt == self.retry.attempts:
                    log.error("update %s still failing after %d attempts (%s: %s); giving up on it "
                              "(python -m bot inbox failed)", item.update_id, attempt, type(exc).__name__, exc)
                    await self._give_up(item)
                    return
                if self._stopping.is_set():  # shutting down: it stays in the inbox for the next start
                    self._queued.discard(item.update_id)
                    return
                delay = max(self.retry.delay(attempt), wait_hint(exc))
                self.retried += 1
                log.warning("update %s: %s (%s); retry %d in %.1f s", item.update_id, type(exc).__name__,
                            str(exc)[:120], attempt, delay)
                await asyncio.sleep(delay)
        self._done.append(item.update_id)  # written with the next look at the inbox (within a second)
        self.handled += 1

    async def _give_up(self, item: Pending) -> None:
        await self.inbox.finish(item.update_id, InboxStatus.FAILED)
        self._queued.discard(item.update_id)
        self.failed += 1

    async def drain(self, timeout: float) -> bool:
        """Wait for the updates being handled; True if all finished in time. The ones cut off
        stay in the inbox: at the next start each shows its person the current step."""
        self._stopping.set()
        if not self._tasks:
            await self.flush()
            return True
        done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        await self.flush()
        return not pending
