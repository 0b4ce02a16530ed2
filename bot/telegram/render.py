"""Screens -> Telegram messages: plain text split at Telegram's limit, keyboards for narrow phones.

Messages are sent as plain text (no parse mode), so nothing a migrant or a translator writes can
break the formatting or inject markup. Options get one row each; navigation sits below them. A
date question gets a calendar (a month a page, today in brackets, only the days it accepts);
typing the date works as before.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from babel import Locale
from babel.dates import format_date, get_day_names

from bot.conversation.screens import DatePicker, Remind, Screen
from bot.engine.inputs import Nav
from bot.telegram.callbacks import CalendarPage, Inert, PickDate, RemindOffer, engine_button

MESSAGE_LIMIT = 4096
BLANK = "\u2800"  # an empty-looking calendar cell: Telegram refuses a button whose text is blank
log = logging.getLogger("jol.render")


@dataclass
class Outgoing:
    text: str
    markup: InlineKeyboardMarkup | None = None
    editable: bool = False  # a question that may replace the message whose button was pressed


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at paragraph, then line, then word boundaries; never inside a word unless it must."""
    text = text.strip() or "…"
    chunks: list[str] = []
    while len(text) > limit:
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = text.rfind(sep, 0, limit)
            if cut > limit // 4:
                break
        if cut <= 0:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    chunks.append(text)
    return chunks


def _ymd(day: dt.date | None) -> str:
    return f"{day:%Y%m%d}" if day else ""


def parse_ymd(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date() if text else None
    except ValueError:
        return None


def _month_shift(month: dt.date, by: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + by
    return dt.date(index // 12, index % 12 + 1, 1)


def calendar_rows(picker: DatePicker, month: dt.date, lang: str, step: int) -> list[list[InlineKeyboardButton]]:
    """One month of ``picker``: arrows to the months it allows, weekday names, the days (today in
    brackets; days the question does not accept are inert dots). Names come from CLDR via Babel."""
    month = month.replace(day=1)
    locale = Locale.parse(lang)

    def inert(text: str, cell: str = "") -> InlineKeyboardButton:
        return InlineKeyboardButton(text=text, callback_data=Inert(cell=cell).pack())

    def page(to: dt.date, arrow: str) -> InlineKeyboardButton:
        data = CalendarPage(month=f"{to:%Y%m}", earliest=_ymd(picker.earliest), latest=_ymd(picker.latest),
                            today=_ymd(picker.today), step=step)
        return InlineKeyboardButton(text=arrow, callback_data=data.pack())

    before, after = _month_shift(month, -1), _month_shift(month, 1)
    can_back = picker.earliest is None or picker.earliest < month
    can_forward = picker.latest is None or picker.latest >= after
    title = format_date(month, "LLLL y", locale=locale)
    rows = [[page(before, "‹") if can_back else inert(BLANK), inert(title[:1].upper() + title[1:]),
             page(after, "›") if can_forward else inert(BLANK)]]
    names = get_day_names("abbreviated", context="stand-alone", locale=locale)
    rows.append([inert(names[i][:2]) for i in range(7)])
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        row = []
        for day in week:
            if day.month != month.month:
                row.append(inert(BLANK))
            elif not picker.accepts(day):
                row.append(inert("·"))
            else:
                label = f"[{day.day}]" if day == picker.today else str(day.day)
                row.append(InlineKeyboardButton(text=label, callback_data=PickDate(day=_ymd(day), step=step).pack()))
        rows.append(row)
    return rows


def keyboard(screen: Screen, step: int, lang: str = "en") -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    if screen.calendar is not None:
        rows += calendar_rows(screen.calendar, screen.calendar.today, lang, step)
    for button in screen.options:
        data = RemindOffer(index=button.action.index, step=step) if isinstance(button.action, Remind) \
            else engine_button(button.action, step)
        rows.append([InlineKeyboardButton(text=button.label, callback_data=data.pack())])
    nav = [(b.action == Nav("counsellor"), InlineKeyboardButton(
        text=b.label, callback_data=engine_button(b.action, step).pack()))  # type: ignore[arg-type]
           for b in screen.nav]
    counsellor = [b for is_counsellor, b in nav if is_counsellor]
    others = [b for is_counsellor, b in nav if not is_counsellor]
    if others:
        rows.append(others)
    if counsellor:
        rows.append(counsellor)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def to_messages(screens: list[Screen], step: int, lang: str = "en") -> list[Outgoing]:
    out: list[Outgoing] = []
    for screen in screens:
        prefix = "‼️ " if screen.urgent else ""
        chunks = split_text(prefix + screen.text) if (screen.text or screen.options or screen.nav) else []
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            out.append(Outgoing(chunk, keyboard(screen, step, lang) if last else None,
                                editable=len(chunks) == 1 and any(not isinstance(b.action, Remind)
                                                                  for b in screen.options)))
    return out


async def edit_markup(bot: Bot, chat_id: int, message_id: int, markup: InlineKeyboardMarkup) -> None:
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=markup)
    except TelegramBadRequest as exc:
        if not _benign(exc):
            log.info("could not turn the calendar's page: %s", exc.message)


def _benign(exc: TelegramBadRequest) -> bool:
    return "message is not modified" in exc.message or "query is too old" in exc.message


async def deliver(bot: Bot, chat_id: int, messages: list[Outgoing], *, pressed_message_id: int | None = None,
                  edit: bool = True) -> None:
    """Send ``messages``; after a button press, edit the pressed message where that reads better
    (with ``edit`` off, only take its buttons off)."""
    if pressed_message_id is not None:
        first = messages[0] if messages else None
        if edit and first is not None and len(messages) == 1 and first.editable:
            try:
                await bot.edit_message_text(text=first.text, chat_id=chat_id, message_id=pressed_message_id,
                                            reply_markup=first.markup)
                return
            except TelegramBadRequest as exc:
                if _benign(exc):
                    return
                log.info("could not edit in place (%s), sending a new message", exc.message)
        else:
            try:  # the old buttons go, so the chat reads as a transcript and old presses cannot happen
                await bot.edit_message_reply_markup(chat_id=chat_id, message_id=pressed_message_id, reply_markup=None)
            except TelegramBadRequest as exc:
                if not _benign(exc):
                    log.info("could not remove old buttons: %s", exc.message)
    for message in messages:
        await bot.send_message(chat_id=chat_id, text=message.text, reply_markup=message.markup)
