"""Days of stay in Kazakhstan: 90 days in any 180, across every visit (BRIEF B.2, K.3).

One pure implementation serves the stay flow, the ``python -m bot days`` command and the
counsellors' ``/days`` command. It knows nothing about Telegram, the database or the clock:
the caller passes the day to check.

How a day is counted: every calendar day spent in Kazakhstan inside the 180 days that end on the
day checked counts, **both the entry day and the exit day** of each visit. The official rule on
entry and exit days is unverified (BRIEF §8.1 item 25); counting both is the safe reading, since
it can only make the count higher, never lower, than the border's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

WINDOW_DAYS = 180  # the rolling window, ending on the day checked (that day included)
LIMIT_DAYS = 90  # days allowed in any window
ENTRY_DAYS_WITHOUT_REGISTRATION = 30  # UZ, TJ and other visa-free foreigners, from each entry

EAEU = frozenset({"kg", "ru", "by", "am", "eaeu"})  # no 30-day cap per entry ("eaeu": the flows' group code)
CITIZENSHIPS = ("uz", "tj", "kg", "ru", "by", "am", "other", "eaeu")


class StayInputError(ValueError):
    """The visit history cannot be right (a visit ends before it starts, visits overlap, ...)."""


@dataclass(frozen=True, order=True)
class Visit:
    """An earlier visit, from the entry day to the exit day, both counted."""

    entry: dt.date
    exit: dt.date

    @property
    def days(self) -> int:
        return (self.exit - self.entry).days + 1


@dataclass(frozen=True)
class StayResult:
    days_used: int  # days in the 180-day window ending today, today counted
    last_day: dt.date | None  # the last day staying on keeps every day's count at 90 or less; None if over
    days_over: int  # today's count above 90, else 0
    last_day_without_registration: dt.date | None  # 30th day of this entry (UZ, TJ, other); None for EAEU

    def to_json(self) -> dict[str, Any]:
        """Exactly the keys of ``python -m bot days --json``."""
        return {
            "days_used": self.days_used,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "days_over": self.days_over,
            "last_day_without_registration": (self.last_day_without_registration.isoformat()
                                              if self.last_day_without_registration else None),
        }


def check_history(visits: Iterable[Visit], entry: dt.date, today: dt.date) -> list[Visit]:
    """The earlier visits sorted, or StayInputError saying what cannot be right."""
    if entry > today:
        raise StayInputError(f"the current entry {entry:%d.%m.%Y} is after the day checked {today:%d.%m.%Y}")
    ordered = sorted(visits)
    for visit in ordered:
        if visit.exit < visit.entry:
            raise StayInputError(f"a visit ends ({visit.exit:%d.%m.%Y}) before it starts ({visit.entry:%d.%m.%Y})")
        if visit.exit > entry:
            raise StayInputError(f"a visit ending {visit.exit:%d.%m.%Y} is after the current entry {entry:%d.%m.%Y}")
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.entry < earlier.exit:  # leaving and coming back on the same day is allowed
            raise StayInputError(f"visits overlap: {earlier.entry:%d.%m.%Y}-{earlier.exit:%d.%m.%Y} "
                                 f"and {later.entry:%d.%m.%Y}-{later.exit:%d.%m.%Y}")
    return ordered


def _merged(visits: Sequence[Visit]) -> list[tuple[dt.date, dt.date]]:
    """Visits as disjoint day ranges (a day shared by an exit and the next entry counts once)."""
    out: list[tuple[dt.date, dt.date]] = []
    for v in sorted(visits):
        if out and v.entry <= out[-1][1] + dt.timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], v.exit))
        else:
            out.append((v.entry, v.exit))
    return out


def _overlap(first: dt.date, last: dt.date, lo: dt.date, hi: dt.date) -> int:
    start, end = max(first, lo), min(last, hi)
    return (end - start).days + 1 if end >= start else 0


def days_in_window(visits: Sequence[Visit], entry: dt.date, day: dt.date) -> int:
    """Days in Kazakhstan in the 180 days ending on ``day``, staying on from ``entry`` until ``day``."""
    lo = day - dt.timedelta(days=WINDOW_DAYS - 1)
    ranges = _merged([*visits, Visit(entry, day)])
    return sum(_overlap(first, last, lo, day) for first, last in ranges)


def calculate(citizenship: str, visits: Iterable[Visit], entry: dt.date, today: dt.date) -> StayResult:
    """Days used and the last allowed day for someone in Kazakhstan since ``entry``.

    ``visits`` are earlier visits (both days counted); the current one goes on until ``today``
    and beyond. Staying on adds one day a day and the window drops at most one, so each day's
    count never falls: ``last_day`` is the last day whose count is still 90 or less.
    """
    if citizenship not in CITIZENSHIPS:
        raise StayInputError(f"unknown citizenship '{citizenship}'; one of {', '.join(CITIZENSHIPS)}")
    earlier = check_history(visits, entry, today)
    used = days_in_window(earlier, entry, today)
    last_day: dt.date | None = None
    if used <= LIMIT_DAYS:
        day = today
        # The current stay alone passes 90 days by entry + 90, so this ends within 90 steps of it.
        while days_in_window(earlier, entry, day + dt.timedelta(days=1)) <= LIMIT_DAYS:
            day += dt.timedelta(days=1)
        last_day = day
    without_registration: dt.date | None = None
    if citizenship not in EAEU and last_day is not None:
        without_registration = min(entry + dt.timedelta(days=ENTRY_DAYS_WITHOUT_REGISTRATION - 1), last_day)
    return StayResult(used, last_day, max(used - LIMIT_DAYS, 0), without_registration)
