"""The relay: messages copied both ways between a migrant and their case's forum topic, edits
mirrored onto the copies, and the ready answers and contact cards a counsellor sends with a button.

Each copy is written to the outbox in the same transaction as its entry in the case's message map
(which copy belongs to which original), so replies and edits find their way back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.engine.contacts import ContactCard
from bot.i18n.catalogs import Catalogs, Translator
from bot.privacy.sealing import ChatSealer
from db.models import CaseMessage, utcnow
from db.repositories.outbox import lane_of
from db.statuses import CaseStatus
from db.unit_of_work import UnitsOfWork

NOTE_MARKERS = ("/note", "//")  # counsellors' notes in a topic: never relayed


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


@dataclass(frozen=True)
class Relay:
    unit_of_work: UnitsOfWork
    catalogs: Catalogs  # the migrant's language, for ready answers and cards
    group_id: int
    canned: dict[str, CannedReply]
    sealer: ChatSealer  # a migrant's chat id is stored only sealed, even in a copy waiting to go

    # -- copies of people's messages ----------------------------------------------------------
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
            await uow.outbox.put(self.group_id, "copyMessage", payload, case_id=case.id, link_id=link.id)
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

    # -- the bot's own texts, sent for a counsellor -------------------------------------------
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

    async def _send_text(self, case_id: int, render: Callable[[Translator], str]) -> bool:
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
