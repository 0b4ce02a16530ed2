"""Button payloads. Packed by aiogram's CallbackData, always far below Telegram's 64 bytes.

The migrant's buttons carry the engine's own inputs: ``Pick`` is a ``Choose``, ``Go`` a ``Nav``,
``OpenFlow`` a ``Jump``, each with the step of the message it was pressed on. The prefixes are
what Telegram stores in buttons already sent: never change them.
"""

from __future__ import annotations

from dataclasses import replace

from aiogram.filters.callback_data import CallbackData

from bot.counselling.actions import CaseAction as CaseActionName
from bot.engine.inputs import Choose, Jump, Nav, NavAction


class Pick(CallbackData, prefix="o"):
    """An option of the current question, pressed on the message shown at ``step``."""

    index: int
    step: int

    def to_input(self) -> Choose:
        return Choose(self.index, self.step)


class Go(CallbackData, prefix="n"):
    """Navigation: back, menu, restart or counsellor."""

    action: NavAction
    step: int

    def to_input(self) -> Nav:
        return Nav(self.action, self.step)


class OpenFlow(CallbackData, prefix="t"):
    """A flow suggested by search."""

    flow: str
    step: int

    def to_input(self) -> Jump:
        return Jump(self.flow, self.step)


EngineButton = Pick | Go | OpenFlow


def engine_button(inp: Choose | Nav | Jump, step: int) -> EngineButton:
    """The payload of a button that sends ``inp``, pressed on the message shown at ``step``."""
    inp = replace(inp, step=step)
    if isinstance(inp, Choose):
        return Pick(index=inp.index, step=step)
    if isinstance(inp, Nav):
        return Go(action=inp.action, step=step)
    return OpenFlow(flow=inp.flow, step=step)


class PickDate(CallbackData, prefix="d"):
    """A day pressed on a date question's calendar (``day`` as YYYYMMDD), on the message shown at ``step``."""

    day: str
    step: int


class CalendarPage(CallbackData, prefix="m"):
    """Another month of a calendar (YYYYMM); the limits (YYYYMMDD or empty) and today travel along."""

    month: str
    earliest: str
    latest: str
    today: str
    step: int


class Inert(CallbackData, prefix="x"):
    """A calendar cell that does nothing (a weekday name, a day outside the question's limits)."""

    cell: str = ""


class SetLanguage(CallbackData, prefix="l"):
    lang: str


class Consent(CallbackData, prefix="c"):
    """The privacy notice: ``counted`` is False for 'do not count me'."""

    counted: bool


class Forget(CallbackData, prefix="f"):
    """The answer to "erase everything?", bound to the question that asked by ``asked`` (a one-time
    code kept with the person's FSM data): a forged ``f:1`` cannot skip the question."""

    confirm: bool
    asked: str = ""


class CaseConsent(CallbackData, prefix="s"):
    """The migrant's answer to "connect you with a counsellor?"."""

    yes: bool


class Rate(CallbackData, prefix="r"):
    """The migrant's 1-5 rating after a case is closed."""

    case_id: int
    stars: int


class CaseAction(CallbackData, prefix="k"):
    """A counsellor's button on a case summary: claim, close, reopen, canned or hotlines."""

    action: CaseActionName
    case_id: int


class Canned(CallbackData, prefix="q"):
    case_id: int
    key: str


class DaysPick(CallbackData, prefix="d"):
    """/days in the counsellors' group: a citizenship code, or "count"."""

    value: str


class RemindOffer(CallbackData, prefix="mo"):
    """🔔 under an answer: deadline ``index`` of the answer shown at ``step``."""

    index: int
    step: int


class RemindSet(CallbackData, prefix="mr"):
    """When to be reminded: ``choice`` of ``bot.conversation.reminders.CHOICES``."""

    index: int
    step: int
    choice: int


class RemindTopic(CallbackData, prefix="mt"):
    """On a reminder: open its topic again."""

    flow: str


class RemindStop(CallbackData, prefix="ms"):
    """On a reminder: done, stop reminding of this deadline (``day`` as 20261224)."""

    kind: str
    day: int


class RemindCounsellor(CallbackData, prefix="mc"):
    """On a reminder: talk to a counsellor about it."""

    flow: str


class RemindCancel(CallbackData, prefix="mx"):
    """In /reminders: cancel the reminders of one deadline."""

    kind: str
    day: int
