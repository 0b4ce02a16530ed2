"""Repositories: reads and writes inside a session the caller owns. They never commit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Conversation, utcnow


class ConversationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, key: str) -> Conversation | None:
        return await self.session.get(Conversation, key)

    async def put(self, key: str, state: str, lang: str, now: dt.datetime | None = None) -> None:
        row = await self.session.get(Conversation, key)
        when = now or utcnow()
        if row is None:
            self.session.add(Conversation(key=key, state=state, lang=lang, updated_at=when))
        else:
            row.state, row.lang, row.updated_at = state, lang, when

    async def delete(self, key: str) -> None:
        await self.session.execute(delete(Conversation).where(Conversation.key == key))

    async def delete_idle(self, before: dt.datetime) -> int:
        result = await self.session.execute(delete(Conversation).where(Conversation.updated_at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    async def count(self) -> int:
        rows = await self.session.execute(select(Conversation.key))
        return len(rows.all())
