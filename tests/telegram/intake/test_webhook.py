"""The webhook app on its own, with the fake Bot API as Telegram: only Telegram (the secret) gets in,
an update is answered 200 only once it is stored, and whatever is not stored is answered so that
Telegram sends it again. (Malformed bodies and slow connections: tests/test_webhook_inputs.py.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.intake.inbox import Inbox
from bot.telegram.intake.webhook import SECRET_HEADER, webhook_app
from bot.telegram.intake.worker import UpdateWorker
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork
from fakegram import FakeTelegram

SECRET = "webhook-secret_1"


@dataclass
class Hook:
    tg: FakeTelegram
    http: TestClient  # type: ignore[type-arg]
    inbox: Inbox
    url: str

    async def stored(self) -> list[int]:
        async with self.inbox.unit_of_work.sessions() as session:
            rows = await session.execute(text("select update_id from inbox order by update_id"))
            return [row[0] for row in rows]

    def update(self, words: str = "hello") -> dict[str, Any]:
        return self.tg.push_message(self.tg.user(7101), words)

    async def deliver(self, update: dict[str, Any], **secret: Any) -> int:
        """Telegram POSTs the update to the webhook (with the right secret unless told otherwise)."""
        return await self.tg.deliver_webhook(update, url=self.url, **({"secret_token": SECRET} | secret))


@pytest.fixture
async def hook(tmp_path: Path) -> AsyncIterator[Hook]:
    engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/w.sqlite")
    await upgrade(engine)
    inbox = Inbox(UnitsOfWork.over(engine), Pseudonymizer(b"0123456789abcdef0123"))
    worker = UpdateWorker(inbox, lambda payload: asyncio.sleep(0))
    async with FakeTelegram() as tg, TestClient(TestServer(webhook_app(inbox, worker, SECRET, "/telegram"))) as http:
        yield Hook(tg, http, inbox, str(http.make_url("/telegram")))
    await engine.dispose()


async def test_a_request_without_the_secret_is_refused_and_nothing_is_kept(hook: Hook) -> None:
    update = hook.update("a forged update")
    assert await hook.deliver(update, secret_token="wrong-secret") == 401
    assert await hook.deliver(update, secret_token=None) == 401  # no header at all
    assert await hook.stored() == []
    assert update["update_id"] not in hook.tg.confirmed_ids  # Telegram keeps it for a real delivery


async def test_an_update_is_answered_200_once_it_is_stored(hook: Hook, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Inbox.store_new

    async def slow_database(self: Inbox, raws: list[dict[str, Any]], **kwargs: Any) -> Any:
        await asyncio.sleep(0.3)  # an answer sent before the row is committed would be caught
        return await store(self, raws, **kwargs)

    monkeypatch.setattr(Inbox, "store_new", slow_database)
    update = hook.update()
    assert await hook.deliver(update) == 200
    assert await hook.stored() == [update["update_id"]]
    assert update["update_id"] in hook.tg.confirmed_ids


async def test_an_update_delivered_twice_is_kept_once(hook: Hook) -> None:
    update = hook.update()
    assert await hook.deliver(update) == 200
    assert await hook.deliver(update) == 200  # Telegram did not see the first answer and sent it again
    assert await hook.stored() == [update["update_id"]]


async def test_an_update_that_cannot_be_stored_gets_a_500_and_is_kept_when_sent_again(
        hook: Hook, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Inbox.store_new

    async def database_away_once(self: Inbox, raws: list[dict[str, Any]], **kwargs: Any) -> Any:
        monkeypatch.setattr(Inbox, "store_new", store)
        raise OperationalError("insert", {}, Exception("database is locked"))

    monkeypatch.setattr(Inbox, "store_new", database_away_once)
    update = hook.update()
    assert await hook.deliver(update) == 500
    assert update["update_id"] not in hook.tg.confirmed_ids and await hook.stored() == []
    assert await hook.deliver(update) == 200
    assert await hook.stored() == [update["update_id"]]


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"message": {"text": "no update_id"}}'],
                         ids=["not JSON", "not an object", "no update_id"])
async def test_a_body_that_is_not_an_update_gets_400_and_nothing_is_kept(hook: Hook, body: str) -> None:
    response = await hook.http.post("/telegram", data=body, headers={SECRET_HEADER: SECRET})
    assert response.status == 400
    assert await hook.stored() == []
