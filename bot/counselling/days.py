"""Counting days of stay for counsellors: reading what they type, and the answer in their language.

The counting itself is ``bot/engine/stay_calc.py``, the same code the stay flow uses; this module
only reads citizenship, dates and visits as counsellors write them (``/days`` in the group and
``python -m bot days``) and words the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.engine.compute import Days
from bot.engine.inputs import parse_date, parse_date_range
from bot.engine.stay_calc import EAEU, StayResult, Visit
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.i18n.format import fill

CITIZENSHIPS = ("uz", "tj", "kg", "ru", "by", "am", "other")  # what counsellors choose from
COUNTRY_NAMES = {"uz": texts.COUNTRY_UZ, "tj": texts.COUNTRY_TJ, "kg": texts.COUNTRY_KG, "ru": texts.COUNTRY_RU,
                 "by": texts.COUNTRY_BY, "am": texts.COUNTRY_AM, "other": texts.COUNTRY_OTHER}


class DaysInputError(ValueError):
    """What a counsellor typed cannot be read; the message says what is expected."""


def read_date(text: str, what: str) -> dt.date:
    day = parse_date(text)
    if day is None:
        raise DaysInputError(f"{what} must be a date like 25.11.2026, not {text!r}")
    return day


def read_visit(text: str) -> Visit:
    found = parse_date_range(text)
    if found is None:
        raise DaysInputError(f"a visit must be two dates like 01.06.2026-15.07.2026, not {text!r}")
    return Visit(*found)


def read_citizenship(text: str) -> str:
    code = text.strip().lower()
    if code not in CITIZENSHIPS:
        raise DaysInputError(f"citizenship must be one of {', '.join(CITIZENSHIPS)}, not {text!r}")
    return code


def describe(result: StayResult, citizenship: str, entry: dt.date, visits: Sequence[Visit], today: dt.date,
             tr: Translator) -> str:
    """The result for a counsellor, with the facts it was counted from."""
    lines = [fill(tr(texts.DAYS_RESULT_USED), {"days": Days(result.days_used), "today": today}, tr)]
    if result.last_day is not None:
        lines.append(fill(tr(texts.DAYS_RESULT_LAST_DAY), {"date": result.last_day}, tr))
    else:
        lines.append(fill(tr(texts.DAYS_RESULT_OVER), {"days": Days(result.days_over)}, tr))
    if citizenship in EAEU:
        lines.append(tr(texts.DAYS_RESULT_EAEU))
    elif result.last_day_without_registration is not None:
        lines.append(fill(tr(texts.DAYS_RESULT_UNREGISTERED), {"date": result.last_day_without_registration}, tr))
    listed = ", ".join(f"{v.entry:%d.%m.%Y}-{v.exit:%d.%m.%Y}" for v in sorted(visits)) or "—"
    lines.append(tr(texts.DAYS_RESULT_FROM).format(country=tr(COUNTRY_NAMES[citizenship]),
                                                   entry=f"{entry:%d.%m.%Y}", visits=listed))
    lines.append(tr(texts.DAYS_RESULT_HOW))
    return "\n".join(lines)
