"""Several update workers on one PostgreSQL database, as N replicas run them: each update is
handled once, each person's updates in the order they arrived, and a replica that dies is
replaced once its leases run out."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.intake.inbox import Inbox
from bot.telegram.intake.worker import UpdateWorker
from bot.telegram.replica import Replica
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork
from tests.services import postgres_database

PEOPLE, EACH = 50, 6
pytestmark = pytest.mark.slow


def update(update_id: int, user: int) -> dict[str, Any]:
    return {"update_id": update_id, "message": {"from": {"id": user}, "chat": {"id": user}, "text": "hi"}}


class Replicas:
    """N workers, each with its own database engine (as separate processes have)."""

    def __init__(self, url: str, n: int, lease: float, people: int = 64):
        self.url, self.n, self.lease, self.people = url, n, lease, people
        self.handled: list[tuple[str, int, int]] = []  # (replica, user, update_id)
        self.engines: list[Any] = []
        self.workers: list[UpdateWorker] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.stops: list[asyncio.Event] = []

    def _handler(self, name: str) -> Callable[[dict[str, Any]], Awaitable[None]]:
        async def handle(payload: dict[str, Any]) -> None:
            await asyncio.sleep(random.uniform(0, 0.01))  # a reply on its way to Telegram
            self.handled.append((name, payload["message"]["from"]["id"], payload["update_id"]))
        return handle

    async def start(self, i: int) -> None:
        db_engine = make_db_engine(self.url)
        self.engines.append(db_engine)
        inbox = Inbox(UnitsOfWork.over(db_engine), Pseudonymizer(b"one-secret-for-every-replica"))
        name = f"replica-{i}-{len(self.workers)}"
        worker = UpdateWorker(inbox, self._handler(name),
                              replica=Replica(name, lease=dt.timedelta(seconds=self.lease), poll_seconds=0.05,
                                              people=self.people))
        stop = asyncio.Event()
        self.workers.append(worker)
        self.stops.append(stop)
        self.tasks.append(asyncio.create_task(worker.run(stop)))

    async def close(self) -> None:
        for stop in self.stops:
            stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for worker in self.workers:
            await worker.drain(5)
        for db_engine in self.engines:
            await db_engine.dispose()


@pytest.fixture
async def shared() -> AsyncIterator[tuple[str, Inbox]]:
    async with postgres_database() as url:
        db_engine = make_db_engine(url)
        await upgrade(db_engine)
        yield url, Inbox(UnitsOfWork.over(db_engine), Pseudonymizer(b"one-secret-for-every-replica"))
        await db_engine.dispose()


async def arrive(inbox: Inbox, ids: list[tuple[int, int]]) -> dict[int, list[int]]:
    """Store the updates one by one, as webhook deliveries reach random replicas; return each
    person's updates in arrival order."""
    order: dict[int, list[int]] = defaultdict(list)
    for update_id, user in ids:
        await inbox.store([update(update_id, user)])
        order[user].append(update_id)
        await asyncio.sleep(0.001)
    return order


def traffic() -> list[tuple[int, int]]:
    ids = [(10_000 + user * 100 + k, user) for user in range(1, PEOPLE + 1) for k in range(EACH)]
    random.shuffle(ids)  # people interleave, and a person's ids do not arrive in increasing order
    return ids


async def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)


async def test_three_replicas_handle_each_update_once_and_each_person_in_order(shared: tuple[str, Inbox]) -> None:
    url, inbox = shared
    replicas = Replicas(url, 3, lease=5)
    for i in range(3):
        await replicas.start(i)
    try:
        ids = traffic()
        order = await arrive(inbox, ids)
        await wait_for(lambda: len(replicas.handled) >= len(ids), 60)
        await asyncio.sleep(0.5)  # anything handled twice would show up now
    finally:
        await replicas.close()
    counts: dict[int, int] = defaultdict(int)
    for _name, _user, update_id in replicas.handled:
        counts[update_id] += 1
    assert sorted(counts) == sorted(u for u, _ in ids), "every update handled"
    assert max(counts.values()) == 1, f"handled twice: {[u for u, c in counts.items() if c > 1][:10]}"
    by_user: dict[int, list[int]] = defaultdict(list)
    for _name, user, update_id in replicas.handled:
        by_user[user].append(update_id)
    assert by_user == order, "each person's updates in arrival order"
    assert len({name for name, _u, _i in replicas.handled}) >= 2, "the work is shared"


async def test_a_backlog_is_shared_among_the_replicas_not_taken_by_the_first_to_look(
        shared: tuple[str, Inbox]) -> None:
    url, inbox = shared
    waiting = [(20_000 + user, user) for user in range(1, 121)]  # 120 people waiting before any replica starts
    await inbox.store([update(update_id, user) for update_id, user in waiting])
    replicas = Replicas(url, 3, lease=5, people=10)
    for i in range(3):
        await replicas.start(i)
    try:
        await wait_for(lambda: len(replicas.handled) >= len(waiting), 60)
    finally:
        await replicas.close()
    assert sorted(u for _n, _p, u in replicas.handled) == sorted(u for u, _ in waiting)
    per_replica = defaultdict(int)
    for name, _user, _update_id in replicas.handled:
        per_replica[name] += 1
    # Each replica takes at most 10 people at a time, so none can take the whole backlog at once.
    assert len(per_replica) == 3 and min(per_replica.values()) >= 10, dict(per_replica)


async def test_a_replica_that_dies_is_replaced_when_its_leases_run_out(shared: tuple[str, Inbox]) -> None:
    url, inbox = shared
    replicas = Replicas(url, 2, lease=1)
    await replicas.start(0)
    await replicas.start(1)
    try:
        ids = traffic()
        arriving = asyncio.create_task(arrive(inbox, ids))
        await wait_for(lambda: len(replicas.handled) >= len(ids) // 3, 30)
        victim = replicas.workers[0]
        replicas.tasks[0].cancel()  # dies without a word: no done marks written, leases left behind
        for task in list(victim._tasks):
            task.cancel()
        order = await arriving
        await wait_for(lambda: {u for _n, _p, u in replicas.handled} >= {u for u, _ in ids}, 60)
    finally:
        await replicas.close()
    handled_ids = [u for _n, _p, u in replicas.handled]
    assert set(handled_ids) == {u for u, _ in ids}, "nothing lost when a replica dies"
    repeats = len(handled_ids) - len(set(handled_ids))
    # Only what the dead replica had handled but not yet marked done is seen again (the crash
    # window; the conversation service then shows the current step instead of applying it twice).
    assert repeats <= 2 * PEOPLE
    survivors = [u for n, _p, u in replicas.handled if n.startswith("replica-1")]
    assert survivors, "the survivor took over"
    for user, expected in order.items():
        seen = [u for _n, p, u in replicas.handled if p == user]
        firsts = list(dict.fromkeys(seen))
        assert firsts == expected, f"person {user}: first handling in arrival order"
