"""What a migrant sees: engine events turned into screens (text and buttons) in their language.

Both front ends use this, so the console demo shows exactly the words and choices the Telegram bot
shows. A front end (Telegram or the console) only decides how a screen is drawn: inline keyboards
there, numbered lines here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from bot.engine.contacts import ContactCard
from bot.engine.events import (
    AskInput,
    Event,
    Handoff,
    Info,
    InvalidInput,
    Notice,
    NotUnderstood,
    Outcome,
    Question,
    RedFlag,
    Suggestions,
)
from bot.engine.inputs import Choose, Jump, Nav
from bot.engine.registry import Registry
from bot.engine.schema import InputNode
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.i18n.format import fill, format_value, short_date


@dataclass(frozen=True)
class Remind:
    """The 🔔 button under an answer: set a reminder for its deadline ``index`` (not an engine input)."""

    index: int


ButtonAction = Choose | Nav | Jump | Remind  # what a press does (an engine input's step is added when drawn)


@dataclass(frozen=True)
class Button:
    label: str
    action: ButtonAction


@dataclass(frozen=True)
class DatePicker:
    """A date question's calendar: the days it accepts (None: no limit that way), and today."""

    today: dt.date
    earliest: dt.date | None = None
    latest: dt.date | None = None

    def accepts(self, day: dt.date) -> bool:
        return (self.earliest is None or day >= self.earliest) and (self.latest is None or day <= self.latest)


@dataclass
class Screen:
    text: str
    options: list[Button] = field(default_factory=list)
    nav: list[Button] = field(default_factory=list)
    urgent: bool = False
    kind: Literal["message", "handoff", "outcome"] = "message"
    calendar: DatePicker | None = None  # a date is asked: a front end may offer a calendar


_NOTICES = {
    "flow_changed": texts.FLOW_CHANGED,
    "nothing_to_go_back": texts.NOTHING_TO_GO_BACK,
    "stale_button": texts.STALE_BUTTON,
    "reference_outdated": texts.REFERENCE_OUTDATED,
}

_REMIND_ME = {"stay_end": texts.REMIND_ME_STAY_END, "registration": texts.REMIND_ME_REGISTRATION,
              "permit_end": texts.REMIND_ME_PERMIT_END, "permit_payment": texts.REMIND_ME_PERMIT_PAYMENT}


class DateInputs:
    """The limits of each date question (its ``past_days`` and ``allow_future``), for calendars."""

    def __init__(self, registry: Registry, today: Callable[[], dt.date]):
        self.registry = registry
        self.today = today

    def picker(self, flow: str, node: str) -> DatePicker | None:
        found = self.registry.flows.get(flow)
        question = found.node(node) if found is not None else None
        if not isinstance(question, InputNode) or question.input != "date":
            return None
        today = self.today()
        earliest = today - dt.timedelta(days=question.past_days) if question.past_days else None
        return DatePicker(today, earliest, None if question.allow_future else today)


