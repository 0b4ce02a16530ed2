"""Background tasks that outlive their own errors, and what health checks read about them.

Each background task (the update worker, the outbox sender, case reminders, the daily purge) runs
under a supervisor: an error is logged and the task started again after a pause that doubles up
to a minute, so one database hiccup never silently stops relayed messages. A task that still ends
(cancelled from outside, or killed by something no supervisor can catch) is marked dead, and
``Liveness.live`` turns false: ``/healthz`` then fails, so that a process supervisor restarts
the bot.

``Liveness`` is plain data for any health or metrics endpoint: no I/O, read at any time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol

log = logging.getLogger("jol.tasks")
Body = Callable[[asyncio.Event], Awaitable[None]]
HEALTHY_RUN = 60.0  # seconds a task must run without error for its pause to start small again


@dataclass
class TaskStatus:
    name: str
    running: bool = False
    restarts: int = 0
    last_error: str | None = None
    died: bool = False


class BackgroundTasks:
    def __init__(self, first_delay: float = 1.0, longest_delay: float = 60.0):
        self.first_delay = first_delay
        self.longest_delay = longest_delay
        self.status: dict[str, TaskStatus] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def start(self, name: str, body: Body, stop: asyncio.Event) -> asyncio.Task[None]:
        status = self.status[name] = TaskStatus(name)
        task = asyncio.create_task(self._supervise(status, body, stop), name=name)

        def ended(done: asyncio.Task[None]) -> None:
            status.running = False
            if not stop.is_set():
                status.died = True
                log.error("background task %s died; /healthz now fails", name)

        task.add_done_callback(ended)
        self._tasks.append(task)
        return task

    @property
    def alive(self) -> bool:
        return not any(s.died for s in self.status.values())

    async def wait(self) -> None:
        """Wait for every task to end (after ``stop`` is set)."""
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _supervise(self, status: TaskStatus, body: Body, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        delay = self.first_delay
        while not stop.is_set():
            status.running = True
            began = loop.time()
            try:
                await body(stop)
                if stop.is_set():
                    break
                status.last_error = "ended by itself"
                log.error("%s ended by itself; starting it again in %.1f s", status.name, delay)
            except Exception as exc:
                status.last_error = f"{type(exc).__name__}: {str(exc)[:200]}"
                log.exception("%s failed; starting it again in %.1f s", status.name, delay)
            status.running = False
            status.restarts += 1
            if loop.time() - began > HEALTHY_RUN:
                delay = self.first_delay
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                pass
            delay = min(self.longest_delay, delay * 2)


class Counts(Protocol):
    @property
    def failed_updates(self) -> int: ...

    handled: int
    retried: int


@dataclass
class Liveness:
    """What /healthz, /readyz and /metrics read."""

    tasks: BackgroundTasks
    worker: Counts

    @property
    def live(self) -> bool:
        return self.tasks.alive

    @property
    def failed_updates(self) -> int:
        return self.worker.failed_updates

    def snapshot(self) -> dict[str, Any]:
        return {"ok": self.live, "failed_updates": self.failed_updates, "handled_updates": self.worker.handled,
                "retried_updates": self.worker.retried,
                "tasks": {name: asdict(s) for name, s in self.tasks.status.items()}}
