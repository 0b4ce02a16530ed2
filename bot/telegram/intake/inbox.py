"""The durable inbox: every Telegram update is stored before it is confirmed or answered.

Polling confirms an update to Telegram (by asking for the next offset) only after it is stored
here; the webhook answers 200 only after the row is committed. A redelivered update finds its
row already there and is ignored. The payload is erased as soon as the update has been handled.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.replica import Replica
from db.models import utcnow
from db.statuses import InboxStatus
from db.unit_of_work import UnitsOfWork

log = logging.getLogger("jol.inbox")
_SENDER_FIELDS = ("message", "edited_message", "callback_query", "my_chat_member", "chat_member",
                  "message_reaction", "inline_query", "chosen_inline_result", "chat_join_request")


@dataclass(frozen=True)
class Pending:
    update_id: int
    key: str
    payload: dict[str, Any]


MAX_ID = 2 ** 63  # update ids and Telegram ids fit in a signed 64-bit column
# Who a migrant is called, and phone numbers they share: handling never needs them, so the inbox
# never keeps them (a counsellor's name in the group is kept: a claim shows who took the case).
# The fields the Bot API types require are kept empty, the others dropped.
_BLANKED = ("first_name", "phone_number")
_DROPPED = ("last_name", "username", "vcard")
_CHAT_EVENTS = ("message", "edited_message")


def _private(raw: dict[str, Any]) -> bool:
    """Whether the update comes from a private chat (a migrant), not the counsellors' group."""
    for name in _CHAT_EVENTS:
        event = raw.get(name)
        if isinstance(event, dict):
            chat = event.get("chat")
            return not isinstance(chat, dict) or chat.get("type") == "private"
    query = raw.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("message"), dict):
        chat = query["message"].get("chat")
        return not isinstance(chat, dict) or chat.get("type") == "private"
    return True


def _without_names(value: Any) -> Any:
    """A copy without names, usernames and phone numbers, at any depth (the sender, the chat, a
    forwarded message's author, a shared contact)."""
    if isinstance(value, dict):
        return {k: "" if k in _BLANKED else _without_names(v) for k, v in value.items() if k not in _DROPPED}
    if isinstance(value, list):
        return [_without_names(v) for v in value]
    return value


class BadUpdate(ValueError):
    """An update that cannot be kept (its id is logged, never its content)."""

    def __init__(self, update_id: int | None, reason: str):
        super().__init__(reason)
        self.update_id, self.reason = update_id, reason


