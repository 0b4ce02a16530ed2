"""Formatting values for a reader's locale (Babel): amounts, dates, numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from bot.engine.compute import Days, Hours, Money
from bot.i18n.catalogs import Translator
from bot.i18n.texts import DAYS, WAIT_HOURS


def babel_locale(lang: str) -> str:
    return "uz_Latn" if lang == "uz" else lang


def format_value(value: Any, lang: str, tr: Translator | None = None) -> str:
    loc = babel_locale(lang)
    if isinstance(value, (Days, Hours)):
        forms = DAYS if isinstance(value, Days) else WAIT_HOURS
        count = format_decimal(int(value), locale=loc)
        template = tr.ngettext(forms[0], forms[1], int(value)) if tr else (forms[0] if value == 1 else forms[1])
        return template.format(count=count)
    if isinstance(value, Money):
        # Whole tenge: the official values are whole, and "17 300 ₸" reads better than "17 300,00 ₸".
        pattern = Locale.parse(loc).currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
        return format_currency(value.amount, value.currency, format=pattern, locale=loc, currency_digits=False)
    if isinstance(value, dt.date):
        return format_date(value, format="long", locale=loc)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return format_decimal(value, locale=loc)
    return str(value)


def fill(template: str, params: dict[str, Any], tr: Translator) -> str:
    """Fill a translated template's placeholders with values formatted for the reader."""
    if not params:
        return template
    return template.format(**{k: format_value(v, tr.lang, tr) for k, v in params.items()})
