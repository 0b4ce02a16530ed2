"""Cases: handing a migrant to a counsellor, and everything that happens to the case after.

Every message to the counsellors' group, and every message relayed to a migrant, is written to
the outbox in the same transaction as the case change it belongs to; the sender delivers it.
The group sees a pseudonymous case code, the language, the topic and the closed-code answers:
never a name, a username, a phone number or a Telegram id.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from bot.engine.contacts import ContactCard
from bot.engine.registry import Registry
from bot.i18n import texts
from bot.i18n.catalogs import Catalogs, Translator
from bot.i18n.languages import native_name
from bot.privacy.sealing import ChatSealer
from db.models import Case, CaseMessage, utcnow
from db.repositories.outbox import lane_of
from db.statuses import CaseStatus, Urgency
from db.unit_of_work import UnitsOfWork

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
NOTE_MARKERS = ("/note", "//")
DELETABLE_FOR = dt.timedelta(hours=47)  # Telegram lets a bot delete its messages for 48 hours


@dataclass(frozen=True)
class CaseRequest:
    """Where the migrant was when they asked for a person."""

    flow: str
    node: str
    category: str
    urgency: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class CannedReply:
    key: str
    label: str
    text: str


def load_canned(path: Path) -> dict[str, CannedReply]:
    """Ready answers from ``content/canned.yaml``."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {key: CannedReply(key, str(item["label"]), str(item["text"]))
            for key, item in (data.get("replies") or {}).items()}


def _answer(summary: str | None, name: str) -> str | None:
    """One closed-code answer from a case's summary ("asker=family, topic=other")."""
    for pair in (summary or "").split(", "):
        key, _, value = pair.partition("=")
        if key == name:
            return value
    return None


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class Keyboards(Protocol):
    """The buttons the service puts under its messages, packed by the Telegram side."""

    def case(self, case_id: int) -> dict[str, Any]: ...

    def rating(self, case_id: int) -> dict[str, Any]: ...


