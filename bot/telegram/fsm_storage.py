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
