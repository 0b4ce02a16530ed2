"""One update at a time per person, with locks that are dropped when nobody waits on them.

aiogram's SimpleEventIsolation keeps a lock for every user it has ever seen; this one frees a
lock as soon as its last holder leaves, so memory stays flat with many users.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: dict[object, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: object) -> AsyncGenerator[None, None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class PerUserIsolation(BaseEventIsolation):
    def __init__(self) -> None:
        self.locks = KeyedLocks()

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with self.locks.hold((key.bot_id, key.chat_id, key.user_id, key.thread_id)):
            yield

    async def close(self) -> None:
        return None
