"""Computed values: numbers and dates a flow derives from answers, the clock and official values.

A flow names them in its ``compute`` block; branches compare them and texts show them. Each kind
is a small pydantic model with one key, so flows stay data and the validator can check them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.reference import ReferenceTable
from bot.engine.stay_calc import StayInputError, Visit, calculate


class Days(int):
    """A number of days. Shown with the right plural form ("1 day", "2 дня", "5 дней")."""

    __slots__ = ()


class DaysFromToday(int):
    """Days from today to a date: shown as "today", "tomorrow", "in 5 days" or "3 days ago"."""

    __slots__ = ()


class Hours(int):
    """A number of hours, shown with the right plural form."""

    __slots__ = ()


@dataclass(frozen=True)
class Money:
    """An amount in a currency, from the official value of ``year``.

    ``stale`` when the amount is for a later year whose value is not in the table yet, so the
    reader is told which year's value it uses.
    """

    amount: int
    currency: str
    year: int
    stale: bool = False


class DaysSince(BaseModel):
    """Whole days from a date answer to today (the entry day counts as day 1 when ``inclusive``)."""

    model_config = ConfigDict(extra="forbid")
    days_since: str
    inclusive: bool = True


class DaysLeft(BaseModel):
    """Days left of ``limit`` counted from a date answer (never below zero)."""

    model_config = ConfigDict(extra="forbid")
    days_left: str
    limit: int = Field(gt=0)


class DaysUntil(BaseModel):
    """Whole days from today to a date answer (negative once the date has passed)."""

    model_config = ConfigDict(extra="forbid")
    days_until: str


class DatePlus(BaseModel):
    """A date answer plus a number of days, e.g. the last day of a 30-day stay."""

    model_config = ConfigDict(extra="forbid")
    date_plus: str
    days: int


StayField = Literal["days_used", "days_over", "last_day", "last_day_without_registration", "until_last_day"]


class Stay(BaseModel):
    """A result of the 90-in-180 calculator (``bot/engine/stay_calc.py``) over every visit.

    ``entry`` names the date answer of the current entry, ``visits`` the list of earlier visits
    (a ``date_ranges`` answer; none yet counts as none), ``citizenship`` the answer whose value
    (``uz``, ``tj``, ``eaeu``, ``kg``, ...) decides the 30-day limit of an entry.
    """

    model_config = ConfigDict(extra="forbid")
    stay: StayField
    entry: str
    visits: str
    citizenship: str


class CountOf(BaseModel):
    """How many of the named answers have a given value (e.g. how many screening answers are 'yes')."""

    model_config = ConfigDict(extra="forbid")
    count_of: list[str] = Field(min_length=1)
    value: str | int | bool = "yes"


class Official(BaseModel):
    """A multiple of an official value for the current year (``mrp: 4`` is four MRP).

    With ``after`` (a date answer), the value for the months after that date instead: the tax for
    the month after a permit ends is four MRP of the year that month begins in, which may be a year
    whose value is not known yet. Until the answer is given, and for a date already past, it is
    today's value.
    """

    model_config = ConfigDict(extra="forbid")
    official: str
    times: float = 1
    after: str | None = None


class Figure(BaseModel):
    """A fixed figure from a source (overtime is paid ``number: 1.5`` times), so that texts never type
    a decimal by hand: it is shown with the reader's decimal separator."""

    model_config = ConfigDict(extra="forbid")
    number: Decimal


class PercentFigure(BaseModel):
    """A fixed percentage from a source (``percent: 6.49``), shown as the reader's locale writes it."""

    model_config = ConfigDict(extra="forbid")
    percent: Decimal


@dataclass(frozen=True)
class Percent:
    """A percentage (6.49 means 6.49 %)."""

    value: Decimal


Computation = Union[DaysSince, DaysLeft, DaysUntil, DatePlus, CountOf, Official, Stay, Figure, PercentFigure]
ComputedValue = Union[int, Days, DaysFromToday, dt.date, Money, Decimal, Percent]


def answers_of(comp: Computation) -> list[str]:
    """Every answer a computation reads."""
    if isinstance(comp, CountOf):
        return list(comp.count_of)
    if isinstance(comp, Stay):
        return [comp.entry, comp.visits, comp.citizenship]
    if isinstance(comp, Official):
        return [comp.after] if comp.after else []
    single = answer_of(comp)
    return [single] if single else []


def answer_of(comp: Computation) -> str | None:
    """The date answer a computation reads, if any."""
    if isinstance(comp, DaysSince):
        return comp.days_since
    if isinstance(comp, DaysLeft):
        return comp.days_left
    if isinstance(comp, DaysUntil):
        return comp.days_until
    if isinstance(comp, DatePlus):
        return comp.date_plus
    return None


def _date(raw: object) -> dt.date | None:
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return None
    return None


def compute(
    comp: Computation, answers: dict[str, object], today: dt.date, reference: ReferenceTable
) -> ComputedValue | None:
    """The value, or None when the answer it needs is missing."""
    if isinstance(comp, CountOf):
        return sum(1 for name in comp.count_of if answers.get(name) == comp.value)
    if isinstance(comp, Figure):
        return comp.number
    if isinstance(comp, PercentFigure):
        return Percent(comp.percent)
    if isinstance(comp, Official):
        return _official(comp, answers, today, reference)
    if isinstance(comp, Stay):
        return _stay(comp, answers, today)
    name = answer_of(comp)
    start = _date(answers.get(name)) if name else None
    if start is None:
        return None
    if isinstance(comp, DatePlus):
        return start + dt.timedelta(days=comp.days)
    if isinstance(comp, DaysUntil):
        return DaysFromToday((start - today).days)
    elapsed = (today - start).days + (1 if isinstance(comp, DaysLeft) or comp.inclusive else 0)
    if isinstance(comp, DaysLeft):
        return Days(max(comp.limit - elapsed, 0))
    return Days(elapsed)


def _day_after(answers: dict[str, object], name: str | None, today: dt.date) -> dt.date:
    """The first day after the date answer ``name`` (today when it is unset or already past)."""
    day = _date(answers.get(name)) if name else None
    return max(day + dt.timedelta(days=1), today) if day is not None else today


def _official(comp: Official, answers: dict[str, object], today: dt.date, reference: ReferenceTable) -> Money:
    on = _day_after(answers, comp.after, today)
    value, year = reference.value_for(comp.official, on)
    return Money(round(value * comp.times), reference.unit(comp.official), year, stale=year < on.year)


def visits_of(raw: object) -> list[Visit]:
    """A ``date_ranges`` answer (a list of [first, last] ISO dates) as visits; bad items are skipped."""
    out: list[Visit] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            first, last = _date(item[0]), _date(item[1])
            if first is not None and last is not None:
                out.append(Visit(first, last))
    return out


def _stay(comp: Stay, answers: dict[str, object], today: dt.date) -> ComputedValue | None:
    entry = _date(answers.get(comp.entry))
    if entry is None:
        return None
    citizenship = str(answers.get(comp.citizenship, "other"))
    try:
        result = calculate(citizenship, visits_of(answers.get(comp.visits)), entry, today)
    except StayInputError:
        return None
    if comp.stay in ("days_used", "days_over"):
        return Days(getattr(result, comp.stay))
    if comp.stay == "until_last_day":
        return DaysFromToday((result.last_day - today).days) if result.last_day else None
    day: dt.date | None = getattr(result, comp.stay)
    return day
