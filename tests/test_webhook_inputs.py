"""Webhook bodies that used to crash the handler get a 400 and a log line without personal data,
and slow connections are cut off."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.intake.inbox import Inbox
from bot.telegram.intake.webhook import SECRET_HEADER, server_limits, webhook_app
from bot.telegram.intake.worker import UpdateWorker
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork

SECRET = "webhook-secret"
PRIVATE = ('"from": {"id": 424242, "is_bot": false, "first_name": "Secretname"}, '
           '"chat": {"id": 424242, "type": "private"}')


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/w.sqlite")
    await upgrade(engine)
    inbox = Inbox(UnitsOfWork.over(engine), Pseudonymizer(b"0123456789abcdef0123"))
    worker = UpdateWorker(inbox, lambda payload: asyncio.sleep(0))
    server = TestServer(webhook_app(inbox, worker, SECRET, "/telegram"))
    await server.start_server(**server_limits(header_timeout=0.5))  # as run.py's AppRunner gets them
    async with TestClient(server) as test_client:
        yield test_client
    await engine.dispose()


BODIES = {
    "update_id 2^70": f'{{"update_id": {2 ** 70}, "message": {{"message_id": 1, "date": 1, {PRIVATE}, "text": "hi"}}}}',
    "nested 200,000 deep": '{"update_id": 5, "message": ' + "[" * 200_000 + "]" * 200_000 + "}",
    "from.id abc": '{"update_id": 6, "message": {"message_id": 1, "date": 1, "from": {"id": "abc", "first_name": '
                   '"Secretname"}, "chat": {"id": 424242, "type": "private"}, "text": "hi"}}',
    "lone surrogate": f'{{"update_id": 7, "message": {{"message_id": 1, "date": 1, {PRIVATE}, "text": "hi \\ud800"}}}}',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
async def test_a_malformed_update_gets_400_and_a_log_line_without_personal_data(
        client: TestClient, body: str, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[type-arg]
    with caplog.at_level(logging.WARNING):
        response = await client.post("/telegram", data=body, headers={SECRET_HEADER: SECRET})
    assert response.status == 400
    assert "rejected" in caplog.text
    assert "424242" not in caplog.text and "Secretname" not in caplog.text and "Traceback" not in caplog.text


async def test_a_connection_that_never_finishes_its_headers_is_closed(client: TestClient) -> None:  # type: ignore[type-arg]
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(b"POST /telegram HTTP/1.1\r\nHost: x\r\n")  # ... and nothing more, like a slowloris
    await writer.drain()
    closed = await asyncio.wait_for(reader.read(), timeout=5)
    assert closed == b""
    writer.close()
