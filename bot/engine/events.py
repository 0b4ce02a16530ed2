"""What the engine asks the front ends to show or do. Plain data, so tests can compare it as JSON.

Texts are English source strings (gettext msgids); ``params`` hold raw values (ints, dates,
amounts) that the renderer formats for the reader's locale after translating the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Union

from bot.engine.compute import Days, DaysFromToday, Money, Percent

Param = Union[str, int, float, bool, dt.date, Money, Days, DaysFromToday, Decimal, Percent]


@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = "event"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for f in dataclasses.fields(self):
            out[f.name] = _plain(getattr(self, f.name))
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Days):
        return {"days": int(value)}
    if isinstance(value, DaysFromToday):
        return {"days_from_today": int(value)}
    if isinstance(value, Money):
        return {"amount": value.amount, "currency": value.currency, "year": value.year}
    if isinstance(value, Percent):
        return {"percent": str(value.value)}
    if isinstance(value, Decimal):
        return {"number": str(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class FlowStarted(Event):
    kind: ClassVar[str] = "flow_started"
    flow: str


@dataclass(frozen=True)
class Info(Event):
    kind: ClassVar[str] = "info"
    flow: str
    node: str
    text: str
    params: dict[str, Param] = field(default_factory=dict)


@dataclass(frozen=True)
class Question(Event):
    kind: ClassVar[str] = "question"
    flow: str
    node: str
    text: str
    options: tuple[str, ...]
    params: dict[str, Param] = field(default_factory=dict)


@dataclass(frozen=True)
class AskInput(Event):
    kind: ClassVar[str] = "ask_input"
    flow: str
    node: str
    text: str
    input: str
    params: dict[str, Param] = field(default_factory=dict)


@dataclass(frozen=True)
class InvalidInput(Event):
    """A typed answer that did not parse or is out of range; ``text`` says what is expected."""

    kind: ClassVar[str] = "invalid_input"
    flow: str
    node: str
    text: str


@dataclass(frozen=True)
class NotUnderstood(Event):
    """Free text or a button that does not fit the current step."""

    kind: ClassVar[str] = "not_understood"
    flow: str
    node: str
    at_end: bool = False  # the step is an outcome or handoff: only navigation is left


@dataclass(frozen=True)
class DeadlineDate:
    """A date in an answer that a reminder can be set for: its kind and the date itself."""

    kind: str
    date: dt.date


@dataclass(frozen=True)
class Outcome(Event):
    kind: ClassVar[str] = "outcome"
    flow: str
    node: str
    text: str
    sources: tuple[str, ...]
    verified_on: dt.date
    contacts: tuple[str, ...] = ()
    offer_counsellor: bool = True
    params: dict[str, Param] = field(default_factory=dict)
    deadlines: tuple[DeadlineDate, ...] = ()  # dates still ahead that the migrant can be reminded of

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if not self.deadlines:
            out.pop("deadlines")  # answers without a date read as before
        else:
            out["deadlines"] = [{"kind": d.kind, "date": d.date.isoformat()} for d in self.deadlines]
        return out


@dataclass(frozen=True)
class Handoff(Event):
    kind: ClassVar[str] = "handoff"
    flow: str
    node: str
    text: str
    urgency: str
    category: str
    contacts: tuple[str, ...] = ()
    params: dict[str, Param] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    verified_on: dt.date | None = None


@dataclass(frozen=True)
class CounsellorRequested(Event):
    """The migrant asked for a person (the navigation button), from ``flow``/``node``.

    ``urgent`` when they asked from the help offered after typing an emergency (held by the
    police, beaten, a child in trouble): the case is then marked urgent.
    """

    kind: ClassVar[str] = "counsellor_requested"
    flow: str
    node: str
    urgent: bool = False


@dataclass(frozen=True)
class Notice(Event):
    """Something the migrant should know about the conversation itself.

    ``code`` is one of: ``flow_changed`` (the flows were edited and the old step is gone, so the
    topic starts again), ``nothing_to_go_back`` (back at the first step), ``stale_button`` (a
    button from an older message), ``reference_outdated`` (an amount uses an earlier year's
    official value; ``year`` says which).
    """

    kind: ClassVar[str] = "notice"
    code: str
    year: int | None = None


@dataclass(frozen=True)
class Suggestions(Event):
    """Topics that match what the migrant typed, best first (flow ids and title msgids)."""

    kind: ClassVar[str] = "suggestions"
    flows: tuple[str, ...]
    titles: tuple[str, ...]


@dataclass(frozen=True)
class RedFlag(Event):
    """What the migrant typed sounds like danger or exploitation: offer a person and help lines.

    ``about`` is ``danger`` (harm, exploitation, a child, pregnancy, an injury) or ``legal`` (held by
    the police, deportation, an entry ban, a court).
    """

    kind: ClassVar[str] = "red_flag"
    about: str = "danger"
    urgent: bool = True  # the counsellor button it offers opens an urgent case
