"""Delivers the outbox: in order within each case and chat, within Telegram's limits.

* 429: the message waits ``retry_after`` (and its chat is paused), then goes again.
* 5xx and network errors: retried with capped exponential backoff, then dead-lettered.
* 403 (the migrant blocked the bot): the case is marked unreachable and the counsellors told; a
  reminder is dropped with the person's other reminders, never retried.
* A deleted or closed case topic: a new topic is made with the summary, then the message goes.
* Any other 400: dead-lettered and logged as an error; it would never succeed.

It uses its own Bot without the retrying request middleware, so one slow chat never holds up
the others: a message that must wait is simply passed over until it may go.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup, ReplyParameters

from bot.counselling.group_view import GroupView
from bot.i18n import texts
from bot.privacy.sealing import ChatSealer, SealError
from bot.telegram.outbox.rate_limits import RateLimiter
from bot.telegram.outbox.shared_limits import SharedLimits
from bot.telegram.replica import Replica
from db.models import OutboxMessage, utcnow
from db.repositories.reminders import ReminderRepository
from db.unit_of_work import UnitsOfWork

log = logging.getLogger("jol.sender")
MAX_ATTEMPTS = 12
INLINE_WAIT = 0.25  # seconds the sender waits for a message in hand rather than looking again
TOPIC_GONE = ("message thread not found", "TOPIC_DELETED", "TOPIC_CLOSED", "TOPIC_ID_INVALID")


def lane(row: OutboxMessage) -> str:
    """One case's messages to one chat: they go in order, so one sender at a time sends them."""
    return f"outbox:{row.case_id}:{row.chat_id}"


