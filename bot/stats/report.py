"""Statistics tables: counts per breakdown, suppressed, ready for an export or a chart."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.clock import Clock
from bot.stats.suppression import Table, suppress
from db.unit_of_work import UnitsOfWork

WHAT = {"enquiries": ("started",), "outcomes": ("outcome",), "handoffs": ("handoff",),
        "reminders_set": ("reminder",), "reminders_sent": ("reminded",)}
TIME_DIMS = {"day", "week", "month"}
FACT_DIMS = {"flow", "node", "language", "campaign", "urgency", "deadline"}
MIN_K = 5


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Breakdown:
    what: str
    by: tuple[str, ...]

    @classmethod
    def parse(cls, by: str, what: str = "enquiries") -> Breakdown:
        return cls(what, tuple(d.strip() for d in by.split(",") if d.strip()))

    @property
    def name(self) -> str:
        return f"{self.what} by {', '.join(self.by)}" if self.by else self.what


@dataclass(frozen=True)
class CaseRow:
    category: str
    cases: int | None
    first_response_minutes: float | None
    resolution_hours: float | None


class StatsService:
    def __init__(self, unit_of_work: UnitsOfWork, categories: Sequence[str], k: int, clock: Clock):
        """``clock`` decides where a day begins: days are Kazakhstan's (``TIMEZONE``), as for the facts."""
        if k < MIN_K:
            raise ValueError(f"STATS_MIN_CELL must be at least {MIN_K}")
        self.clock = clock
        self.unit_of_work = unit_of_work
        self.categories = tuple(categories)
        self.k = k

    def dimensions(self) -> list[str]:
        return sorted(FACT_DIMS | TIME_DIMS | set(self.categories))

    async def table(self, first: dt.date, last: dt.date, breakdown: Breakdown) -> Table:
        if breakdown.what not in WHAT:
            raise ValueError(f"unknown measure {breakdown.what!r}; use one of {', '.join(WHAT)}")
        unknown = [d for d in breakdown.by if d not in self.dimensions()]
        if unknown:
            raise ValueError(f"unknown breakdown {unknown}; use any of {', '.join(self.dimensions())}")
        query_dims = ["day" if d in TIME_DIMS else d for d in breakdown.by]
        async with self.unit_of_work() as uow:
            rows = await uow.stats.counts(first, last, query_dims, WHAT[breakdown.what],
                                                        self.categories)
        counts: Counter[tuple[object, ...]] = Counter()
        for key, n in rows:
            counts[tuple(self._coarsen(d, v) for d, v in zip(breakdown.by, key, strict=True))] += n
        return suppress(dict(counts), breakdown.by, self.k)

    @staticmethod
    def _coarsen(dim: str, value: object) -> object:
        if dim in ("week", "month") and isinstance(value, (dt.date, str)):
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            return week_of(day) if dim == "week" else f"{day:%Y-%m}"
        if dim == "day" and isinstance(value, dt.date):
            return value.isoformat()
        return "" if value is None else value

    async def uncounted(self, first: dt.date, last: dt.date) -> int:
        async with self.unit_of_work() as uow:
            return await uow.stats.total(first, last, "uncounted")

    async def response_median(self, first: dt.date, last: dt.date) -> float | None:
        """The median minutes to a first answer over the cases opened in the period.

        The median is over the cases themselves (not a median of per-category medians), and only
        shown when at least ``k`` cases were answered.
        """
        start, end = self.clock.start_of(first), self.clock.start_of(last + dt.timedelta(days=1))
        async with self.unit_of_work() as uow:
            found = await uow.stats.cases(start, end)
        minutes = [(c.first_response_at - c.opened_at).total_seconds() / 60
                   for c in found if c.first_response_at is not None]
        return statistics.median(minutes) if len(minutes) >= self.k else None

    async def cases(self, first: dt.date, last: dt.date) -> list[CaseRow]:
        """Per case category: how many, and the median times (categories under k are hidden)."""
        start, end = self.clock.start_of(first), self.clock.start_of(last + dt.timedelta(days=1))
        async with self.unit_of_work() as uow:
            found = await uow.stats.cases(start, end)
        by_category: dict[str, list[tuple[float | None, float | None]]] = {}
        for case in found:
            opened = case.opened_at
            response = (case.first_response_at - opened).total_seconds() / 60 if case.first_response_at \
                else None
            closing = (case.closed_at - opened).total_seconds() / 3600 if case.closed_at else None
            by_category.setdefault(case.category, []).append((response, closing))
        rows = []
        for category, times in sorted(by_category.items()):
            if len(times) < self.k:
                rows.append(CaseRow(category, None, None, None))
                continue
            responses = [t[0] for t in times if t[0] is not None]
            closings = [t[1] for t in times if t[1] is not None]
            rows.append(CaseRow(category, len(times),
                                round(statistics.median(responses), 1) if len(responses) >= self.k else None,
                                round(statistics.median(closings), 1) if len(closings) >= self.k else None))
        return rows

