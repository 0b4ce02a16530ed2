"""Formatting values for a reader's locale (Babel): amounts, dates, numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_currency_symbol, get_currency_unit_pattern

from bot.engine.compute import Days, DaysFromToday, Hours, Money, Percent
from bot.i18n.catalogs import Translator
from bot.i18n.texts import DAYS, DAYS_AGO, IN_DAYS, TODAY, TOMORROW, WAIT_HOURS, YESTERDAY


def babel_locale(lang: str) -> str:
    return "uz_Latn" if lang == "uz" else lang


def _relative_day(days: int, lang: str, tr: Translator | None) -> str:
    """'today', 'tomorrow', 'yesterday', 'in 5 days', '3 days ago', in the reader's language."""
    named = {0: TODAY, 1: TOMORROW, -1: YESTERDAY}.get(days)
    if named is not None:
        return tr(named) if tr else named
    forms = IN_DAYS if days > 0 else DAYS_AGO
    count = abs(days)
    template = tr.ngettext(forms[0], forms[1], count) if tr else forms[0] if count == 1 else forms[1]
    return template.format(count=format_decimal(count, locale=babel_locale(lang)))


def format_value(value: Any, lang: str, tr: Translator | None = None) -> str:
    loc = babel_locale(lang)
    if isinstance(value, DaysFromToday):
        return _relative_day(int(value), lang, tr)
    if isinstance(value, (Days, Hours)):
        forms = DAYS if isinstance(value, Days) else WAIT_HOURS
        count = format_decimal(int(value), locale=loc)
        template = tr.ngettext(forms[0], forms[1], int(value)) if tr else (forms[0] if value == 1 else forms[1])
        return template.format(count=count)
    if isinstance(value, Money):
        return format_money(value.amount, value.currency, loc)
    if isinstance(value, Percent):
        return format_percent(value.value / 100, locale=loc, decimal_quantization=False)
    if isinstance(value, Decimal):
        return format_decimal(value, locale=loc, decimal_quantization=False)
    if isinstance(value, dt.date):
        return format_date(value, format="long", locale=loc)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return format_decimal(value, locale=loc)
    return str(value)


# The sign people see on price tags and receipts in Kazakhstan; CLDR's symbol for most locales
# is the code "KZT", and its English pattern puts it in front ("KZT17,300").
CURRENCY_SIGNS = {"KZT": "₸"}


def format_money(amount: int, currency: str, loc: str) -> str:
    """Whole amounts as the locale writes a count of a currency: "17 300 ₸", "17,300 ₸".

    The number and the order of number and unit are Babel's (CLDR's unit pattern); the amounts
    are whole, and "17 300 ₸" reads better than "17 300,00 ₸". A no-break space keeps them on
    one line.
    """
    number = format_decimal(amount, locale=loc)
    sign = CURRENCY_SIGNS.get(currency) or get_currency_symbol(currency, locale=loc)
    pattern = get_currency_unit_pattern(currency, count=amount, locale=loc)
    return pattern.replace(" ", "\xa0").format(number, sign)


def short_date(value: dt.date, lang: str) -> str:
    """A date as Kazakh papers print it and as people type it here (31.12.2026): for buttons."""
    return format_date(value, format="dd.MM.yyyy", locale=babel_locale(lang))


def fill(template: str, params: dict[str, Any], tr: Translator) -> str:
    """Fill a translated template's placeholders with values formatted for the reader.

    A value that ends in a full stop (a Russian date: "9 декабря 2026 г.") takes the place of the
    sentence's own full stop, so no text ends in "г..".
    """
    if not params:
        return template
    values = {k: format_value(v, tr.lang, tr) for k, v in params.items()}
    for name, shown in values.items():
        if shown.endswith("."):
            template = template.replace(f"{{{name}}}.", f"{{{name}}}")
    return template.format(**values)
