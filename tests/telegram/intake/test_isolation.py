"""Per-person isolation: one update at a time for each person, others in parallel, no lock left behind."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.base import StorageKey

from bot.telegram.intake.isolation import PerUserIsolation


def key(user: int) -> StorageKey:
    return StorageKey(bot_id=42, chat_id=user, user_id=user)


async def test_one_person_waits_for_their_own_update_not_for_others() -> None:
    isolation = PerUserIsolation()
    log: list[str] = []
    first_inside = asyncio.Event()
    release = asyncio.Event()

    async def handle(user: int, name: str, hold: bool = False) -> None:
        async with isolation.lock(key(user)):
            log.append(f"{name} in")
            if hold:
                first_inside.set()
                await release.wait()
            log.append(f"{name} out")

    anna_first = asyncio.create_task(handle(1, "anna-1", hold=True))
    await first_inside.wait()
    anna_second = asyncio.create_task(handle(1, "anna-2"))
    bolot = asyncio.create_task(handle(2, "bolot"))
    await bolot  # another person is not held up by Anna's slow update
    await asyncio.sleep(0)
    assert "anna-2 in" not in log  # Anna's next update waits for her first
    release.set()
    await asyncio.gather(anna_first, anna_second)
    assert log.index("anna-1 out") < log.index("anna-2 in")
    assert len(isolation.locks) == 0  # memory stays flat: no lock kept for people who left
