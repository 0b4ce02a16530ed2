"""``/days`` in the counsellors' group: count days of stay with the stay flow's calculator.

``/days uz 20.11.2026 01.06.2026-15.07.2026`` answers at once. ``/days`` alone walks the
counsellor through it: the citizenship (buttons), the last entry, then earlier visits one per
message, then "Count". While a walk waits for a date, only a message that is a date (or two)
is taken for it; anything else in a case topic is relayed to the migrant as usual.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.counselling.days import COUNTRY_NAMES, DaysInputError, describe, read_citizenship, read_date, read_visit
from bot.engine.clock import Clock
from bot.engine.stay_calc import StayInputError, Visit, calculate, check_history
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.telegram.callbacks import DaysPick

EXAMPLE = "/days uz 20.11.2026 01.06.2026-15.07.2026"
CODES = ", ".join(COUNTRY_NAMES)
_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}"
A_DATE = re.compile(rf"^\s*{_DATE}\s*$")
A_RANGE = re.compile(rf"^\s*{_DATE}\s*(?:-|–|—|\.\.|\s)\s*{_DATE}\s*$")


class DaysWalk(StatesGroup):
    citizenship = State()
    entry = State()
    visits = State()


def _count_button(tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=tr(texts.DAYS_COUNT),
                                                                      callback_data=DaysPick(value="count").pack())]])


def _result(citizenship: str, entry: dt.date, visits: list[Visit], today: dt.date, tr: Translator) -> str:
    return describe(calculate(citizenship, visits, entry, today), citizenship, entry, visits, today, tr)


async def start(message: Message, command: CommandObject, state: FSMContext, group_tr: Translator,
                clock: Clock) -> None:
    await state.clear()
    if command.args:  # everything at once
        parts = command.args.split()
        try:
            if len(parts) < 2:
                raise DaysInputError("too few parts")
            visits = [read_visit(p) for p in parts[2:]]
            text = _result(read_citizenship(parts[0]), read_date(parts[1], "the entry"), visits, clock.today(),
                           group_tr)
        except (DaysInputError, StayInputError):
            text = group_tr(texts.DAYS_BAD_COMMAND).format(example=EXAMPLE, codes=CODES)
        await message.reply(text)
        return
    await state.set_state(DaysWalk.citizenship)
    buttons = [[InlineKeyboardButton(text=group_tr(name), callback_data=DaysPick(value=code).pack())]
               for code, name in COUNTRY_NAMES.items()]
    await message.reply(group_tr(texts.DAYS_ASK_CITIZENSHIP).format(example=EXAMPLE),
                        reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons))


async def picked(query: CallbackQuery, callback_data: DaysPick, state: FSMContext, group_tr: Translator,
                 clock: Clock) -> None:
    await query.answer()
    data: dict[str, Any] = await state.get_data()
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        return
    current = await state.get_state()
    if callback_data.value == "count" and current == DaysWalk.visits.state:
        visits = [Visit(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in data.get("visits", [])]
        entry = dt.date.fromisoformat(data["entry"])
        await state.clear()
        await message.answer(_result(data["citizenship"], entry, visits, clock.today(), group_tr))
    elif callback_data.value in COUNTRY_NAMES and current == DaysWalk.citizenship.state:
        await state.update_data(citizenship=callback_data.value, visits=[])
        await state.set_state(DaysWalk.entry)
        await message.answer(group_tr(texts.DAYS_ASK_ENTRY))


async def entry(message: Message, state: FSMContext, group_tr: Translator, clock: Clock) -> None:
    day = read_date_or_none(message.text or "")
    if day is None or day > clock.today():
        await message.reply(group_tr(texts.DAYS_BAD_DATE))
        return
    await state.update_data(entry=day.isoformat())
    await state.set_state(DaysWalk.visits)
    await message.reply(group_tr(texts.DAYS_ASK_VISITS), reply_markup=_count_button(group_tr))


async def visit(message: Message, state: FSMContext, group_tr: Translator, clock: Clock) -> None:
    data: dict[str, Any] = await state.get_data()
    known = [Visit(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in data.get("visits", [])]
    try:
        new = read_visit(message.text or "")
        check_history([*known, new], dt.date.fromisoformat(data["entry"]), clock.today())
    except (DaysInputError, StayInputError):
        await message.reply(group_tr(texts.DAYS_BAD_VISIT), reply_markup=_count_button(group_tr))
        return
    await state.update_data(visits=[*data.get("visits", []), [new.entry.isoformat(), new.exit.isoformat()]])
    shown = f"{new.entry:%d.%m.%Y}-{new.exit:%d.%m.%Y}"
    await message.reply(group_tr(texts.DAYS_VISIT_ADDED).format(visit=shown), reply_markup=_count_button(group_tr))


def read_date_or_none(text: str) -> dt.date | None:
    try:
        return read_date(text, "the date")
    except DaysInputError:
        return None


def register(router: Router) -> None:
    """Add /days to the counsellors' router, before the relay (walk answers are not relayed)."""
    router.message.register(start, Command("days"))
    router.message.register(entry, StateFilter(DaysWalk.entry), F.text.regexp(A_DATE))
    router.message.register(visit, StateFilter(DaysWalk.visits), F.text.regexp(A_RANGE))
    router.callback_query.register(picked, DaysPick.filter())
