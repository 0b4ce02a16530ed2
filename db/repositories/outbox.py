"""The outbox: Telegram calls queued in the same transaction as the change that needs them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxMessage, utcnow
from db.statuses import OutboxStatus

PENDING, SENT, DEAD = OutboxStatus.PENDING, OutboxStatus.SENT, OutboxStatus.DEAD


def lane_of(user_key: str | None) -> int:
    """The outbox lane of a person: a number taken from their pseudonym, standing in for their chat
    id so their messages stay in order and paced without the id being stored in clear."""
    return int.from_bytes(hashlib.sha256(user_key.encode()).digest()[:6], "big") if user_key else 0


class OutboxRepository:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.added = 0  # messages queued in this transaction: the unit of work wakes the sender if any

    async def put(self, chat_id: int, method: str, payload: dict[str, Any], *, case_id: int | None = None,
                  link_id: int | None = None, sealed: str | None = None) -> OutboxMessage:
        """Queue a call. For a migrant, ``chat_id`` is their lane and ``sealed`` their sealed chat id."""
        row = OutboxMessage(chat_id=chat_id, method=method, payload=json.dumps(payload, ensure_ascii=False),
                            case_id=case_id, link_id=link_id, status=PENDING, attempts=0, not_before=utcnow(),
                            created_at=utcnow(), chat_sealed=sealed)
        self.session.add(row)
        await self.session.flush()
        self.added += 1
        return row

    def add_many(self, rows: list[OutboxMessage]) -> None:
        """Queue many prepared calls at once (written at the commit, without a round trip each)."""
        self.session.add_all(rows)
        self.added += len(rows)

    @staticmethod
    def prepared(chat_id: int, method: str, payload: dict[str, Any], *, sealed: str | None = None) -> OutboxMessage:
        now = utcnow()
        return OutboxMessage(chat_id=chat_id, method=method, payload=json.dumps(payload, ensure_ascii=False),
                             status=PENDING, attempts=0, not_before=now, created_at=now, chat_sealed=sealed)

    async def heads(self, now: dt.datetime, limit: int = 200) -> list[OutboxMessage]:
        """The oldest pending message of each (case, chat): the only ones that may go now, so every
        case's messages arrive in order in each chat, and a slow group never holds up a migrant."""
        first = (select(func.min(OutboxMessage.id))
                 .where(OutboxMessage.status == PENDING)
                 .group_by(OutboxMessage.case_id, OutboxMessage.chat_id))
        rows = await self.session.execute(
            select(OutboxMessage).where(OutboxMessage.id.in_(first), OutboxMessage.not_before <= now)
            .order_by(OutboxMessage.id).limit(limit))
        return list(rows.scalars())

    async def next_due(self) -> dt.datetime | None:
        return (await self.session.execute(
            select(func.min(OutboxMessage.not_before)).where(OutboxMessage.status == PENDING))).scalar_one_or_none()

    async def pending_count(self) -> int:
        return int((await self.session.execute(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == PENDING))).scalar_one())

    async def get(self, row_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, row_id)

    async def sent(self, row_id: int) -> None:
        await self.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            status=SENT, sent_at=utcnow(), payload="{}", chat_sealed=None))

    async def retry(self, row_id: int, not_before: dt.datetime, error: str, count: bool = True) -> None:
        values: dict[str, Any] = {"not_before": not_before, "error": error[:200]}
        if count:
            values["attempts"] = OutboxMessage.attempts + 1
        await self.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))

    async def dead(self, row_id: int, error: str) -> None:
        await self.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            status=DEAD, error=error[:200], payload="{}", chat_sealed=None))

    async def drop_for_case(self, case_id: int) -> None:
        """Every row of the case, sent or not: a sent row still holds the migrant's chat id."""
        await self.session.execute(delete(OutboxMessage).where(OutboxMessage.case_id == case_id))

    async def purge_sent(self, before: dt.datetime) -> int:
        result = await self.session.execute(delete(OutboxMessage).where(
            OutboxMessage.status != PENDING, OutboxMessage.created_at < before))
        return int(getattr(result, "rowcount", 0) or 0)
