"""Health and metrics for whoever watches the server: ``/healthz``, ``/readyz`` and ``/metrics``.

- ``/healthz`` (liveness): 200 while every background task runs; 503 when one died (the
  supervision and the task states are ``bot/telegram/liveness.py``). A process supervisor
  restarts the bot on 503.
- ``/readyz`` (readiness): 200 once the bot takes updates (polling started or webhook set) and
  the database (and Redis, when REDIS_URL is set) answers; 503 while starting, stopping or without the database.
- ``/metrics``: Prometheus text format (``prometheus-client``), one registry per bot, no globals.

Webhook mode serves them on its own server (``/healthz`` there comes from ``webhook_app``);
polling mode serves them on ``HEALTH_PORT`` (off unless set). The backlogs and open cases are
read from the database at each scrape. Another part adds a gauge with ``Health.gauge(name,
help, read)``: the reminders add ``jol_reminders_due`` that way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CollectorRegistry, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.telegram.liveness import Liveness
from db.repositories.operations import OperationsRepository

log = logging.getLogger("jol.health")
HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
Read = Callable[[], Awaitable[float]]


@dataclass
class Health:
    """What the endpoints report: ``liveness`` holds the background tasks and the worker's counts."""

    sessions: async_sessionmaker[AsyncSession]
    liveness: Liveness
    rate_limited: Callable[[], int] = lambda: 0
    redis_ping: Callable[[], Awaitable[object]] | None = None  # set when REDIS_URL is
    ready: bool = False
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    _extra: dict[str, tuple[Gauge, Read]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        r = self.registry
        r.register(_Counts(self))
        self.handling = Histogram("jol_update_handling_seconds", "Time to handle one update", registry=r,
                                  buckets=HANDLING_BUCKETS)
        self.inbox = Gauge("jol_inbox_backlog", "Updates stored and not yet handled", registry=r)
        self.outbox = Gauge("jol_outbox_backlog", "Messages waiting in the outbox", registry=r)
        self.cases = Gauge("jol_cases_open", "Cases not closed, by status", ["status"], registry=r)
        self.tasks_alive = Gauge("jol_background_tasks_alive", "1 if the background task runs", ["task"],
                                 registry=r)

    def gauge(self, name: str, description: str, read: Read) -> None:
        """Add a gauge read at each scrape (e.g. ``jol_reminders_due``)."""
        self._extra[name] = (Gauge(name, description, registry=self.registry), read)

    def observe(self, seconds: float) -> None:
        """One update handled in ``seconds``."""
        self.handling.observe(seconds)

    def timer(self) -> _Timer:
        return _Timer(self)

    async def refresh(self) -> None:
        """Read the counts that live in the database and in other objects."""
        async with self.sessions() as session:
            repo = OperationsRepository(session)
            self.inbox.set(await repo.inbox_backlog())
            self.outbox.set(await repo.outbox_backlog())
            for case_status, n in (await repo.cases_by_status()).items():
                self.cases.labels(status=case_status).set(n)
        for name, task in self.liveness.tasks.status.items():
            self.tasks_alive.labels(task=name).set(0 if task.died else 1)
        for gauge, read in self._extra.values():
            gauge.set(await read())

    async def redis_ok(self) -> bool:
        if self.redis_ping is None:
            return True
        try:
            await asyncio.wait_for(self.redis_ping(), timeout=3)
        except Exception as exc:  # any failure means not ready
            log.warning("readiness: Redis does not answer (%s)", type(exc).__name__)
            return False
        return True

    async def database_ok(self) -> bool:
        try:
            async with self.sessions() as session:
                await OperationsRepository(session).ping()
        except Exception as exc:  # any failure means not ready
            log.warning("readiness: the database does not answer (%s)", type(exc).__name__)
            return False
        return True


class _Counts(Collector):
    """Counters kept by other objects (the worker, the outbox sender), read at each scrape."""

    def __init__(self, health: Health):
        self.health = health

    def collect(self) -> list[Metric]:
        worker = self.health.liveness.worker
        handled = CounterMetricFamily("jol_updates_handled", "Telegram updates handled", value=worker.handled)
        failed = CounterMetricFamily("jol_updates_failed", "Updates given up on after their retries",
                                     value=self.health.liveness.failed_updates)
        retried = CounterMetricFamily("jol_updates_retried", "Update attempts that failed and were retried",
                                      value=worker.retried)
        limited = CounterMetricFamily("jol_outbox_rate_limited", "429 (Too Many Requests) answers to the outbox",
                                      value=self.health.rate_limited())
        return [handled, failed, retried, limited]


class _Timer:
    def __init__(self, health: Health):
        self.health = health

    def __enter__(self) -> _Timer:
        self.started = time.perf_counter()
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.health.observe(time.perf_counter() - self.started)


def add_routes(app: web.Application, health: Health, *, healthz: bool = True) -> None:
    """``/readyz`` and ``/metrics``, and ``/healthz`` unless the server has one already."""
    async def live(_request: web.Request) -> web.Response:
        return web.json_response(health.liveness.snapshot(), status=200 if health.liveness.live else 503)

    async def readyz(_request: web.Request) -> web.Response:
        ready = health.ready and await health.database_ok() and await health.redis_ok()
        return web.json_response({"ready": ready}, status=200 if ready else 503)

    async def metrics(_request: web.Request) -> web.Response:
        await health.refresh()
        return web.Response(body=generate_latest(health.registry), headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4})

    if healthz:
        app.router.add_get("/healthz", live)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


def health_app(health: Health) -> web.Application:
    app = web.Application()
    add_routes(app, health)
    return app
