"""Answer every button press first, so the phone stops its spinner even if handling takes time.

"Query is too old" (the press was long ago, e.g. after a restart) is expected and harmless: the
press is still handled. Other errors reach the caller.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, TelegramObject


class AnswerFirstMiddleware(BaseMiddleware):
    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, CallbackQuery):
            try:
                await event.answer()
            except TelegramBadRequest as exc:
                if "query is too old" not in exc.message and "query ID is invalid" not in exc.message:
                    raise
        return await handler(event, data)
