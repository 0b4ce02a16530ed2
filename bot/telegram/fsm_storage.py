"""aiogram FSM storage in the database (SQLite by default, PostgreSQL alike).

Keys are pseudonymised like everything else, so the table never holds a Telegram id. Each call
is its own short transaction.

aiogram reads the FSM state of every update before its handlers run, and the context middleware
then reads the person's language from their conversation: two transactions for two small rows.
``ConversationFsmMiddleware`` (aiogram's FSM middleware, in the Dispatcher's place) reads both in
one transaction, under the same per-person lock, and hands the language on as ``STORED_LANGUAGE``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, cast

from aiogram import Bot
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from aiogram.types import TelegramObject

from bot.privacy.pseudonyms import Pseudonymizer
from db.unit_of_work import UnitsOfWork


class SQLStorage(BaseStorage):
    def __init__(self, unit_of_work: UnitsOfWork, pseudonymize: Pseudonymizer):
        self.unit_of_work = unit_of_work
        self.pseudonymize = pseudonymize

    def _key(self, key: StorageKey) -> str:
        return self.pseudonymize("fsm", key.bot_id, key.chat_id, key.user_id, key.thread_id or "",
                                 key.business_connection_id or "", key.destiny)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self.unit_of_work() as uow:
            await uow.fsm.set_state(self._key(key), value)

    async def state_and_language(self, key: StorageKey) -> tuple[str | None, str | None]:
        """The FSM state and the language of the person's conversation (None if they have none)."""
        async with self.unit_of_work() as uow:
            row = await uow.fsm.get(self._key(key))
            conversation = await uow.conversations.get(self.pseudonymize.user(key.user_id))
            return (row.state if row else None), (conversation.lang if conversation else None)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self.unit_of_work() as uow:
            row = await uow.fsm.get(self._key(key))
            return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self.unit_of_work() as uow:
            await uow.fsm.set_data(self._key(key), json.dumps(dict(data), ensure_ascii=False))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self.unit_of_work() as uow:
            row = await uow.fsm.get(self._key(key))
            if row is None:
                return {}
            loaded = json.loads(row.data or "{}")
            return loaded if isinstance(loaded, dict) else {}

    async def close(self) -> None:
        return None


STORED_LANGUAGE = "stored_language"  # data key: the conversation's language, None when there is none


class ConversationFsmMiddleware(FSMContextMiddleware):
    """aiogram's FSM middleware, reading the FSM state and the conversation's language at once."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        storage = self.storage
        if not isinstance(storage, SQLStorage):
            return await super().__call__(handler, event, data)
        context = self.resolve_event_context(cast(Bot, data["bot"]), data)
        data["fsm_storage"] = storage
        if context is None:
            return await handler(event, data)
        async with self.events_isolation.lock(key=context.key):  # loaded under the lock, as aiogram does
            state, language = await storage.state_and_language(context.key)
            data.update({"state": context, "raw_state": state, STORED_LANGUAGE: language})
            return await handler(event, data)