class OutboxSender:
    def __init__(self, bot: Bot, unit_of_work: UnitsOfWork, cases: GroupView | None,
                 limiter: RateLimiter, sealer: ChatSealer, on_sent: Any = None, replica: Replica | None = None,
                 shared: SharedLimits | None = None):
        self.bot = bot
        self.replica = replica
        self.shared = shared  # with several replicas: the limits counted for all of them in Redis
        self.unit_of_work = unit_of_work
        self.cases = cases  # None without a counsellors' group: reminders still go out
        self.limiter = limiter
        self.sealer = sealer
        self.on_sent = on_sent  # async callback(row, payload) after a message is confirmed
        self._wake = asyncio.Event()
        self.delivered = 0
        self.dead = 0
        self.rate_limited = 0

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            pause = await self.step()
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=pause, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()

    async def step(self) -> float:
        """Send what may go now; return how long to wait before looking again.

        Short waits (the global pace, a group's spacing) are slept through here, so messages
        leave at the pace the limits allow without a database round trip between them; a
        message that must wait longer is passed over until the next look.
        """
        now = utcnow()
        async with self.unit_of_work() as uow:
            heads = await uow.outbox.heads(now)
            next_due = await uow.outbox.next_due()
            if self.replica is not None and heads:  # several senders: each lane is sent by its lease holder
                mine = await uow.leases.acquire({lane(r) for r in heads}, self.replica.name,
                                                now + self.replica.lease, now)
                heads = [r for r in heads if lane(r) in mine]
        soonest = 1.0
        sent_any = False
        while heads:
            heads.sort(key=lambda r: self.limiter.wait(r.chat_id))
            wait = self.limiter.wait(heads[0].chat_id)
            if wait > INLINE_WAIT:
                soonest = min(soonest, wait)
                break
            if wait > 0:
                await asyncio.sleep(wait)
            row = heads.pop(0)
            if self.shared is not None:
                shared_wait = await self.shared.take(row.chat_id)
                if shared_wait > 0:  # other replicas used this second's places: this lane waits its turn
                    self.limiter.block(row.chat_id, shared_wait)
                    soonest = min(soonest, shared_wait)
                    continue
            self.limiter.record(row.chat_id)
            try:
                await self._deliver(row)
            finally:
                if self.shared is not None:  # answered or failed: it counts for one more second
                    await self.shared.sent(row.chat_id)
            sent_any = True
        if sent_any:
            return 0.0
        if next_due is not None:
            due = next_due
            if due > now:
                soonest = min(soonest, (due - now).total_seconds())
        return max(soonest, 0.005)

    async def flush(self, timeout: float) -> bool:
        """Send everything that is due, for at most ``timeout`` seconds (at shutdown)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            async with self.unit_of_work() as uow:
                if await uow.outbox.pending_count() == 0:
                    return True
            await asyncio.sleep(min(await self.step(), max(0.0, deadline - loop.time())))
        return False

    async def _deliver(self, row: OutboxMessage) -> None:
        payload = json.loads(row.payload or "{}")
        try:
            result = await self._call(row, payload)
        except SealError as exc:
            log.error("outbox %s: its chat id cannot be opened with this CHAT_KEY", row.id)
            self.dead += 1
            await self._dead(row.id, str(exc))
        except TelegramRetryAfter as exc:
            self.rate_limited += 1
            self.limiter.block(row.chat_id, exc.retry_after)
            await self._retry(row.id, utcnow() + dt.timedelta(seconds=exc.retry_after),
                                                 "429", count=False)
        except TelegramForbiddenError as exc:
            await self._forbidden(row, exc.message)
        except TelegramBadRequest as exc:
            if any(marker in exc.message for marker in TOPIC_GONE) and row.case_id is not None \
                    and row.method not in ("closeForumTopic", "reopenForumTopic", "editForumTopic"):
                await self._recreate_forum_topic(row.case_id)
                await self._retry(row.id, utcnow(), exc.message)
            elif row.method in ("deleteMessage", "editMessageText", "editForumTopic", "closeForumTopic",
                                "reopenForumTopic"):
                await self._dead(row.id, exc.message)  # too old, unchanged: nothing lost
            else:
                log.error("outbox %s (%s) refused by Telegram: %s", row.id, row.method, exc.message)
                self.dead += 1
                await self._dead(row.id, exc.message)
        except (TelegramServerError, TelegramNetworkError) as exc:
            if row.attempts + 1 >= MAX_ATTEMPTS:
                log.error("outbox %s (%s) failed %d times, giving up: %s", row.id, row.method, row.attempts + 1, exc)
                self.dead += 1
                await self._dead(row.id, str(exc))
            else:
                delay = min(60.0, 0.5 * 2 ** row.attempts)
                await self._retry(row.id, utcnow() + dt.timedelta(seconds=delay), str(exc))
        else:
            self.limiter.sent(row.chat_id)  # its chat's gap runs from Telegram's answer
            await self._done(row, result)
            self.delivered += 1

    async def _call(self, row: OutboxMessage, payload: dict[str, Any]) -> Any:
        chat_id = self.sealer.open(row.chat_sealed) if row.chat_sealed else row.chat_id
        thread = await self._thread(row) if payload.get("thread") else None
        markup = InlineKeyboardMarkup.model_validate(payload["reply_markup"]) if payload.get("reply_markup") else None
        reply = ReplyParameters(message_id=payload["reply_to"], allow_sending_without_reply=True) \
            if payload.get("reply_to") else None
        if row.method == "copyMessage":
            # A migrant's message into their case topic names its chat only sealed (rows queued
            # before that change still hold ``from_chat_id``).
            source = self.sealer.open(payload["from_chat_sealed"]) if payload.get("from_chat_sealed") \
                else payload["from_chat_id"]
            return await self.bot.copy_message(chat_id=chat_id, from_chat_id=source,
                                               message_id=payload["message_id"], message_thread_id=thread,
                                               reply_parameters=reply)
        if row.method == "sendMessage":
            return await self.bot.send_message(chat_id=chat_id, text=payload["text"], message_thread_id=thread,
                                               reply_markup=markup, reply_parameters=reply)
        if row.method == "editMessageText":
            return await self.bot.edit_message_text(chat_id=chat_id, message_id=payload["message_id"],
                                                    text=payload["text"])
        if row.method == "deleteMessage":
            return await self.bot.delete_message(chat_id=chat_id, message_id=payload["message_id"])
        if row.method == "createForumTopic":
            return await self.bot.create_forum_topic(chat_id=chat_id, name=payload["name"])
        if row.method == "editForumTopic":
            return await self.bot.edit_forum_topic(chat_id=chat_id, message_thread_id=thread or 0,
                                                   name=payload["name"])
        if row.method == "closeForumTopic":
            return await self.bot.close_forum_topic(chat_id=chat_id, message_thread_id=thread or 0)
        if row.method == "reopenForumTopic":
            return await self.bot.reopen_forum_topic(chat_id=chat_id, message_thread_id=thread or 0)
        raise ValueError(f"unknown outbox method {row.method}")

    async def _thread(self, row: OutboxMessage) -> int | None:
        if row.case_id is None or self.cases is None:
            return None
        async with self.unit_of_work() as uow:
            case = await uow.cases.get(row.case_id)
            topic = case.forum_topic_id if case else None
        if topic is None:  # its topic was never made (that message died): make it now
            topic = await self._recreate_forum_topic(row.case_id)
        return topic

    async def _recreate_forum_topic(self, case_id: int) -> int | None:
        if self.cases is None:
            return None
        async with self.unit_of_work() as uow:
            case = await uow.cases.get(case_id)
            if case is None:
                return None
            title, summary, buttons = self.cases.title(case), self.cases.summary(case), self.cases.case_buttons(case)
        topic = await self.bot.create_forum_topic(chat_id=self.cases.group_id, name=title)
        await self.bot.send_message(chat_id=self.cases.group_id, text=summary,
                                    message_thread_id=topic.message_thread_id,
                                    reply_markup=InlineKeyboardMarkup.model_validate(buttons))
        async with self.unit_of_work() as uow:
            found = await uow.cases.get(case_id)
            if found is not None:
                found.forum_topic_id = topic.message_thread_id
                await uow.cases.event(case_id, "topic_recreated")
        log.info("case %s: its topic was gone, made a new one", case_id)
        return topic.message_thread_id

    async def _done(self, row: OutboxMessage, result: Any) -> None:
        async with self.unit_of_work() as uow:
            await uow.outbox.sent(row.id)
            if row.method == "createForumTopic" and row.case_id is not None:
                case = await uow.cases.get(row.case_id)
                if case is not None:
                    case.forum_topic_id = result.message_thread_id
            message_id = getattr(result, "message_id", None)
            if row.link_id is not None and message_id is not None:
                await uow.cases.set_copy(row.link_id, message_id)
            if self.on_sent is not None:
                await self.on_sent(uow.session, json.loads(row.payload or "{}"))

    async def _forbidden(self, row: OutboxMessage, reason: str) -> None:
        async with self.unit_of_work() as uow:
            await uow.outbox.dead(row.id, reason)
            reminder = json.loads(row.payload or "{}").get("reminder")
            if isinstance(reminder, dict) and reminder.get("user"):
                # Blocked: the person's other reminders could never arrive either. Drop them all.
                dropped = await ReminderRepository(uow.session).delete_for(str(reminder["user"]))
                log.info("a reminder met 403 (the bot is blocked): dropped it and %d more", dropped)
                self.dead += 1
                return
            if self.cases is None or row.case_id is None or row.chat_id == self.cases.group_id:
                log.error("the bot may not write to chat %s: %s", row.chat_id, reason)
                return
            case = await uow.cases.get(row.case_id)
            if case is not None and not case.unreachable:
                case.unreachable = True
                await uow.cases.event(case.id, "unreachable")
                await uow.outbox.put(self.cases.group_id, "sendMessage", {
                    "text": self.cases.group_tr(texts.CASE_UNREACHABLE_NOTE), "thread": True}, case_id=case.id)
        self.dead += 1

    async def _retry(self, row_id: int, when: dt.datetime, error: str, count: bool = True) -> None:
        async with self.unit_of_work() as uow:
            await uow.outbox.retry(row_id, when, error, count)

    async def _dead(self, row_id: int, error: str) -> None:
        async with self.unit_of_work() as uow:
            await uow.outbox.dead(row_id, error)

