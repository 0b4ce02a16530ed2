"""Reminders before a deadline: what the migrant sets after an answer with a date, and what the
bot sends on the day, at REMINDER_HOUR in TIMEZONE, in their language.

Kept per reminder: the person's pseudonym, their chat id sealed (``bot.privacy.sealing``), their
language, the kind of deadline, its date and the topic. Nothing they typed. A reminder is deleted
when it is queued for sending, cancelled, or found past its date; a 403 from Telegram drops all
of that person's reminders (``bot.telegram.outbox.sender``). Messages leave through the outbox,
so Telegram's limits, retries and order apply to them like to every other message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.clock import Clock
from bot.engine.compute import DaysFromToday
from bot.engine.events import DeadlineDate
from bot.i18n import texts
from bot.i18n.catalogs import Catalogs, Translator
from bot.i18n.format import format_value
from bot.privacy.sealing import ChatSealer
from db.models import Reminder
from db.repositories.outbox import OutboxRepository, lane_of
from db.repositories.stats import StatsRepository
from db.unit_of_work import UnitOfWork, UnitsOfWork

# The choices offered, in order; the first is the default. Days before the deadline.
CHOICES: tuple[tuple[str, tuple[int, ...]], ...] = (
    (texts.REMIND_CHOICE_7_1, (7, 1)),
    (texts.REMIND_CHOICE_1, (1,)),
    (texts.REMIND_CHOICE_3, (3,)),
    (texts.REMIND_CHOICE_14_7_1, (14, 7, 1)),
)
WHAT = {"stay_end": texts.DEADLINE_STAY_END, "registration": texts.DEADLINE_REGISTRATION,
        "permit_end": texts.DEADLINE_PERMIT_END, "permit_payment": texts.DEADLINE_PERMIT_PAYMENT}
MESSAGE = {"stay_end": texts.REMINDER_STAY_END, "registration": texts.REMINDER_REGISTRATION,
           "permit_end": texts.REMINDER_PERMIT_END, "permit_payment": texts.REMINDER_PERMIT_PAYMENT}
BATCH = 500  # reminders taken per transaction


def day_code(day: dt.date) -> int:
    """A date as 20261224, for a button's payload."""
    return day.year * 10000 + day.month * 100 + day.day


