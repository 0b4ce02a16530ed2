"""Counsellors' working hours (WORKING_HOURS, WORKING_DAYS, TIMEZONE)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingHours:
    start: dt.time
    end: dt.time
    days: frozenset[int]
    zone: ZoneInfo

    @classmethod
    def parse(cls, hours: str, days: str, timezone: str) -> WorkingHours:
        try:
            first, last = (dt.time.fromisoformat(part.strip()) for part in hours.split("-"))
        except ValueError as exc:
            raise ValueError(f"WORKING_HOURS must look like 09:00-18:00, not {hours!r}") from exc
        names = [d.strip().lower()[:3] for d in days.split(",") if d.strip()]
        unknown = [d for d in names if d not in DAYS]
        if unknown:
            raise ValueError(f"WORKING_DAYS has unknown days {unknown}; use mon,tue,wed,thu,fri,sat,sun")
        return cls(first, last, frozenset(DAYS.index(d) for d in names), ZoneInfo(timezone))

    def open_at(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.zone)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def describe(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"
