"""Keeping cases moving and the database clean: reminding the group of cases nobody has taken,
erasing a migrant's cases when they ask, and erasing closed cases after the retention period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.counselling.group_view import GroupView
from bot.i18n import texts
from db.models import utcnow
from db.statuses import CaseStatus
from db.unit_of_work import UnitsOfWork

DELETABLE_FOR = dt.timedelta(hours=47)  # Telegram lets a bot delete its messages for 48 hours


@dataclass(frozen=True)
class CaseHousekeeping:
    unit_of_work: UnitsOfWork
    view: GroupView

    # -- time ---------------------------------------------------------------------------------
    async def remind(self, after: dt.timedelta, now: dt.datetime | None = None) -> int:
        """Announce again every case nobody has taken for ``after``."""
        now = now or utcnow()
        view = self.view
        async with self.unit_of_work() as uow:
            due = await uow.cases.unclaimed_before(now - after)
            for case in due:
                minutes = int((now - case.opened_at).total_seconds() // 60)
                text = view.group_tr(texts.CASE_REMINDER).format(code=case.code, minutes=minutes)
                await uow.outbox.put(view.group_id, "sendMessage", {"text": text})
                case.reminded_at = now
                await uow.cases.event(case.id, "reminded", now)
            return len(due)

    # -- privacy ------------------------------------------------------------------------------
    async def forget(self, user_key: str, now: dt.datetime | None = None) -> bool:
        """Close and erase the migrant's cases; delete copies Telegram still lets us delete."""
        now = now or utcnow()
        view = self.view
        async with self.unit_of_work() as uow:
            found = await uow.cases.all_for(user_key)
            for case in found:
                await uow.outbox.drop_for_case(case.id)
                for message in await uow.cases.messages(case.id):
                    if message.dst_message is not None and now - message.created_at < DELETABLE_FOR:
                        sealed = None if message.dst_chat == view.group_id else case.chat_sealed
                        await uow.outbox.put(message.dst_chat, "deleteMessage", {"message_id": message.dst_message},
                                             sealed=sealed)
                if case.status != CaseStatus.CLOSED:
                    case.status, case.closed_at = CaseStatus.CLOSED, now
                    await uow.outbox.put(view.group_id, "sendMessage", {
                        "text": view.group_tr(texts.CASE_FORGOTTEN_NOTE), "thread": True}, case_id=case.id)
                    await uow.outbox.put(view.group_id, "closeForumTopic", {"thread": True}, case_id=case.id)
                    await uow.outbox.put(view.group_id, "editForumTopic", {"name": view.title(case), "thread": True},
                                         case_id=case.id)
                await uow.cases.event(case.id, "forgotten", now)
                await uow.cases.erase(case)
            return bool(found)

    async def purge(self, retention: dt.timedelta, now: dt.datetime | None = None) -> int:
        """Erase cases closed longer ago than ``retention`` (timings are kept for statistics)."""
        now = now or utcnow()
        async with self.unit_of_work() as uow:
            old = await uow.cases.closed_before(now - retention)
            for case in old:
                await uow.cases.erase(case)
                await uow.cases.event(case.id, "purged", now)
            await uow.outbox.purge_sent(now - dt.timedelta(days=2))
            return len(old)
