"""Health and metrics: what a watcher of the server sees on /healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bot.telegram.app import App
from bot.telegram.health import health_app
from db.models import Reminder

from .conftest import Migrant
from .session import RecordingSession


@pytest.fixture
async def client(app: App) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    assert app.health is not None
    async with TestClient(TestServer(health_app(app.health))) as test_client:
        yield test_client


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{") and line.split(" ")[0] == name:
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in /metrics:\n{text}")


async def test_healthz_on_the_health_port_fails_when_a_background_task_dies(
        app: App, client: TestClient) -> None:  # type: ignore[type-arg]
    stop = asyncio.Event()
    app.tasks.start("outbox sender", lambda stop: stop.wait(), stop)
    reminders = app.tasks.start("case reminders", lambda stop: stop.wait(), stop)
    resp = await client.get("/healthz")
    assert resp.status == 200 and (await resp.json())["ok"] is True
    reminders.cancel()  # killed by something the supervisor could not catch
    await asyncio.sleep(0.01)
    resp = await client.get("/healthz")
    assert resp.status == 503 and (await resp.json())["tasks"]["case reminders"]["died"] is True
    text = await (await client.get("/metrics")).text()
    assert 'jol_background_tasks_alive{task="case reminders"} 0.0' in text
    assert 'jol_background_tasks_alive{task="outbox sender"} 1.0' in text
    stop.set()
    await app.tasks.wait()


async def test_readyz_only_once_updates_are_taken(app: App, client: TestClient) -> None:  # type: ignore[type-arg]
    assert app.health is not None
    assert (await client.get("/readyz")).status == 503  # starting
    app.health.ready = True
    assert (await client.get("/readyz")).status == 200
    sessions = app.health.sessions
    broken = create_async_engine("sqlite+aiosqlite:////nonexistent/folder/jol.sqlite")
    app.health.sessions = async_sessionmaker(broken)
    assert (await client.get("/readyz")).status == 503  # the database does not answer
    await broken.dispose()
    app.health.sessions = sessions
    app.health.ready = False
    assert (await client.get("/readyz")).status == 503  # stopping


async def test_metrics_count_updates_backlogs_and_cases(app: App, session: RecordingSession,
                                                        client: TestClient) -> None:  # type: ignore[type-arg]
    assert app.health is not None
    m = Migrant(app, session, user_id=7401, language_code="en")
    await m.send("/start")
    await m.press_button("English")
    await m.press_button("continue")
    await app.inbox.store([{"update_id": 999_001, "message": {"message_id": 1, "date": 1764150000,
                                                              "chat": {"id": 5, "type": "private"},
                                                              "from": {"id": 5, "is_bot": False, "first_name": "A"},
                                                              "text": "waiting"}}])
    async with app.runtime.unit_of_work.sessions() as session, session.begin():  # 4 reminders due, 1 later
        for n in range(5):
            session.add(Reminder(user_key=f"k{n}", chat_sealed="x", lang="ru", kind="stay_end",
                                 deadline=dt.date(2099, 1, 1), flow="stay",
                                 due_at=dt.datetime(2000 if n < 4 else 2099, 1, 1, tzinfo=dt.UTC)))
    resp = await client.get("/metrics")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = await resp.text()
    assert metric(text, "jol_updates_handled_total") == 0  # the three above did not go through the worker
    assert metric(text, "jol_update_handling_seconds_count") == 3
    assert metric(text, "jol_updates_failed_total") == 0
    assert metric(text, "jol_inbox_backlog") == 1  # stored, not yet handled
    assert metric(text, "jol_outbox_backlog") == 0
    assert metric(text, "jol_outbox_rate_limited_total") == 0
    assert 'jol_cases_open{status="open"} 0.0' in text and 'jol_cases_open{status="claimed"} 0.0' in text
    assert metric(text, "jol_reminders_due") == 4
    assert "7401" not in text  # nobody is named in metrics

    stop = asyncio.Event()
    worker = asyncio.create_task(app.worker.run(stop))
    for _ in range(500):
        text = await (await client.get("/metrics")).text()
        if metric(text, "jol_inbox_backlog") == 0 and metric(text, "jol_updates_handled_total") == 1:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await worker
    assert metric(text, "jol_inbox_backlog") == 0
    assert metric(text, "jol_updates_handled_total") == 1
    assert metric(text, "jol_update_handling_seconds_count") == 4



async def test_readyz_fails_while_redis_does_not_answer(app: App, client: TestClient) -> None:  # type: ignore[type-arg]
    """With REDIS_URL set, a replica whose Redis is away is taken out of the load balancer."""
    assert app.health is not None
    app.health.ready = True
    answers: list[bool] = [True]

    async def ping() -> bool:
        if not answers[-1]:
            raise ConnectionError("Redis is down")
        return True

    app.health.redis_ping = ping
    assert (await client.get("/readyz")).status == 200
    answers.append(False)
    assert (await client.get("/readyz")).status == 503
    answers.append(True)
    assert (await client.get("/readyz")).status == 200
