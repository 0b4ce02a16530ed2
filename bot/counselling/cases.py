"""A case's life: opened for a migrant, claimed, closed, reopened and rated.

Every message a change needs (to the counsellors' group or to the migrant) is written to the
outbox in the same transaction as the change; the outbox sender delivers it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from bot.counselling.group_view import GroupView, Keyboards
from bot.i18n import texts
from bot.i18n.catalogs import Catalogs
from bot.privacy.sealing import ChatSealer
from db.models import Case, utcnow
from db.repositories.outbox import lane_of
from db.statuses import CaseStatus, Urgency
from db.unit_of_work import UnitsOfWork

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@dataclass(frozen=True)
class CaseRequest:
    """Where the migrant was when they asked for a person."""

    flow: str
    node: str
    category: str
    urgency: str
    answers: dict[str, Any]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


@dataclass(frozen=True)
class CaseLifecycle:
    unit_of_work: UnitsOfWork
    catalogs: Catalogs  # the migrant's language, for what they are told
    sealer: ChatSealer
    view: GroupView
    keyboards: Keyboards

    # -- opening and finding ------------------------------------------------------------------
    async def open_case(self, user_key: str, chat_id: int, lang: str, handoff: CaseRequest,
                        now: dt.datetime | None = None) -> tuple[Case, bool]:
        """The migrant's open case, or a new one with its topic and summary queued. (case, created)"""
        now = now or utcnow()
        view = self.view
        async with self.unit_of_work() as uow:
            existing = await uow.cases.open_for(user_key)
            if existing is not None:
                return existing, False
            answers = ", ".join(f"{k}={v}" for k, v in sorted(handoff.answers.items()))
            case = await uow.cases.add(Case(code=new_code(), user_key=user_key, chat_sealed=self.sealer.seal(chat_id),
                                            lang=lang, flow=handoff.flow, node=handoff.node,
                                            category=handoff.category, urgency=handoff.urgency, summary=answers,
                                            status=CaseStatus.OPEN, opened_at=now))
            await uow.outbox.put(view.group_id, "createForumTopic", {"name": view.title(case)}, case_id=case.id)
            await uow.outbox.put(view.group_id, "sendMessage", {"text": view.summary(case), "thread": True,
                                                                "reply_markup": view.case_buttons(case)},
                                 case_id=case.id)
            if case.urgency == Urgency.URGENT:
                text = view.group_tr(texts.CASE_URGENT_ANNOUNCE).format(code=case.code, category=case.category)
                await uow.outbox.put(view.group_id, "sendMessage", {"text": text})
            return case, True

    async def open_case_of(self, user_key: str) -> Case | None:
        async with self.unit_of_work() as uow:
            return await uow.cases.open_for(user_key)

    async def case_in_forum_topic(self, forum_topic_id: int) -> Case | None:
        async with self.unit_of_work() as uow:
            return await uow.cases.by_forum_topic(forum_topic_id)

    # -- counsellor actions -------------------------------------------------------------------
    async def claim(self, case_id: int, counsellor_id: int, name: str) -> Case | None:
        return await self._act(case_id, "claim", counsellor_id, name)

    async def close(self, case_id: int) -> Case | None:
        return await self._act(case_id, "close")

    async def reopen(self, case_id: int) -> Case | None:
        return await self._act(case_id, "reopen")

    async def _act(self, case_id: int, action: str, counsellor_id: int | None = None, name: str | None = None,
                   now: dt.datetime | None = None) -> Case | None:
        now = now or utcnow()
        view = self.view
        async with self.unit_of_work() as uow:
            case = await uow.cases.get(case_id)
            if case is None or case.chat_sealed is None:
                return None
            tr_case = self.catalogs.get(case.lang)
            if action == "claim" and case.status != CaseStatus.CLOSED:
                case.status, case.counsellor_id = CaseStatus.CLAIMED, counsellor_id
                case.counsellor_name = (name or "?")[:64]
                case.claimed_at = case.claimed_at or now
                note = view.group_tr(texts.CASE_CLAIMED_NOTE).format(name=case.counsellor_name)
                await uow.outbox.put(view.group_id, "sendMessage", {"text": note, "thread": True}, case_id=case.id)
            elif action == "close" and case.status != CaseStatus.CLOSED:
                case.status, case.closed_at = CaseStatus.CLOSED, now
                rating = self.keyboards.rating(case.id)
                await uow.outbox.put(lane_of(case.user_key), "sendMessage", {
                    "text": tr_case(texts.CASE_CLOSED).format(code=case.code), "reply_markup": rating},
                    case_id=case.id, sealed=case.chat_sealed)
                await uow.outbox.put(view.group_id, "sendMessage", {"text": view.group_tr(texts.CASE_CLOSED_NOTE),
                                                                    "thread": True}, case_id=case.id)
                await uow.outbox.put(view.group_id, "closeForumTopic", {"thread": True}, case_id=case.id)
            elif action == "reopen" and case.status == CaseStatus.CLOSED:
                case.status, case.closed_at = (CaseStatus.CLAIMED if case.counsellor_id else CaseStatus.OPEN), None
                await uow.outbox.put(view.group_id, "reopenForumTopic", {"thread": True}, case_id=case.id)
                await uow.outbox.put(view.group_id, "sendMessage", {"text": view.group_tr(texts.CASE_REOPENED_NOTE),
                                                                    "thread": True}, case_id=case.id)
                await uow.outbox.put(lane_of(case.user_key), "sendMessage",
                                     {"text": tr_case(texts.CASE_REOPENED).format(code=case.code)}, case_id=case.id,
                                     sealed=case.chat_sealed)
            else:
                return case
            await uow.cases.event(case.id, action, now)
            await uow.outbox.put(view.group_id, "editForumTopic", {"name": view.title(case), "thread": True},
                                 case_id=case.id)
            return case

    # -- after closing ------------------------------------------------------------------------
    async def rate(self, case_id: int, user_key: str, rating: int) -> bool:
        """The migrant's stars for a case, counted once; the group is told."""
        async with self.unit_of_work() as uow:
            case = await uow.cases.get(case_id)
            if case is None or case.user_key != user_key or not 1 <= rating <= 5 or case.rating is not None:
                return False
            case.rating = rating
            await uow.cases.event(case.id, "rated")
            note = self.view.group_tr(texts.CASE_RATED_NOTE).format(rating=rating)
            await uow.outbox.put(self.view.group_id, "sendMessage", {"text": note, "thread": True},
                                 case_id=case.id)
            return True
