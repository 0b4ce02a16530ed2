"""The outbox sender on its own: messages of a case arrive in order, a 429 is waited out, a 403 is noticed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from sqlalchemy import select

from bot.config import Settings
from bot.conversation.runtime import Runtime, open_runtime
from bot.counselling.cases import CaseRequest
from bot.counselling.service import Counselling
from bot.telegram.keyboards import CaseKeyboards
from bot.telegram.outbox.rate_limits import RateLimiter
from bot.telegram.outbox.sender import OutboxSender
from db.models import OutboxMessage
from fakegram import FakeTelegram

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
GROUP, MIGRANT = -1001234567890, 7301


@dataclass
class World:
    tg: FakeTelegram
    runtime: Runtime
    counselling: Counselling
    sender: OutboxSender


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with FakeTelegram(token=TOKEN) as tg:
        tg.supergroup(GROUP, "Counsellors", is_forum=True)
        tg.register_chat(tg.user(MIGRANT))
        runtime = await open_runtime(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/s.sqlite",
                                              data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
        counselling = Counselling.build(runtime.unit_of_work, runtime.registry, runtime.catalogs, GROUP, "en", {},
                                        runtime.sealer, keyboards=CaseKeyboards(runtime.catalogs.get("en")))
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
        sender = OutboxSender(bot, runtime.unit_of_work, counselling.view, RateLimiter(1000, 1000, 1000),
                              runtime.sealer)
        runtime.unit_of_work.on_outbox_written(sender.wake)
        try:
            yield World(tg, runtime, counselling, sender)
        finally:
            await bot.session.close()
            await runtime.close()


async def drain(sender: OutboxSender, timeout: float = 20) -> None:
    assert await sender.flush(timeout), "the outbox did not empty"


async def open_case(world: World) -> int:
    request = CaseRequest("work_permit", "permit_expired", "permit_expired", "normal", {})
    case, _ = await world.counselling.cases.open_case("migrant-key", MIGRANT, "en", request)
    return case.id


async def test_a_cases_messages_arrive_in_order_after_its_topic(world: World) -> None:
    case_id = await open_case(world)
    assert await world.counselling.relay.send_canned(case_id, "no such answer") is False  # nothing queued
    for n in range(3):
        assert await world.counselling.relay.relay_out(0, 100 + n) is False  # not from the case's topic: nothing queued
    await world.counselling.cases.close(case_id)
    await drain(world.sender)
    methods = [c.method for c in world.tg.calls() if c.ok]
    assert methods[:2] == ["createForumTopic", "sendMessage"]  # the topic first, then its summary
    assert methods.count("createForumTopic") == 1 and "closeForumTopic" in methods
    assert world.sender.dead == 0


async def test_a_429_is_waited_out_and_the_message_still_arrives(world: World) -> None:
    await open_case(world)
    world.tg.fail_next("createForumTopic", status=429, retry_after=1)
    await drain(world.sender)
    assert world.sender.rate_limited == 1
    assert any(c.method == "createForumTopic" and c.ok for c in world.tg.calls())


async def test_a_migrant_who_blocked_the_bot_is_noticed_by_the_group(world: World) -> None:
    case_id = await open_case(world)
    await drain(world.sender)
    world.tg.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    await world.counselling.relay.send_cards(case_id, [])
    await drain(world.sender)
    async with world.runtime.unit_of_work() as uow:
        case = await uow.cases.get(case_id)
        assert case is not None and case.unreachable


async def test_a_migrants_message_reaches_the_topic_though_the_queue_holds_its_chat_only_sealed(world: World) -> None:
    await open_case(world)
    written = world.tg.push_message(MIGRANT, "my employer keeps my passport")["message"]
    assert await world.counselling.relay.relay_in("migrant-key", MIGRANT, written["message_id"])
    async with world.runtime.unit_of_work() as uow:
        queued = (await uow.session.execute(select(OutboxMessage.payload).where(
            OutboxMessage.method == "copyMessage"))).scalars().all()
    assert len(queued) == 1 and str(MIGRANT) not in queued[0]  # waiting, it names the migrant's chat only sealed
    await drain(world.sender)
    in_topic = [m for m in world.tg.bot_messages(GROUP) if m.get("text") == "my employer keeps my passport"]
    assert len(in_topic) == 1 and in_topic[0].get("message_thread_id") is not None
    assert world.sender.dead == 0


class LateFirstRequest(BaseRequestMiddleware):
    """The first message to ``chat_id`` leaves late, as when the event loop is busy with other updates."""

    def __init__(self, chat_id: int, seconds: float):
        self.chat_id, self.seconds = chat_id, seconds

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Any:
        if self.seconds and getattr(method, "chat_id", None) == self.chat_id:
            await asyncio.sleep(self.seconds)
            self.seconds = 0
        return await make_request(bot, method)


async def test_a_message_that_left_late_still_keeps_its_chat_within_the_limit(world: World) -> None:
    """A chat's gap counts from Telegram's answer: counted from the moment the first message was
    sent, the second would reach Telegram too soon after a first that left late."""
    await open_case(world)
    await drain(world.sender)
    world.tg.set_rate_limits(scale=10)  # Telegram's limits ten times faster: 1 message in 0.1 s to one chat
    world.sender.limiter = RateLimiter(10, 200, 300)
    world.sender.bot.session.middleware(LateFirstRequest(MIGRANT, 0.08))
    thread = next(iter(world.tg.topics.values())).thread_id
    for text in ("first", "second"):  # a counsellor writes twice in the case's topic
        message = world.tg.push_message(world.tg.user(900), text, chat=GROUP, message_thread_id=thread)["message"]
        assert await world.counselling.relay.relay_out(thread, message["message_id"])
    await drain(world.sender)
    assert world.tg.texts(MIGRANT) == ["first", "second"]
    assert world.tg.rate_limited == 0 and world.sender.rate_limited == 0