def from_day_code(code: int) -> dt.date | None:
    try:
        return dt.date(code // 10000, code // 100 % 100, code % 100)
    except ValueError:
        return None


@dataclass(frozen=True)
class Deadline:
    """One deadline a person has reminders for, and the days they will arrive."""

    kind: str
    date: dt.date
    days: tuple[dt.date, ...]


class ReminderService:
    def __init__(self, unit_of_work: UnitsOfWork, catalogs: Catalogs, sealer: ChatSealer,
                 clock: Clock, hour: int = 10):
        self.unit_of_work = unit_of_work
        self.catalogs = catalogs
        self.sealer = sealer
        self.clock = clock
        self.hour = hour

    # -- what the migrant sees ----------------------------------------------------------------
    def what(self, kind: str, tr: Translator) -> str:
        return tr(WHAT.get(kind, texts.DEADLINE_STAY_END))

    def _at(self, day: dt.date, hour: int) -> dt.datetime:
        """``hour``:00 on ``day`` in TIMEZONE, as a UTC instant."""
        return dt.datetime.combine(day, dt.time(hour), self.clock.zone).astimezone(dt.UTC)

    def time_label(self) -> str:
        return f"{self.hour:02d}:00"

    def days_for(self, deadline: dt.date, offsets: tuple[int, ...]) -> list[dt.date]:
        """The days reminders would arrive, skipping those already past (today counts if before the hour)."""
        now = self.clock.now()
        days = sorted({deadline - dt.timedelta(days=n) for n in offsets})
        return [d for d in days if self._at(d, self.hour) > now]

    # -- setting, listing, cancelling -----------------------------------------------------------
    async def set(self, key: str, chat_id: int, lang: str, flow: str, deadline: DeadlineDate,
                  choice: int) -> list[dt.date]:
        """Replace this deadline's reminders with the chosen ones; the days they will arrive."""
        offsets = CHOICES[choice][1] if 0 <= choice < len(CHOICES) else CHOICES[0][1]
        days = self.days_for(deadline.date, offsets)
        if not days:
            return []
        sealed = self.sealer.seal(chat_id)
        async with self.unit_of_work() as uow:
            await uow.reminders.cancel(key, deadline.kind, deadline.date)
            await uow.reminders.add_all([Reminder(user_key=key, chat_sealed=sealed, lang=lang, kind=deadline.kind,
                                         deadline=deadline.date, flow=flow, due_at=self._at(day, self.hour))
                                for day in days])
            if await self._counted(uow, key):
                await uow.stats.add(self.clock.today(), "reminder", node=deadline.kind)
        return days

    async def listing(self, key: str) -> list[Deadline]:
        async with self.unit_of_work() as uow:
            rows = await uow.reminders.for_user(key)
        grouped: dict[tuple[str, dt.date], list[dt.date]] = {}
        for row in rows:
            local = row.due_at.astimezone(self.clock.zone).date()
            grouped.setdefault((row.kind, row.deadline), []).append(local)
        return [Deadline(kind, date, tuple(sorted(days))) for (kind, date), days in sorted(
            grouped.items(), key=lambda item: (item[0][1], item[0][0]))]

    async def cancel(self, key: str, kind: str, deadline: dt.date) -> bool:
        async with self.unit_of_work() as uow:
            return await uow.reminders.cancel(key, kind, deadline) > 0

    async def forget(self, key: str) -> int:
        async with self.unit_of_work() as uow:
            return await uow.reminders.delete_for(key)

    async def due_count(self) -> int:
        """Reminders due now and not yet queued (a number for monitoring)."""
        async with self.unit_of_work() as uow:
            return await uow.reminders.due_count(self.clock.now())

    async def seconds_to_next(self) -> float | None:
        async with self.unit_of_work() as uow:
            nxt = await uow.reminders.next_due()
        return None if nxt is None else (nxt - self.clock.now()).total_seconds()

    # -- on the day ---------------------------------------------------------------------------
    async def queue_due(self, on_batch: Callable[[], None] | None = None) -> int:
        """Move every due reminder into the outbox, batch by batch; the number queued.

        Each batch is one transaction: the reminders are taken (a conditional UPDATE), their
        messages written to the outbox and the reminders deleted together, so a reminder is
        queued exactly once, even across a crash or with several processes.
        """
        queued = 0
        while True:
            now, today = self.clock.now(), self.clock.today()
            async with self.unit_of_work() as uow:
                rows = await uow.reminders.claim_due(now, BATCH)
                if not rows:
                    return queued
                queued += await self._queue(uow, rows, today)
                await uow.reminders.delete_ids([r.id for r in rows])
            if on_batch is not None:
                on_batch()
            if len(rows) < BATCH:
                return queued

    async def _queue(self, uow: UnitOfWork, rows: list[Reminder], today: dt.date) -> int:
        seen: set[tuple[str, str, dt.date]] = set()
        counted = await uow.conversations.counted_among(sorted({r.user_key for r in rows}))
        messages = []
        for row in rows:
            ident = (row.user_key, row.kind, row.deadline)
            if row.deadline < today or ident in seen:  # past its date, or a second one due at once
                continue
            seen.add(ident)
            tr = self.catalogs.get(row.lang)
            text = tr(MESSAGE.get(row.kind, texts.REMINDER_STAY_END)).format(
                date=format_value(row.deadline, row.lang, tr),
                days=format_value(DaysFromToday((row.deadline - today).days), row.lang, tr))
            payload: dict[str, Any] = {"text": text, "reply_markup": self.buttons(row, tr), "reminder": {
                "user": row.user_key, "kind": row.kind, "counted": row.user_key in counted}}
            messages.append(OutboxRepository.prepared(lane_of(row.user_key), "sendMessage", payload,
                                                      sealed=row.chat_sealed))
        uow.outbox.add_many(messages)  # the sender is woken once the batch is committed
        return len(messages)

    @staticmethod
    def buttons(row: Reminder, tr: Translator) -> dict[str, Any]:
        """The topic again, "done, stop reminding", a counsellor (payloads as bot.telegram.callbacks packs them)."""
        return {"inline_keyboard": [
            [{"text": tr(texts.REMINDER_TOPIC), "callback_data": f"mt:{row.flow}"}],
            [{"text": tr(texts.REMINDER_DONE), "callback_data": f"ms:{row.kind}:{day_code(row.deadline)}"}],
            [{"text": tr(texts.COUNSELLOR), "callback_data": f"mc:{row.flow}"}]]}

    async def sent(self, session: AsyncSession, payload: dict[str, Any]) -> None:
        """The outbox delivered a message: count a reminder sent, by kind (for those who are counted)."""
        reminder = payload.get("reminder")
        if isinstance(reminder, dict) and reminder.get("counted"):
            await StatsRepository(session).add(self.clock.today(), "reminded", node=str(reminder.get("kind")))

    @staticmethod
    async def _counted(uow: UnitOfWork, key: str) -> bool:
        row = await uow.conversations.get(key)
        return bool(row.counted) if row is not None else False  # unknown: not counted
