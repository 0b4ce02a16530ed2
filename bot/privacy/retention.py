"""Deleting what is no longer needed: idle conversations, old FSM records, handled updates.

Runs at start and once a day in the bot, and by hand with ``python -m bot purge``. The
periods are settings (CONVERSATION_RETENTION_DAYS); the clock is injected for tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.repositories.conversations import ConversationRepository, FsmRepository, InboxRepository

INBOX_KEEP = dt.timedelta(days=2)  # long enough to recognise an update Telegram sends again


@dataclass(frozen=True)
class Purged:
    conversations: int
    fsm: int
    updates: int


async def purge(sessions: async_sessionmaker[AsyncSession], retention_days: int, now: dt.datetime) -> Purged:
    idle_before = now - dt.timedelta(days=retention_days)
    async with sessions() as session, session.begin():
        conversations = await ConversationRepository(session).delete_idle(idle_before)
        fsm = await FsmRepository(session).delete_idle(idle_before)
        updates = await InboxRepository(session).purge_handled(now - INBOX_KEEP)
    return Purged(conversations, fsm, updates)
