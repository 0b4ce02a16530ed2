"""Button payloads. Packed by aiogram's CallbackData, always far below Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class Pick(CallbackData, prefix="o"):
    """An option of the current question, pressed on the message shown at ``step``."""

    index: int
    step: int


class Go(CallbackData, prefix="n"):
    """Navigation: back, menu, restart or counsellor."""

    action: str
    step: int


class OpenFlow(CallbackData, prefix="t"):
    """A topic suggested by search."""

    flow: str
    step: int


class SetLanguage(CallbackData, prefix="l"):
    lang: str


class Consent(CallbackData, prefix="c"):
    """The privacy notice: ``counted`` is False for 'do not count me'."""

    counted: bool


class Forget(CallbackData, prefix="f"):
    confirm: bool


class CaseConsent(CallbackData, prefix="s"):
    """The migrant's answer to "connect you with a counsellor?"."""

    yes: bool


class Rate(CallbackData, prefix="r"):
    """The migrant's 1-5 rating after a case is closed (packed as r:<case>:<stars> by the service)."""

    case_id: int
    stars: int


class CaseAction(CallbackData, prefix="k"):
    """A counsellor's button on a case summary: claim, close, reopen, canned or hotlines."""

    action: str
    case_id: int


class Canned(CallbackData, prefix="q"):
    case_id: int
    key: str
