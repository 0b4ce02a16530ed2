"""aiogram FSM storage in the database (SQLite by default, PostgreSQL alike).

Keys are pseudonymised like everything else, so the table never holds a Telegram id. Each call
is its own short transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.privacy.pseudonyms import Pseudonymizer
from db.repositories.conversations import FsmRepository


class SQLStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], pseudonymize: Pseudonymizer):
        self.sessions = sessions
        self.pseudonymize = pseudonymize

    def _key(self, key: StorageKey) -> str:
        return self.pseudonymize("fsm", key.bot_id, key.chat_id, key.user_id, key.thread_id or "",
                                 key.business_connection_id or "", key.destiny)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self.sessions() as session, session.begin():
            await FsmRepository(session).set_state(self._key(key), value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self.sessions() as session:
            row = await FsmRepository(session).get(self._key(key))
            return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self.sessions() as session, session.begin():
            await FsmRepository(session).set_data(self._key(key), json.dumps(dict(data), ensure_ascii=False))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self.sessions() as session:
            row = await FsmRepository(session).get(self._key(key))
            if row is None:
                return {}
            loaded = json.loads(row.data or "{}")
            return loaded if isinstance(loaded, dict) else {}

    async def close(self) -> None:
        return None
