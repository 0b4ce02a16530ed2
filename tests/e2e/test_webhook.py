"""Webhook mode: the secret is required, checked on every request, and updates are kept."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from fakegram import FakeTelegram

from .harness import BotProcess, Person

pytestmark = pytest.mark.slow
SECRET = "s3cret_token-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def webhook_bot(tg: FakeTelegram, tmp_path: Path, **env: str) -> tuple[BotProcess, int]:
    port = free_port()
    settings = {"WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram", "WEBHOOK_SECRET": SECRET,
                "WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_PORT": str(port)}
    settings.update(env)
    return BotProcess(tg.base_url, tmp_path, **settings), port


async def test_webhook_refuses_to_start_without_a_secret(tg: FakeTelegram, tmp_path: Path) -> None:
    bot, _ = webhook_bot(tg, tmp_path, WEBHOOK_SECRET="")
    bot.start("--webhook")
    assert await bot.exited() == 2
    assert "WEBHOOK_SECRET is required" in bot.output()
    assert not tg.webhook_url


async def test_webhook_checks_the_secret_and_answers(tg: FakeTelegram, tmp_path: Path) -> None:
    bot, port = webhook_bot(tg, tmp_path)
    bot.start("--webhook")
    try:
        await tg.wait_for(lambda: bool(tg.webhook_url), 90, what="the webhook to be set")
        assert tg.webhook_secret == SECRET
        person = Person(tg, user_id=6001)
        update = person.send("/start")
        assert await tg.deliver_webhook(update, secret_token="wrong") == 401
        assert await tg.deliver_webhook(update, secret_token=None) == 401
        assert person.latest() is None  # nothing was handled
        assert await tg.deliver_webhook(update) == 200
        await person.expect("Choose your language")
        assert await tg.deliver_webhook(update) == 200  # Telegram sent it again: no second reply
        await asyncio.sleep(0.5)
        assert sum("Choose your language" in t for t in tg.texts(person.chat_id)) == 1
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            assert resp.status == 200
    finally:
        assert await bot.stop() == 0
