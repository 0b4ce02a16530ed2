"""Screens -> Telegram messages: plain text split at Telegram's limit, keyboards for narrow phones.

Messages are sent as plain text (no parse mode), so nothing a migrant or a translator writes can
break the formatting or inject markup. Options get one row each; navigation sits below them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation.screens import Screen
from bot.engine.inputs import Nav
from bot.telegram.callbacks import engine_button

MESSAGE_LIMIT = 4096
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


def keyboard(screen: Screen, step: int) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    for button in screen.options:
        rows.append([InlineKeyboardButton(text=button.label, callback_data=engine_button(button.action, step).pack())])
    nav = [(b.action == Nav("counsellor"), InlineKeyboardButton(text=b.label,
                                                               callback_data=engine_button(b.action, step).pack()))
           for b in screen.nav]
    counsellor = [b for is_counsellor, b in nav if is_counsellor]
    others = [b for is_counsellor, b in nav if not is_counsellor]
    if others:
        rows.append(others)
    if counsellor:
        rows.append(counsellor)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def to_messages(screens: list[Screen], step: int) -> list[Outgoing]:
    out: list[Outgoing] = []
    for screen in screens:
        prefix = "‼️ " if screen.urgent else ""
        chunks = split_text(prefix + screen.text) if (screen.text or screen.options or screen.nav) else []
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            out.append(Outgoing(chunk, keyboard(screen, step) if last else None,
                                editable=len(chunks) == 1 and bool(screen.options)))
    return out


def _benign(exc: TelegramBadRequest) -> bool:
    return "message is not modified" in exc.message or "query is too old" in exc.message


async def deliver(bot: Bot, chat_id: int, messages: list[Outgoing], *, pressed_message_id: int | None = None) -> None:
    """Send ``messages``; after a button press, edit the pressed message where that reads better."""
    if pressed_message_id is not None:
        first = messages[0] if messages else None
        if first is not None and len(messages) == 1 and first.editable:
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