class CaseService:
    def __init__(self, unit_of_work: UnitsOfWork, registry: Registry, catalogs: Catalogs,
                 group_id: int, group_lang: str, canned: dict[str, CannedReply], sealer: ChatSealer, *,
                 keyboards: Keyboards):
        self.keyboards = keyboards
        self.unit_of_work = unit_of_work
        self.sealer = sealer
        self.registry = registry
        self.catalogs = catalogs
        self.group_id = group_id
        self.group_lang = group_lang
        self.canned = canned

    @property
    def group_tr(self) -> Translator:
        return self.catalogs.get(self.group_lang)

    # -- what the group sees ------------------------------------------------------------------
    def title(self, case: Case) -> str:
        tr = self.group_tr
        if case.status == CaseStatus.CLAIMED:
            status = tr(texts.STATUS_CLAIMED).format(name=case.counsellor_name or "?")
        else:
            status = tr(texts.STATUS_CLOSED if case.status == CaseStatus.CLOSED else texts.STATUS_OPEN)
        mark = "‼️ " if case.urgency == Urgency.URGENT and case.status != CaseStatus.CLOSED else ""
        flow = self.registry.flow(case.flow)
        topic = tr(flow.title) if flow else case.flow
        return (mark + tr(texts.CASE_TITLE).format(code=case.code, lang=case.lang, topic=topic, status=status))[:128]

    def summary(self, case: Case) -> str:
        tr = self.group_tr
        flow = self.registry.flow(case.flow)
        text = tr(texts.CASE_SUMMARY).format(
            code=case.code, urgent=tr(texts.CASE_URGENT_MARK) if case.urgency == Urgency.URGENT else "",
            lang=native_name(case.lang), topic=tr(flow.title) if flow else case.flow, node=case.node,
            category=case.category, answers=case.summary or "—")
        asker = texts.ASKER.get(_answer(case.summary, "asker") or "")
        if asker is None:
            return text
        heading, _, rest = text.partition("\n")  # the case line first, then who is asking
        return "\n".join([heading, tr(texts.CASE_ASKER).format(asker=tr(asker)), rest])

    def case_buttons(self, case: Case) -> dict[str, Any]:
        return self.keyboards.case(case.id)

    # -- opening ------------------------------------------------------------------------------
    async def open_case(self, user_key: str, chat_id: int, lang: str, handoff: CaseRequest,
                        now: dt.datetime | None = None) -> tuple[Case, bool]:
        """The migrant's open case, or a new one with its topic and summary queued. (case, created)"""
        now = now or utcnow()
        async with self.unit_of_work() as uow:
            existing = await uow.cases.open_for(user_key)
            if existing is not None:
                return existing, False
            answers = ", ".join(f"{k}={v}" for k, v in sorted(handoff.answers.items()))
            case = await uow.cases.add(Case(code=new_code(), user_key=user_key, chat_sealed=self.sealer.seal(chat_id),
                                            lang=lang,
                                        flow=handoff.flow, node=handoff.node, category=handoff.category,
                                        urgency=handoff.urgency, summary=answers, status=CaseStatus.OPEN,
                                            opened_at=now))
            await uow.outbox.put(self.group_id, "createForumTopic", {"name": self.title(case)}, case_id=case.id)
            await uow.outbox.put(self.group_id, "sendMessage", {"text": self.summary(case), "thread": True,
                                                            "reply_markup": self.case_buttons(case)}, case_id=case.id)
            if case.urgency == Urgency.URGENT:
                text = self.group_tr(texts.CASE_URGENT_ANNOUNCE).format(code=case.code, category=case.category)
                await uow.outbox.put(self.group_id, "sendMessage", {"text": text})
            return case, True

    async def open_case_of(self, user_key: str) -> Case | None:
        async with self.unit_of_work() as uow:
            return await uow.cases.open_for(user_key)

    # -- relaying -----------------------------------------------------------------------------
    async def relay_in(self, user_key: str, chat_id: int, message_id: int, reply_to: int | None = None) -> bool:
        """Copy a migrant's message into their case topic. False when they have no open case."""
        async with self.unit_of_work() as uow:
            case = await uow.cases.open_for(user_key)
            if case is None:
                return False
            # The migrant's side of the message map is their lane, never their chat id.
            lane = lane_of(user_key)
            link = await uow.cases.add_message(CaseMessage(case_id=case.id, direction="in", src_chat=lane,
                                                           src_message=message_id, dst_chat=self.group_id))
            # The chat it is copied from is the migrant's: sealed until the sender opens it to send.
            payload: dict[str, Any] = {"from_chat_sealed": self.sealer.seal(chat_id), "message_id": message_id,
                                       "thread": True}
            if reply_to is not None:
                original = await uow.cases.message_by_copy(case.id, lane, reply_to)
                if original is not None:
                    payload["reply_to"] = original.src_message
            await uow.outbox.put(self.group_id, "copyMessage", payload, case_id=case.id,
                                                link_id=link.id)
            return True

    async def relay_out(self, forum_topic_id: int, message_id: int, reply_to: int | None = None,
                        now: dt.datetime | None = None) -> bool:
        """Copy a counsellor's message from a case topic to the migrant."""
        async with self.unit_of_work() as uow:
            case = await uow.cases.by_forum_topic(forum_topic_id)
            if case is None or case.chat_sealed is None or case.status == CaseStatus.CLOSED:
                return False
            if case.first_response_at is None:
                case.first_response_at = now or utcnow()
                await uow.cases.event(case.id, "first_response", case.first_response_at)
            link = await uow.cases.add_message(CaseMessage(case_id=case.id, direction="out", src_chat=self.group_id,
                                                       src_message=message_id, dst_chat=lane_of(case.user_key)))
            payload: dict[str, Any] = {"from_chat_id": self.group_id, "message_id": message_id}
            if reply_to is not None:
                original = await uow.cases.message_by_copy(case.id, self.group_id, reply_to)
                if original is not None:
                    payload["reply_to"] = original.src_message
            await uow.outbox.put(lane_of(case.user_key), "copyMessage", payload, case_id=case.id,
                                 link_id=link.id, sealed=case.chat_sealed)
            return True

    async def mirror_edit(self, chat_id: int, message_id: int, text: str, user_key: str | None = None,
                          forum_topic_id: int | None = None) -> bool:
        """An edited text message: edit its copy too."""
        async with self.unit_of_work() as uow:
            case = await (uow.cases.open_for(user_key) if user_key else uow.cases.by_forum_topic(forum_topic_id or 0))
            if case is None:
                return False
            link = await uow.cases.message_by_source(case.id, lane_of(user_key) if user_key else chat_id, message_id)
            if link is None or link.dst_message is None:
                return False
            sealed = None if link.dst_chat == self.group_id else case.chat_sealed
            await uow.outbox.put(link.dst_chat, "editMessageText",
                                 {"message_id": link.dst_message, "text": text}, case_id=case.id, sealed=sealed)
            return True

    # -- counsellor actions -------------------------------------------------------------------
    async def _act(self, case_id: int, action: str, counsellor_id: int | None = None, name: str | None = None,
                   now: dt.datetime | None = None) -> Case | None:
        now = now or utcnow()
        async with self.unit_of_work() as uow:
            case = await uow.cases.get(case_id)
            if case is None or case.chat_sealed is None:
                return None
            tr_case = self.catalogs.get(case.lang)
            if action == "claim" and case.status != CaseStatus.CLOSED:
                case.status, case.counsellor_id = CaseStatus.CLAIMED, counsellor_id
                case.counsellor_name = (name or "?")[:64]
                case.claimed_at = case.claimed_at or now
                note = self.group_tr(texts.CASE_CLAIMED_NOTE).format(name=case.counsellor_name)
                await uow.outbox.put(self.group_id, "sendMessage", {"text": note, "thread": True}, case_id=case.id)
            elif action == "close" and case.status != CaseStatus.CLOSED:
                case.status, case.closed_at = CaseStatus.CLOSED, now
                rating = self.keyboards.rating(case.id)
                await uow.outbox.put(lane_of(case.user_key), "sendMessage", {
                    "text": tr_case(texts.CASE_CLOSED).format(code=case.code), "reply_markup": rating},
                    case_id=case.id, sealed=case.chat_sealed)
                await uow.outbox.put(self.group_id, "sendMessage", {"text": self.group_tr(texts.CASE_CLOSED_NOTE),
                                                                "thread": True}, case_id=case.id)
                await uow.outbox.put(self.group_id, "closeForumTopic", {"thread": True}, case_id=case.id)
            elif action == "reopen" and case.status == CaseStatus.CLOSED:
                case.status, case.closed_at = (CaseStatus.CLAIMED if case.counsellor_id else CaseStatus.OPEN), None
                await uow.outbox.put(self.group_id, "reopenForumTopic", {"thread": True}, case_id=case.id)
                await uow.outbox.put(self.group_id, "sendMessage", {"text": self.group_tr(texts.CASE_REOPENED_NOTE),
                                                                "thread": True}, case_id=case.id)
                await uow.outbox.put(lane_of(case.user_key), "sendMessage",
                                     {"text": tr_case(texts.CASE_REOPENED).format(code=case.code)}, case_id=case.id,
                                     sealed=case.chat_sealed)
            else:
                return case
            await uow.cases.event(case.id, action, now)
            await uow.outbox.put(self.group_id, "editForumTopic", {"name": self.title(case), "thread": True},
                             case_id=case.id)
            return case

    async def claim(self, case_id: int, counsellor_id: int, name: str) -> Case | None:
        return await self._act(case_id, "claim", counsellor_id, name)

    async def close(self, case_id: int) -> Case | None:
        return await self._act(case_id, "close")

    async def reopen(self, case_id: int) -> Case | None:
        return await self._act(case_id, "reopen")

    async def case_in_forum_topic(self, forum_topic_id: int) -> Case | None:
        async with self.unit_of_work() as uow:
            return await uow.cases.by_forum_topic(forum_topic_id)

    async def send_canned(self, case_id: int, key: str) -> bool:
        reply = self.canned.get(key)
        if reply is None:
            return False
        return await self._send_text(case_id, lambda tr: tr(reply.text))

    async def send_cards(self, case_id: int, cards: list[ContactCard]) -> bool:
        def render(tr: Translator) -> str:
            blocks = []
            for card in cards:
                lines = [tr(card.title)]
                lines.extend((f"☎ {line.number}: " if line.number else "• ") + tr(line.text) for line in card.lines)
                blocks.append("\n".join(lines))
            return "\n\n".join(blocks)

        return await self._send_text(case_id, render)

    async def _send_text(self, case_id: int, render: Any) -> bool:
        """A text from the bot to the migrant (in their language), with a copy in the topic."""
        async with self.unit_of_work() as uow:
            case = await uow.cases.get(case_id)
            if case is None or case.chat_sealed is None or case.status == CaseStatus.CLOSED:
                return False
            text = render(self.catalogs.get(case.lang))
            await uow.outbox.put(lane_of(case.user_key), "sendMessage", {"text": text}, case_id=case.id,
                                 sealed=case.chat_sealed)
            await uow.outbox.put(self.group_id, "sendMessage", {"text": f"→ {text}", "thread": True}, case_id=case.id)
            if case.first_response_at is None:
                case.first_response_at = utcnow()
                await uow.cases.event(case.id, "first_response", case.first_response_at)
            return True

    async def rate(self, case_id: int, user_key: str, rating: int) -> bool:
        async with self.unit_of_work() as uow:
            case = await uow.cases.get(case_id)
            if case is None or case.user_key != user_key or not 1 <= rating <= 5 or case.rating is not None:
                return False
            case.rating = rating
            await uow.cases.event(case.id, "rated")
            note = self.group_tr(texts.CASE_RATED_NOTE).format(rating=rating)
            await uow.outbox.put(self.group_id, "sendMessage", {"text": note, "thread": True},
                                                case_id=case.id)
            return True

    # -- time ---------------------------------------------------------------------------------
    async def remind(self, after: dt.timedelta, now: dt.datetime | None = None) -> int:
        """Announce again every case nobody has taken for ``after``."""
        now = now or utcnow()
        async with self.unit_of_work() as uow:
            due = await uow.cases.unclaimed_before(now - after)
            for case in due:
                minutes = int((now - case.opened_at).total_seconds() // 60)
                text = self.group_tr(texts.CASE_REMINDER).format(code=case.code, minutes=minutes)
                await uow.outbox.put(self.group_id, "sendMessage", {"text": text})
                case.reminded_at = now
                await uow.cases.event(case.id, "reminded", now)
            return len(due)

    # -- privacy ------------------------------------------------------------------------------
    async def forget(self, user_key: str, now: dt.datetime | None = None) -> bool:
        """Close and erase the migrant's cases; delete copies Telegram still lets us delete."""
        now = now or utcnow()
        async with self.unit_of_work() as uow:
            found = await uow.cases.all_for(user_key)
            for case in found:
                await uow.outbox.drop_for_case(case.id)
                for message in await uow.cases.messages(case.id):
                    if message.dst_message is not None and now - message.created_at < DELETABLE_FOR:
                        sealed = None if message.dst_chat == self.group_id else case.chat_sealed
                        await uow.outbox.put(message.dst_chat, "deleteMessage", {"message_id": message.dst_message},
                                             sealed=sealed)
                if case.status != CaseStatus.CLOSED:
                    case.status, case.closed_at = CaseStatus.CLOSED, now
                    await uow.outbox.put(self.group_id, "sendMessage", {
                        "text": self.group_tr(texts.CASE_FORGOTTEN_NOTE), "thread": True}, case_id=case.id)
                    await uow.outbox.put(self.group_id, "closeForumTopic", {"thread": True}, case_id=case.id)
                    await uow.outbox.put(self.group_id, "editForumTopic", {"name": self.title(case), "thread": True},
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

