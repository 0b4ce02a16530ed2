"""Counsellors' working hours (WORKING_HOURS, WORKING_DAYS, TIMEZONE)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.config import DAYS, parse_days, parse_hours


@dataclass(frozen=True)
class WorkingHours:
    start: dt.time
    end: dt.time
    days: frozenset[int]
    zone: ZoneInfo

    @classmethod
    def parse(cls, hours: str, days: str, timezone: str) -> WorkingHours:
        """From the settings' strings (checked by ``bot.config``; ValueError if wrong)."""
        first, last = parse_hours(hours)
        return cls(first, last, frozenset(DAYS.index(d) for d in parse_days(days)), ZoneInfo(timezone))

    @property
    def overnight(self) -> bool:
        return self.end < self.start

    def open_at(self, moment: dt.datetime) -> bool:
        """Open in a shift; a night shift (18:00-09:00) belongs to the working day it starts on."""
        local = moment.astimezone(self.zone)
        now = local.time()
        if not self.overnight:
            return local.weekday() in self.days and self.start <= now < self.end
        if now >= self.start:
            return local.weekday() in self.days
        return now < self.end and (local.weekday() - 1) % 7 in self.days

    def describe(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"
