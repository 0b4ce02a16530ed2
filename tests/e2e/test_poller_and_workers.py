"""One poller feeding two workers on one PostgreSQL database, as the deploy guide runs them without
a public address: the poller takes updates from Telegram by getUpdates and stores them; the
workers handle them. Every update is handled once, by one worker, each person's in order."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import asyncpg
import pytest

from fakegram import FakeTelegram
from tests.services import postgres_database

from .harness import BotProcess, Person
from .test_replicas import CHAT_KEY, PATH, screens

pytestmark = pytest.mark.slow
PEOPLE = 20
HANDLED = re.compile(r"Update id=(\d+) is handled")


async def walk(person: Person) -> list[int]:
    """The person's way along PATH; the ids of the updates they sent."""
    sent = []
    for action, reply in PATH:
        update = person.send(action) if action.startswith("/") else person.press(action)
        sent.append(update["update_id"])
        await person.expect(reply, timeout=60)
    return sent


async def started(bot: BotProcess, says: str) -> None:
    for _ in range(1500):  # aiogram takes a while to import on a busy machine
        if says in bot.output():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the bot never said {says!r}\n{bot.output()[-3000:]}")


def handled(bot: BotProcess) -> list[int]:
    """The updates this process handled, as its log tells (aiogram logs each one it finished)."""
    return [int(m) for m in HANDLED.findall(bot.output())]


async def test_one_poller_feeds_two_workers(tg: FakeTelegram, tmp_path: Path) -> None:
    async with postgres_database() as url:
        def process(name: str) -> BotProcess:
            workdir = tmp_path / name
            workdir.mkdir()
            return BotProcess(tg.base_url, workdir, DATABASE_URL=url, PSEUDONYM_SECRET="one-secret-for-all-replicas",
                              CHAT_KEY=CHAT_KEY)

        poller, workers = process("poller"), [process("worker1"), process("worker2")]
        poller.start("--role", "poller")
        for worker in workers:
            worker.start("--role", "worker")
        try:
            await started(poller, "is polling for updates")
            for worker in workers:
                await started(worker, "handling the updates other replicas store")
            people = [Person(tg, user_id=6000 + i) for i in range(PEOPLE)]
            walks = []
            for person in people:  # people come one after another, so both workers find someone new
                walks.append(asyncio.create_task(walk(person)))
                await asyncio.sleep(0.3)
            sent = dict(zip((p.chat_id for p in people), await asyncio.wait_for(asyncio.gather(*walks), 240),
                            strict=True))
        finally:
            for bot in (poller, *workers):
                if bot.proc is not None and bot.proc.poll() is None:
                    assert await bot.stop() == 0, bot.output()[-3000:]  # the last "done" marks are written
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            inbox = {int(r["update_id"]): (str(r["status"]), int(r["attempts"]))
                     for r in await conn.fetch("select update_id, status, attempts from inbox")}
        finally:
            await conn.close()
    everything = sorted(u for ids in sent.values() for u in ids)
    assert sorted(inbox) == everything  # the poller stored every update ...
    assert {u: e for u, e in inbox.items() if e != ("done", 1)} == {}  # ... and each was begun once
    assert everything[-1] in tg.confirmed_ids  # ... and confirmed to Telegram only after that
    by_worker = [handled(w) for w in workers]
    assert sorted(by_worker[0] + by_worker[1]) == everything  # handled once, by one worker
    assert all(by_worker), [len(ids) for ids in by_worker]  # both took a share
    assert not handled(poller)  # the poller only stores
    for person in people:
        assert screens(tg, person.chat_id) == list(range(len(PATH))), person.chat_id  # each step once, in order
