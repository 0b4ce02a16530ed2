"""An update handled twice (two presses at once, a redelivery) changes the conversation once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.config import Settings
from bot.conversation.runtime import open_runtime
from bot.engine.clock import Clock
from bot.engine.inputs import Choose
from tests.conftest import FIXED_TODAY


def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", data_dir=tmp_path,
                    _env_file=None)  # type: ignore[call-arg]


async def test_two_identical_presses_at_once_make_one_transition(tmp_path: Path) -> None:
    runtime = await open_runtime(settings(tmp_path), Clock.fixed(FIXED_TODAY))
    try:
        reply = await runtime.conversations.start("k", "en")
        press = Choose(1, reply.state.step)  # "No" on the safety question, twice, from one message
        a, b = await asyncio.gather(runtime.conversations.handle("k", press, "en", update_id=1),
                                    runtime.conversations.handle("k", press, "en", update_id=2))
        steps = sorted([a.state.step, b.state.step])
        assert steps == [1, 1]  # both end on the menu, reached once
        assert sorted(e.kind for e in a.events + b.events).count("flow_started") == 1
    finally:
        await runtime.close()


async def test_a_consent_press_handled_again_does_not_reset_the_conversation(tmp_path: Path) -> None:
    runtime = await open_runtime(settings(tmp_path), Clock.fixed(FIXED_TODAY))
    try:
        async with runtime.unit_of_work() as uow:  # as stored by the intake
            await uow.inbox.add_many([(u, "k", "{}") for u in (10, 11, 12)])
        await runtime.conversations.start("k", "en", update_id=10)
        moved = await runtime.conversations.handle("k", Choose(1), "en", update_id=11)
        again = await runtime.conversations.start("k", "en", update_id=10)  # after a crash, the same press
        assert again.duplicate and again.state.node == moved.state.node == "who"
        fresh = await runtime.conversations.start("k", "en", update_id=12)  # a new /start does start again
        assert not fresh.duplicate and fresh.state.node == "safety"
    finally:
        await runtime.close()
