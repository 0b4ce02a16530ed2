"""Two outbox senders on one PostgreSQL database, as two replicas run them: every message goes
once, each lane (one case's messages to one chat) in order. And a scheduled job runs once a tick."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.config import Settings
from bot.conversation.runtime import Runtime, open_runtime
from bot.counselling.cases import CaseRequest
from bot.counselling.group_view import GroupView
from bot.counselling.service import Counselling
from bot.telegram.keyboards import CaseKeyboards
from bot.telegram.outbox.rate_limits import RateLimiter
from bot.telegram.outbox.sender import OutboxSender
from bot.telegram.replica import Replica
from fakegram import FakeTelegram
from tests.services import postgres_database

pytestmark = pytest.mark.slow
TOKEN = "123456:TEST-replicas-abcdefghijklmnopqrstuvwxyz"
GROUP = -1009876543210
MIGRANTS, EACH = 8, 6


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[Runtime]:
    async with postgres_database() as url:
        settings = Settings(database_url=url, data_dir=tmp_path, pseudonym_secret="one-secret-for-all-replicas",
                            _env_file=None)  # type: ignore[call-arg]
        runtime = await open_runtime(settings)
        yield runtime
        await runtime.close()


def sender(tg: FakeTelegram, runtime: Runtime, group: GroupView, name: str) -> OutboxSender:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
    return OutboxSender(bot, runtime.unit_of_work, group, RateLimiter(1e6, 1e6, 1e6), runtime.sealer,
                        replica=Replica(name, lease=dt.timedelta(seconds=10)))


async def test_two_senders_send_every_message_once_in_order(runtime: Runtime) -> None:
    async with FakeTelegram(token=TOKEN) as tg:
        tg.supergroup(GROUP, "Counsellors", is_forum=True)
        people = [tg.user(8100 + i) for i in range(MIGRANTS)]
        for person in people:
            tg.register_chat(person)
        counselling = Counselling.build(runtime.unit_of_work, runtime.registry, runtime.catalogs, GROUP, "en", {},
                                        runtime.sealer, keyboards=CaseKeyboards(runtime.catalogs.get("en")))
        for i, person in enumerate(people):
            request = CaseRequest("work_permit", "permit_expired", "permit_expired", "normal", {})
            case, _ = await counselling.cases.open_case(f"person-{i}", person["id"], "en", request)
            async with runtime.unit_of_work() as uow:
                for n in range(EACH):
                    await uow.outbox.put(person["id"], "sendMessage", {"text": f"reply {person['id']}-{n}"},
                                         case_id=case.id)
        senders = [sender(tg, runtime, counselling.view, name) for name in ("replica-a", "replica-b")]
        stop = asyncio.Event()
        tasks = [asyncio.create_task(s.run(stop)) for s in senders]

        def replies() -> list[Any]:
            return [c for c in tg.calls("sendMessage") if c.ok and str(c.params.get("text", "")).startswith("reply ")]

        await tg.wait_for(lambda: len(replies()) >= MIGRANTS * EACH, 60, what="every reply")
        await asyncio.sleep(0.5)  # a second copy of anything would arrive now
        stop.set()
        await asyncio.gather(*tasks)
        for s in senders:
            await s.bot.session.close()
        texts = [str(c.params["text"]) for c in replies()]
        assert len(texts) == len(set(texts)) == MIGRANTS * EACH, "each message sent once"
        for person in people:
            mine = [t for t in texts if t.startswith(f"reply {person['id']}-")]
            assert mine == [f"reply {person['id']}-{n}" for n in range(EACH)], "each lane in order"


async def test_a_scheduled_job_runs_once_a_tick_whichever_replicas_ask(runtime: Runtime) -> None:
    async def ask(name: str, tick: str) -> bool:
        async with runtime.unit_of_work() as uow:
            return await uow.ticks.take("purge", tick, name)

    first = await asyncio.gather(*(ask(f"replica-{i}", "2026-12-01") for i in range(5)))
    assert sorted(first) == [False] * 4 + [True]
    assert await ask("replica-0", "2026-12-02")  # the next day's tick is free again
    assert not await ask("replica-3", "2026-12-02")