class Presenter:
    def __init__(self, contacts: dict[str, ContactCard], date_inputs: DateInputs | None = None):
        self.contacts = contacts
        self.date_inputs = date_inputs

    def screens(self, events: list[Event], tr: Translator, *, at_start: bool = False) -> list[Screen]:
        """Screens for ``events``; the last one carries the navigation buttons."""
        out: list[Screen] = []
        for ev in events:
            screen = self._screen(ev, tr)
            if screen is not None:
                out.append(screen)
        if out:
            out[-1].nav = self.nav(tr, at_start=at_start)
        return out

    def nav(self, tr: Translator, *, at_start: bool = False) -> list[Button]:
        buttons = [] if at_start else [Button(tr(texts.BACK), Nav("back"))]
        buttons.append(Button(tr(texts.MENU), Nav("menu")))
        buttons.append(Button(tr(texts.COUNSELLOR), Nav("counsellor")))
        return buttons

    def _screen(self, ev: Event, tr: Translator) -> Screen | None:
        if isinstance(ev, Question):
            return Screen(fill(tr(ev.text), ev.params, tr),
                          [Button(tr(label), Choose(i)) for i, label in enumerate(ev.options)])
        if isinstance(ev, AskInput):
            text = fill(tr(ev.text), ev.params, tr)
            picker = self.date_inputs.picker(ev.flow, ev.node) if self.date_inputs and ev.input == "date" else None
            return Screen(text, calendar=picker)
        if isinstance(ev, Info):
            return Screen(fill(tr(ev.text), ev.params, tr))
        if isinstance(ev, InvalidInput):
            return Screen(tr(ev.text))
        if isinstance(ev, NotUnderstood):
            return Screen(tr(texts.NOT_UNDERSTOOD_END if ev.at_end else texts.NOT_UNDERSTOOD))
        if isinstance(ev, Notice):
            return Screen(fill(tr(_NOTICES[ev.code]), {"year": str(ev.year)} if ev.year else {}, tr))
        if isinstance(ev, Outcome):
            parts = [fill(tr(ev.text), ev.params, tr), *self._cards(ev.contacts, tr),
                     *self._footer(ev.sources, ev.verified_on, tr)]
            remind = [Button(tr(_REMIND_ME.get(d.kind, texts.REMIND_ME_STAY_END)).format(
                date=short_date(d.date, tr.lang)), Remind(i)) for i, d in enumerate(ev.deadlines)]
            return Screen("\n\n".join(parts), remind, kind="outcome")
        if isinstance(ev, Handoff):
            parts = [fill(tr(ev.text), ev.params, tr), *self._cards(ev.contacts, tr),
                     *self._footer(ev.sources, ev.verified_on, tr)]
            return Screen("\n\n".join(parts), urgent=ev.urgency == "urgent", kind="handoff")
        if isinstance(ev, Suggestions):
            return Screen(tr(texts.SUGGEST), [Button(tr(title), Jump(flow))
                                              for flow, title in zip(ev.flows, ev.titles, strict=True)])
        if isinstance(ev, RedFlag):
            if ev.about == "legal":  # held, deported, banned, in court: rights first (brief J.2)
                parts = [tr(texts.RED_FLAG_LEGAL), *self._cards(("emergency",), tr)]
            else:
                parts = [tr(texts.RED_FLAG), *self._cards(("emergency", "helpline"), tr)]
            ask = Nav("counsellor_urgent" if ev.urgent else "counsellor")
            return Screen("\n\n".join(parts), [Button(tr(texts.COUNSELLOR), ask)], urgent=True)
        return None  # FlowStarted, CounsellorRequested: the front end acts on them, nothing to show

    @staticmethod
    def _footer(sources: tuple[str, ...], verified_on: dt.date | None, tr: Translator) -> list[str]:
        if not sources or verified_on is None:
            return []
        listed = "\n".join(f"• {s}" for s in sources)
        checked = fill(tr(texts.CHECKED_ON), {"date": verified_on}, tr)
        return [f"{checked}\n{tr(texts.SOURCES)}\n{listed}", tr(texts.RULES_CHANGE)]

    def cards(self, names: tuple[str, ...], tr: Translator) -> list[str]:
        """Contact cards as text blocks, in the reader's language."""
        return self._cards(names, tr)

    def _cards(self, names: tuple[str, ...], tr: Translator) -> list[str]:
        out = []
        for name in names:
            card = self.contacts.get(name)
            if card is None:
                continue
            lines = [tr(card.title)]
            for line in card.lines:
                if line.number:
                    lines.append("☎ " + fill(tr(texts.CALL), {"number": line.number, "text": tr(line.text)}, tr))
                else:
                    lines.append("• " + tr(line.text))
            out.append("\n".join(lines))
        return out


__all__ = ["Button", "Presenter", "Screen", "format_value"]
