"""Only members of the counsellors' group act on cases; anonymous admins are refused.

Membership is asked of Telegram (getChatMember) and remembered for a few minutes, so a
counsellor removed from the group loses access soon after.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.i18n import texts
from bot.i18n.catalogs import Translator

MEMBER_STATUSES = {"creator", "administrator", "member"}
CACHE_SECONDS = 300.0


class CounsellorsOnly(BaseMiddleware):
    def __init__(self, group_id: int, tr: Translator):
        self.group_id = group_id
        self.tr = tr
        self._members: dict[int, tuple[bool, float]] = {}

    async def is_member(self, bot: Bot, user_id: int) -> bool:
        cached = self._members.get(user_id)
        if cached and time.monotonic() - cached[1] < CACHE_SECONDS:
            return cached[0]
        try:
            member = await bot.get_chat_member(self.group_id, user_id)
            allowed = member.status in MEMBER_STATUSES
        except TelegramBadRequest:
            allowed = False
        self._members[user_id] = (allowed, time.monotonic())
        return allowed

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        bot: Bot = data["bot"]
        if isinstance(event, Message):
            anonymous = event.sender_chat is not None  # an anonymous admin, or a channel
            if anonymous or event.from_user is None or not await self.is_member(bot, event.from_user.id):
                if event.message_thread_id is not None or (event.text or "").startswith("/"):
                    await event.reply(self.tr(texts.COUNSELLORS_ONLY))
                return None
        elif isinstance(event, CallbackQuery) and not await self.is_member(bot, event.from_user.id):
            await event.answer(self.tr(texts.COUNSELLORS_ONLY), show_alert=True)
            return None
        return await handler(event, data)
