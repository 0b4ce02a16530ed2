"""Counts for whoever watches the server (health and metrics). Reads only, no content."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, InboxUpdate, OutboxMessage
from db.repositories.cases import OPEN


class OperationsRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def ping(self) -> None:
        await self.session.execute(text("select 1"))

    async def inbox_backlog(self) -> int:
        """Updates stored but not yet handled."""
        return int(await self.session.scalar(
            select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "pending")) or 0)

    async def outbox_backlog(self) -> int:
        return int(await self.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")) or 0)

    async def cases_by_status(self) -> dict[str, int]:
        rows = await self.session.execute(
            select(Case.status, func.count()).where(Case.status.in_(OPEN)).group_by(Case.status))
        found = {str(status): int(n) for status, n in rows}
        return {status: found.get(status, 0) for status in OPEN}
