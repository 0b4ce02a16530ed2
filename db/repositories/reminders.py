"""Reminders before a deadline: set, listed, cancelled, and taken when due. The caller commits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Reminder


class ReminderRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add_all(self, rows: Sequence[Reminder]) -> None:
        self.session.add_all(rows)
        await self.session.flush()

    async def for_user(self, user_key: str) -> list[Reminder]:
        rows = await self.session.execute(
            select(Reminder).where(Reminder.user_key == user_key).order_by(Reminder.deadline, Reminder.due_at))
        return list(rows.scalars())

    async def cancel(self, user_key: str, kind: str, deadline: dt.date) -> int:
        """Delete every reminder of one deadline of one person."""
        result = await self.session.execute(delete(Reminder).where(
            Reminder.user_key == user_key, Reminder.kind == kind, Reminder.deadline == deadline))
        return int(getattr(result, "rowcount", 0) or 0)

    async def delete_for(self, user_key: str) -> int:
        result = await self.session.execute(delete(Reminder).where(Reminder.user_key == user_key))
        return int(getattr(result, "rowcount", 0) or 0)

    async def claim_due(self, now: dt.datetime, limit: int = 500) -> list[Reminder]:
        """Take up to ``limit`` reminders due by ``now`` for this transaction.

        The conditional UPDATE (only rows nobody has taken) is what keeps two processes from both
        taking one: on PostgreSQL the second waits for the first's row locks, then finds the rows
        taken (or deleted) and gets nothing; SQLite runs one writing transaction at a time.
        """
        token = uuid.uuid4().hex
        due = select(Reminder.id).where(Reminder.due_at <= now, Reminder.claimed_by.is_(None)) \
            .order_by(Reminder.due_at, Reminder.id).limit(limit)
        ids = list((await self.session.execute(due)).scalars())
        if not ids:
            return []
        await self.session.execute(update(Reminder).where(Reminder.id.in_(ids), Reminder.claimed_by.is_(None))
                                   .values(claimed_by=token).execution_options(synchronize_session=False))
        rows = await self.session.execute(select(Reminder).where(Reminder.claimed_by == token)
                                          .order_by(Reminder.due_at, Reminder.id))
        return list(rows.scalars())

    async def delete_ids(self, ids: Sequence[int]) -> None:
        if ids:
            await self.session.execute(delete(Reminder).where(Reminder.id.in_(list(ids))))

    async def due_count(self, now: dt.datetime) -> int:
        """Reminders due and not yet taken (for monitoring)."""
        return int((await self.session.execute(select(func.count()).select_from(Reminder).where(
            Reminder.due_at <= now, Reminder.claimed_by.is_(None)))).scalar_one())

    async def next_due(self) -> dt.datetime | None:
        return (await self.session.execute(select(func.min(Reminder.due_at)))).scalar_one_or_none()
