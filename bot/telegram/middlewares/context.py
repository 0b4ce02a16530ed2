"""Who is writing, in which language: a pseudonymous key, the language and its translator.

Handlers receive ``key``, ``lang`` and ``tr`` by name. The Telegram id is turned into a keyed
pseudonym here and goes no further into the services or the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from bot.conversation.service import ConversationService
from bot.i18n.catalogs import Catalogs
from bot.i18n.languages import from_telegram
from bot.privacy.pseudonyms import Pseudonymizer


class ContextMiddleware(BaseMiddleware):
    def __init__(self, conversations: ConversationService, catalogs: Catalogs, pseudonymize: Pseudonymizer,
                 languages: list[str]):
        self.conversations = conversations
        self.catalogs = catalogs
        self.pseudonymize = pseudonymize
        self.languages = languages

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is not None:
            key = self.pseudonymize.user(user.id)
            stored = await self.conversations.language(key)
            lang = stored or from_telegram(user.language_code, self.languages)
            data["key"], data["lang"], data["tr"] = key, lang, self.catalogs.get(lang)
            data["known"] = stored is not None  # has a conversation (not new, not erased)
        return await handler(event, data)
