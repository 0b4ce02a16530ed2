"""The durable inbox: every Telegram update is stored before it is confirmed or answered.

Polling confirms an update to Telegram (by asking for the next offset) only after it is stored
here; the webhook answers 200 only after the row is committed. A redelivered update finds its
row already there and is ignored. The payload is erased as soon as the update has been handled.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.privacy.pseudonyms import Pseudonymizer
from db.repositories.conversations import InboxRepository

_SENDER_FIELDS = ("message", "edited_message", "callback_query", "my_chat_member", "chat_member",
                  "message_reaction", "inline_query", "chosen_inline_result", "chat_join_request")


@dataclass(frozen=True)
class Pending:
    update_id: int
    key: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class FailedUpdate:
    update_id: int
    status: str  # failed (never applied) | unsent (applied, its reply never confirmed)
    attempts: int
    received_at: dt.datetime
    replayable: bool  # its payload is still there


class Inbox:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], pseudonymize: Pseudonymizer):
        self.sessions = sessions
        self.pseudonymize = pseudonymize

    def key_of(self, raw: dict[str, Any]) -> str:
        """Updates from one person share a key, so they are handled one at a time, in order."""
        for name in _SENDER_FIELDS:
            event = raw.get(name)
            if isinstance(event, dict):
                sender = event.get("from") or event.get("from_user") or event.get("user")
                if isinstance(sender, dict) and "id" in sender:
                    return self.pseudonymize.user(int(sender["id"]))
                chat = event.get("chat")
                if isinstance(chat, dict) and "id" in chat:
                    return self.pseudonymize("chat", chat["id"])
        return self.pseudonymize("update", raw.get("update_id"))

    async def store(self, raws: list[dict[str, Any]]) -> int:
        rows = [(int(r["update_id"]), self.key_of(r), json.dumps(r, ensure_ascii=False)) for r in raws]
        async with self.sessions() as session, session.begin():
            return await InboxRepository(session).add_many(rows)

    async def pending(self, limit: int = 500) -> list[Pending]:
        async with self.sessions() as session:
            rows = await InboxRepository(session).pending(limit)
            return [Pending(r.update_id, r.key, json.loads(r.payload or "{}")) for r in rows]

    async def begin(self, update_id: int) -> int:
        """Count an attempt (committed before handling, so a crash loop is noticed)."""
        async with self.sessions() as session, session.begin():
            return await InboxRepository(session).start_attempt(update_id)

    async def begin_many(self, update_ids: list[int]) -> dict[int, int]:
        """Count an attempt for a batch about to be handled, in one transaction."""
        async with self.sessions() as session, session.begin():
            return await InboxRepository(session).start_attempts(update_ids)

    async def finish(self, update_id: int, status: str = "done") -> None:
        await self.finish_many([update_id], status)

    async def finish_many(self, update_ids: list[int], status: str = "done") -> None:
        async with self.sessions() as session, session.begin():
            await InboxRepository(session).finish_many(update_ids, status)

    async def failed(self, limit: int = 1000) -> list[FailedUpdate]:
        """Updates given up on, oldest first (``python -m bot inbox failed``)."""
        async with self.sessions() as session:
            rows = await InboxRepository(session).failed(limit)
            return [FailedUpdate(r.update_id, r.status, r.attempts, r.received_at, r.payload is not None)
                    for r in rows]

    async def failed_count(self) -> int:
        async with self.sessions() as session:
            return await InboxRepository(session).failed_count()

    async def replay(self, update_ids: list[int] | None = None) -> int:
        """Put given-up updates back in line; a running bot picks them up within a second."""
        async with self.sessions() as session, session.begin():
            return await InboxRepository(session).replay(update_ids)

    async def next_offset(self) -> int | None:
        async with self.sessions() as session:
            last = await InboxRepository(session).max_update_id()
            return last + 1 if last is not None else None
