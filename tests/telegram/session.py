"""An in-process aiogram session that records every request and answers like Telegram would."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncGenerator
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendMessage,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message, User

BOT_USER = User(id=42, is_bot=True, first_name="Jol", username="jol_test_bot")


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self._ids = itertools.count(1000)
        self._markup_before_clear: Any = None

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None) -> Any:
        self.requests.append(method)
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, SendMessage):
            chat_id = int(method.chat_id)
            return Message(message_id=next(self._ids), date=dt.datetime.now(dt.UTC),
                           chat=Chat(id=chat_id, type="private"), from_user=BOT_USER, text=method.text,
                           reply_markup=method.reply_markup)
        if isinstance(method, (EditMessageText, EditMessageReplyMarkup, AnswerCallbackQuery, SetMyCommands,
                               DeleteWebhook)):
            return True
        return True

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None

    # -- what tests look at ---------------------------------------------------------------
    def sent(self) -> list[SendMessage]:
        return [r for r in self.requests if isinstance(r, SendMessage)]

    def texts(self) -> list[str]:
        """Texts the migrant saw: new messages and edits, in order."""
        return [r.text for r in self.requests if isinstance(r, (SendMessage, EditMessageText))]

    def last_markup(self) -> Any:
        for r in reversed(self.requests):
            if isinstance(r, (SendMessage, EditMessageText)) and r.reply_markup is not None:
                return r.reply_markup
        return self._markup_before_clear

    def clear(self) -> None:
        self._markup_before_clear = self.last_markup()
        self.requests.clear()
