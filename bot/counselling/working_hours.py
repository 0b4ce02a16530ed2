"""Counsellors' working hours (WORKING_HOURS, WORKING_DAYS, TIMEZONE)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.config import DAYS, parse_days, parse_hours
from bot.engine.clock import Clock


@dataclass(frozen=True)
class WorkingHours:
    start: dt.time
    end: dt.time
    days: frozenset[int]
    clock: Clock  # the process's one clock, in TIMEZONE

    @classmethod
    def parse(cls, hours: str, days: str, clock: Clock) -> WorkingHours:
        """From the settings' strings (checked by ``bot.config``; ValueError if wrong), on the one clock."""
        first, last = parse_hours(hours)
        return cls(first, last, frozenset(DAYS.index(d) for d in parse_days(days)), clock)

    @property
    def overnight(self) -> bool:
        return self.end < self.start

    def open_now(self) -> bool:
        return self.open_at(self.clock.now())

    def open_at(self, moment: dt.datetime) -> bool:
        """Open in a shift; a night shift (18:00-09:00) belongs to the working day it starts on."""
        local = moment.astimezone(self.clock.zone)
        now = local.time()
        if not self.overnight:
            return local.weekday() in self.days and self.start <= now < self.end
        if now >= self.start:
            return local.weekday() in self.days
        return now < self.end and (local.weekday() - 1) % 7 in self.days

    def describe(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"
