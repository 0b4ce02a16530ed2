"""Cases, their relayed-message map and audit trail. Reads and writes only; the caller commits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, CaseEvent, CaseMessage, utcnow
from db.statuses import CaseStatus

OPEN = (CaseStatus.OPEN, CaseStatus.CLAIMED)


class CaseRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, case: Case) -> Case:
        self.session.add(case)
        await self.session.flush()
        await self.event(case.id, "opened")
        return case

    async def get(self, case_id: int) -> Case | None:
        return await self.session.get(Case, case_id)

    async def by_code(self, code: str) -> Case | None:
        return (await self.session.execute(select(Case).where(Case.code == code))).scalar_one_or_none()

    async def open_for(self, user_key: str) -> Case | None:
        rows = await self.session.execute(
            select(Case).where(Case.user_key == user_key, Case.status.in_(OPEN)).order_by(Case.id.desc()).limit(1))
        return rows.scalar_one_or_none()

    async def latest_for(self, user_key: str) -> Case | None:
        rows = await self.session.execute(
            select(Case).where(Case.user_key == user_key).order_by(Case.id.desc()).limit(1))
        return rows.scalar_one_or_none()

    async def by_forum_topic(self, forum_topic_id: int) -> Case | None:
        rows = await self.session.execute(
            select(Case).where(Case.forum_topic_id == forum_topic_id).order_by(Case.id.desc()))
        return rows.scalars().first()

    async def all_for(self, user_key: str) -> list[Case]:
        return list((await self.session.execute(select(Case).where(Case.user_key == user_key))).scalars())

    async def unclaimed_before(self, before: dt.datetime) -> list[Case]:
        rows = await self.session.execute(select(Case).where(
            Case.status == CaseStatus.OPEN, Case.opened_at < before,
            (Case.reminded_at.is_(None)) | (Case.reminded_at < before)))
        return list(rows.scalars())

    async def event(self, case_id: int, event: str, at: dt.datetime | None = None) -> None:
        self.session.add(CaseEvent(case_id=case_id, event=event, at=at or utcnow()))

    async def add_message(self, message: CaseMessage) -> CaseMessage:
        self.session.add(message)
        await self.session.flush()
        return message

    async def message_by_source(self, case_id: int, chat: int, message: int) -> CaseMessage | None:
        rows = await self.session.execute(select(CaseMessage).where(
            CaseMessage.case_id == case_id, CaseMessage.src_chat == chat, CaseMessage.src_message == message))
        return rows.scalars().first()

    async def message_by_copy(self, case_id: int, chat: int, message: int) -> CaseMessage | None:
        rows = await self.session.execute(select(CaseMessage).where(
            CaseMessage.case_id == case_id, CaseMessage.dst_chat == chat, CaseMessage.dst_message == message))
        return rows.scalars().first()

    async def messages(self, case_id: int) -> list[CaseMessage]:
        return list((await self.session.execute(
            select(CaseMessage).where(CaseMessage.case_id == case_id))).scalars())

    async def set_copy(self, link_id: int, dst_message: int) -> None:
        await self.session.execute(update(CaseMessage).where(CaseMessage.id == link_id).values(dst_message=dst_message))

    async def erase(self, case: Case) -> None:
        """Remove everything personal of a case; keep its content-free timings for statistics."""
        await self.session.execute(delete(CaseMessage).where(CaseMessage.case_id == case.id))
        case.user_key = None
        case.chat_sealed = None
        case.summary = None
        case.counsellor_name = None

    async def closed_before(self, before: dt.datetime) -> list[Case]:
        rows = await self.session.execute(select(Case).where(
            Case.status == CaseStatus.CLOSED, Case.closed_at < before, Case.chat_sealed.is_not(None)))
        return list(rows.scalars())
