"""Deleting what is no longer needed: idle conversations, old FSM records, handled updates.

Runs at start and once a day in the bot, and by hand with ``python -m bot purge``. The
periods are settings (CONVERSATION_RETENTION_DAYS); the clock is injected for tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.unit_of_work import UnitsOfWork

INBOX_KEEP = dt.timedelta(days=2)  # long enough to recognise an update Telegram sends again


@dataclass(frozen=True)
class Purged:
    conversations: int
    fsm: int
    updates: int


async def purge(unit_of_work: UnitsOfWork, retention_days: int, now: dt.datetime) -> Purged:
    idle_before = now - dt.timedelta(days=retention_days)
    async with unit_of_work() as uow:
        conversations = await uow.conversations.delete_idle(idle_before)
        fsm = await uow.fsm.delete_idle(idle_before)
        updates = await uow.inbox.purge_handled(now - INBOX_KEEP)
    await unit_of_work.settle_erasure()  # nothing purged is left in the write-ahead log
    return Purged(conversations, fsm, updates)