def _telegram_id(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not -MAX_ID <= value < MAX_ID:
        raise ValueError("a Telegram id is an integer")
    return value


@dataclass(frozen=True)
class FailedUpdate:
    update_id: int
    status: str  # failed (never applied) | unsent (applied, its reply never confirmed)
    attempts: int
    received_at: dt.datetime
    replayable: bool  # its payload is still there


class Inbox:
    def __init__(self, unit_of_work: UnitsOfWork, pseudonymize: Pseudonymizer):
        self.unit_of_work = unit_of_work
        self.pseudonymize = pseudonymize

    def key_of(self, raw: dict[str, Any]) -> str:
        """Updates from one person share a key, so they are handled one at a time, in order."""
        for name in _SENDER_FIELDS:
            event = raw.get(name)
            if isinstance(event, dict):
                sender = event.get("from") or event.get("from_user") or event.get("user")
                if isinstance(sender, dict) and "id" in sender:
                    return self.pseudonymize.user(_telegram_id(sender["id"]))
                chat = event.get("chat")
                if isinstance(chat, dict) and "id" in chat:
                    return self.pseudonymize("chat", _telegram_id(chat["id"]))
        return self.pseudonymize("update", raw.get("update_id"))

    def check(self, raw: Any) -> tuple[int, str, str]:
        """(update_id, key, payload) of an update the inbox can keep; BadUpdate otherwise."""
        update_id, key, _kept, payload = self.kept(raw)
        return update_id, key, payload

    def kept(self, raw: Any) -> tuple[int, str, dict[str, Any], str]:
        """(update_id, key, the update as kept: without a migrant's names, and as the JSON stored);
        BadUpdate otherwise."""
        if not isinstance(raw, dict):
            raise BadUpdate(None, "not a JSON object")
        update_id = raw.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id < MAX_ID:
            raise BadUpdate(None, "update_id is not an integer Telegram could send")
        try:
            key = self.key_of(raw)
            kept = _without_names(raw) if _private(raw) else raw
            payload = json.dumps(kept, ensure_ascii=False)
            payload.encode("utf-8")
        except UnicodeEncodeError:
            raise BadUpdate(update_id, "text that is not valid Unicode (a lone surrogate)") from None
        except (ValueError, TypeError, RecursionError) as exc:
            raise BadUpdate(update_id, f"malformed ({type(exc).__name__})") from None
        return update_id, key, kept, payload

    async def store(self, raws: list[dict[str, Any]]) -> int:
        """Keep the updates that can be kept; skip (and log) the ones that cannot, so one broken
        update never blocks those after it. Returns how many were new."""
        return len(await self.store_new(raws))

    async def store_new(self, raws: list[dict[str, Any]], *, begun: bool = False) -> list[Pending]:
        """Like ``store``; returns the updates that were new, in the order given. With ``begun``
        their first attempt is counted in the same insert (the worker takes them from memory)."""
        rows: list[tuple[int, str, str]] = []
        kept: dict[int, tuple[str, dict[str, Any]]] = {}
        for raw in raws:
            try:
                update_id, key, update, payload = self.kept(raw)
            except BadUpdate as bad:
                log.error("update %s skipped: %s", bad.update_id, bad.reason)
                continue
            rows.append((update_id, key, payload))
            kept.setdefault(update_id, (key, update))  # handled as it is kept, whether from memory or not
        if not rows:
            return []
        async with self.unit_of_work() as uow:
            new = set(await uow.inbox.add_new(rows, attempts=1 if begun else 0))
        fresh = []
        for update_id, (key, raw) in kept.items():  # in the order given, each update once
            if update_id in new:
                fresh.append(Pending(update_id, key, raw))
        return fresh

    async def pending(self, limit: int = 500, replica: Replica | None = None) -> list[Pending]:
        """Updates to handle, in arrival order. A replica gets only the people whose lease it holds
        (taking the free or expired ones, renewing its own), so nobody is served by two at once."""
        async with self.unit_of_work() as uow:
            if replica is None:
                rows = await uow.inbox.pending(limit)
            else:
                now = utcnow()
                keys = await uow.inbox.pending_keys(limit)
                holders = await uow.leases.holders(keys, now)
                ours = [k for k in keys if holders.get(k) == replica.name]
                free = [k for k in keys if k not in holders]
                # Renew ours and take free people up to a share: one replica that looked first must
                # not take everyone waiting while the others stand idle.
                wanted = ours + free[:max(0, replica.people - len(ours))]
                mine = await uow.leases.acquire(wanted, replica.name, now + replica.lease, now)
                rows = await uow.inbox.pending_of(mine, limit)
            return [Pending(r.update_id, r.key, json.loads(r.payload or "{}")) for r in rows]

    async def begin(self, update_id: int) -> int:
        """Count an attempt (committed before handling, so a crash loop is noticed)."""
        async with self.unit_of_work() as uow:
            return await uow.inbox.start_attempt(update_id)

    async def begin_many(self, update_ids: list[int]) -> dict[int, int]:
        """Count an attempt for a batch about to be handled, in one transaction."""
        async with self.unit_of_work() as uow:
            return await uow.inbox.start_attempts(update_ids)

    async def finish(self, update_id: int, status: str = InboxStatus.DONE) -> None:
        await self.finish_many([update_id], status)

    async def finish_many(self, update_ids: list[int], status: str = InboxStatus.DONE) -> None:
        async with self.unit_of_work() as uow:
            await uow.inbox.finish_many(update_ids, status)

    async def failed(self, limit: int = 1000) -> list[FailedUpdate]:
        """Updates given up on, oldest first (``python -m bot inbox failed``)."""
        async with self.unit_of_work() as uow:
            rows = await uow.inbox.failed(limit)
            return [FailedUpdate(r.update_id, r.status, r.attempts, r.received_at, r.payload is not None)
                    for r in rows]

    async def failed_count(self) -> int:
        async with self.unit_of_work() as uow:
            return await uow.inbox.failed_count()

    async def replay(self, update_ids: list[int] | None = None) -> int:
        """Put given-up updates back in line; a running bot picks them up within a second."""
        async with self.unit_of_work() as uow:
            return await uow.inbox.replay(update_ids)

    async def next_offset(self) -> int | None:
        async with self.unit_of_work() as uow:
            last = await uow.inbox.max_update_id()
            return last + 1 if last is not None else None
