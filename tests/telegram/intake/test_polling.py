"""The poller on its own, against the fake Bot API: Telegram is told an update arrived (by the
next offset) only once it is stored, and nothing that goes wrong on the way loses an update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.intake.inbox import Inbox
from bot.telegram.intake.polling import Poller, PollingStopped
from bot.telegram.intake.worker import UpdateWorker
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork
from fakegram import FakeTelegram
from fakegram.params import Params

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"


@dataclass
class Worker:
    """Stores each batch through the real UpdateWorker; a test can make storing slow, or fail."""

    real: UpdateWorker
    batches: list[list[int]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    slow_until: asyncio.Event | None = None  # storing waits for this (a second at most)

    async def take(self, raws: list[dict[str, Any]]) -> int:
        self.batches.append([u["update_id"] for u in raws])
        if self.slow_until is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.slow_until.wait(), 1)
        if self.failures:
            raise self.failures.pop(0)
        return await self.real.take(raws)


@dataclass
class Rig:
    tg: FakeTelegram
    bot: Bot
    inbox: Inbox
    worker: Worker

    def poller(self) -> Poller:
        return Poller(self.bot, self.inbox, self.worker, timeout=1)  # type: ignore[arg-type]

    async def stored(self) -> list[int]:
        async with self.inbox.unit_of_work.sessions() as session:
            rows = await session.execute(text("select update_id from inbox order by update_id"))
            return [row[0] for row in rows]

    def message(self, user_id: int = 7001, words: str = "hello") -> int:
        return int(self.tg.push_message(self.tg.user(user_id), words)["update_id"])

    async def confirmed(self, update_id: int) -> None:
        await self.tg.wait_for(lambda: update_id in self.tg.confirmed_ids, 10, what=f"update {update_id} confirmed")


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/p.sqlite")
    await upgrade(engine)
    inbox = Inbox(UnitsOfWork.over(engine), Pseudonymizer(b"0123456789abcdef0123"))
    worker = Worker(UpdateWorker(inbox, lambda payload: asyncio.sleep(0)))
    async with FakeTelegram(token=TOKEN) as tg:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
        try:
            yield Rig(tg, bot, inbox, worker)
        finally:
            await bot.session.close()
    await engine.dispose()
    assert not tg.internal_errors, tg.internal_errors


@asynccontextmanager
async def polling(rig: Rig) -> AsyncIterator[asyncio.Task[None]]:
    stop = asyncio.Event()
    task = asyncio.create_task(rig.poller().run(stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def test_an_update_is_confirmed_only_after_it_is_stored(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[int, list[int]]] = []  # each getUpdates: the offset asked for, and what was stored by then
    asked_again = asyncio.Event()
    answer = rig.tg._api_get_updates

    async def get_updates(params: Params) -> list[dict[str, Any]]:
        asked.append((params.integer("offset") or 0, await rig.stored()))
        if len(asked) > 1:
            asked_again.set()
        return await answer(params)

    monkeypatch.setattr(rig.tg, "_api_get_updates", get_updates)
    rig.worker.slow_until = asked_again  # a poller that asked on before storing would be caught here
    update_id = rig.message()
    async with polling(rig):
        await rig.confirmed(update_id)
    confirming = [stored for offset, stored in asked if offset > update_id]
    assert confirming and all(update_id in stored for stored in confirming)


async def test_an_update_that_could_not_be_stored_is_fetched_again_and_kept(rig: Rig) -> None:
    rig.worker.failures.append(OperationalError("insert", {}, Exception("database is locked")))
    update_id = rig.message()
    async with polling(rig):
        await rig.confirmed(update_id)
    assert rig.worker.batches == [[update_id], [update_id]]  # Telegram sent it again, as it was not confirmed
    assert await rig.stored() == [update_id]


@pytest.mark.parametrize("fault", [{"status": 502, "html": True}, {"status": 500}, {"status": 429, "retry_after": 1}],
                         ids=["gateway page", "server error", "flood wait"])
async def test_telegram_errors_on_get_updates_are_retried_and_nothing_is_lost(rig: Rig, fault: dict[str, Any]) -> None:
    rig.tg.fail_next("getUpdates", **fault)
    update_id = rig.message()
    async with polling(rig):
        await rig.confirmed(update_id)
    assert rig.tg.calls("getUpdates")[0].error_code == fault["status"]
    assert not rig.tg.retry_after_violations  # a flood wait is waited out, not hammered
    assert await rig.stored() == [update_id]


async def test_telegram_unreachable_for_a_while_is_retried_and_nothing_is_lost(
        rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    port = int(rig.tg.base_url.rsplit(":", 1)[1])
    await rig.tg.stop()
    update_id = rig.message()
    with caplog.at_level(logging.WARNING, logger="jol.polling"):
        async with polling(rig):
            await rig.tg.wait_for(lambda: "getUpdates failed (TelegramNetworkError" in caplog.text, 10,
                                  what="a failed connection")
            await rig.tg.start(port=port)  # Telegram is back
            await rig.confirmed(update_id)
    assert await rig.stored() == [update_id]


async def test_updates_stored_before_a_restart_are_not_taken_again(rig: Rig) -> None:
    kept, new = rig.message(7001, "stored, then the bot stopped"), rig.message(7002, "new")
    await rig.inbox.store([rig.tg.pending[0]])  # the last run stored it but never asked for the next offset
    async with polling(rig):
        await rig.confirmed(new)
    assert rig.worker.batches == [[new]]
    assert kept in rig.tg.confirmed_ids and kept not in rig.tg.deliveries
    assert await rig.stored() == [kept, new]


async def test_an_update_the_inbox_cannot_keep_is_passed_over_and_does_not_block_the_next(rig: Rig) -> None:
    broken = rig.tg.push_update({"message": {"message_id": 1, "date": 1, "chat": {"id": 7003, "type": "private"},
                                             "from": {"id": "not a number", "first_name": "X"}, "text": "hi"}})
    after = rig.message()
    async with polling(rig):
        await rig.confirmed(after)
    assert broken["update_id"] in rig.tg.confirmed_ids
    assert await rig.stored() == [after]


async def test_a_second_copy_of_the_bot_stops_polling_instead_of_sharing_updates(rig: Rig) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(rig.poller().run(stop))
    await rig.tg.wait_for(lambda: any(not c.done for c in rig.tg.calls("getUpdates")), 10, what="a long poll")
    other = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(rig.tg.base_url)))
    try:
        await other.get_updates(timeout=0)  # the second copy asks too: Telegram ends the first poll with 409
    finally:
        await other.session.close()
    with pytest.raises(PollingStopped, match="Is another copy of the bot running"):
        await asyncio.wait_for(task, 10)


async def test_a_webhook_set_elsewhere_stops_polling_and_leaves_the_updates_with_telegram(rig: Rig) -> None:
    await rig.bot.set_webhook("https://example.org/hook")
    update_id = rig.message()
    with pytest.raises(PollingStopped, match="or a webhook set"):
        await asyncio.wait_for(rig.poller().run(asyncio.Event()), 10)
    assert update_id not in rig.tg.confirmed_ids and await rig.stored() == []


async def test_a_revoked_token_stops_polling_with_a_hint(rig: Rig) -> None:
    rig.bot = Bot("654321:REVOKED", session=rig.bot.session)
    with pytest.raises(PollingStopped, match="Check BOT_TOKEN"):
        await asyncio.wait_for(rig.poller().run(asyncio.Event()), 10)


async def test_stopping_during_a_poll_confirms_nothing_and_the_next_start_gets_the_update(rig: Rig) -> None:
    rig.tg.fail_next("getUpdates", delay=30)  # the answer is on its way when the bot is told to stop
    update_id = rig.message()
    async with polling(rig):
        await rig.tg.wait_for(lambda: any(not c.done for c in rig.tg.calls("getUpdates")), 10, what="a poll")
    assert update_id not in rig.tg.confirmed_ids and await rig.stored() == []
    async with polling(rig):
        await rig.confirmed(update_id)
    assert await rig.stored() == [update_id]
