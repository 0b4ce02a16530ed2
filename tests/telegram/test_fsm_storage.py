"""aiogram's FSM state in our database: kept per person, under a pseudonym, never a Telegram id."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.fsm_storage import SQLStorage
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork

ANNA, BOLOT = 5550001, 5550002


def key(user: int) -> StorageKey:
    return StorageKey(bot_id=42, chat_id=user, user_id=user)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SQLStorage]:
    db_engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/f.sqlite")
    await upgrade(db_engine)
    yield SQLStorage(UnitsOfWork.over(db_engine), Pseudonymizer(b"0123456789abcdef0123"))
    await db_engine.dispose()


async def test_state_and_data_are_kept_per_person(storage: SQLStorage) -> None:
    await storage.set_state(key(ANNA), "waiting")
    await storage.set_data(key(ANNA), {"lang": "ky", "campaign": "OSH1"})
    assert await storage.get_state(key(ANNA)) == "waiting"
    assert await storage.get_data(key(ANNA)) == {"lang": "ky", "campaign": "OSH1"}
    assert await storage.get_state(key(BOLOT)) is None
    assert await storage.get_data(key(BOLOT)) == {}
    await storage.set_state(key(ANNA), None)
    assert await storage.get_state(key(ANNA)) is None
    assert await storage.get_data(key(ANNA)) == {"lang": "ky", "campaign": "OSH1"}


async def test_the_table_never_holds_a_telegram_id(storage: SQLStorage, tmp_path: Path) -> None:
    await storage.set_data(key(ANNA), {"lang": "ru"})
    with sqlite3.connect(tmp_path / "f.sqlite") as conn:
        dump = "\n".join(conn.iterdump())
    assert str(ANNA) not in dump
