"""Who is writing, in which language: one per-update context for the handlers.

The Telegram id is turned into a keyed pseudonym here and goes no further into the services or
the database. Handlers of private chats take one ``ctx: UpdateContext``; the others still find
``key``, ``lang`` and ``tr`` by name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Chat, TelegramObject, Update, User

from bot.conversation.service import ConversationService
from bot.i18n.catalogs import Catalogs, Translator
from bot.i18n.languages import from_telegram
from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.fsm_storage import STORED_LANGUAGE


@dataclass(frozen=True)
class UpdateContext:
    """The update in hand: who (a pseudonym), where, in which language, and aiogram's FSM for them."""

    key: str
    lang: str
    tr: Translator
    known: bool  # has a conversation (not new, not erased)
    chat_id: int
    fsm: FSMContext
    update_id: int
    pressed_message_id: int | None = None  # the message whose button was pressed
    superseded: bool = False  # a later update of the same person is already waiting


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
            stored = data[STORED_LANGUAGE] if STORED_LANGUAGE in data else await self.conversations.language(key)
            lang = stored or from_telegram(user.language_code, self.languages)
            tr = self.catalogs.get(lang)
            data["key"], data["lang"], data["tr"] = key, lang, tr
            fsm: FSMContext | None = data.get("state")
            if fsm is not None and isinstance(event, Update):
                chat: Chat | None = data.get("event_chat")
                query = event.callback_query
                pressed = query.message.message_id if query is not None and query.message is not None else None
                data["ctx"] = UpdateContext(key, lang, tr, stored is not None, chat.id if chat else user.id, fsm,
                                            event.update_id, pressed, bool(data.get("superseded")))
        return await handler(event, data)
