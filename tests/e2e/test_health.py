"""Health and metrics of a running bot in polling mode, on the small HEALTH_PORT server."""

from __future__ import annotations

import socket
from pathlib import Path

import aiohttp
import pytest

from fakegram import FakeTelegram

from .harness import BotProcess, Person

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, await resp.text()


async def test_polling_bot_serves_health_and_metrics(tg: FakeTelegram, tmp_path: Path) -> None:
    port = free_port()
    bot = BotProcess(tg.base_url, tmp_path, HEALTH_PORT=str(port), LOG_FORMAT="json")
    bot.start()
    try:
        person = Person(tg, user_id=6101)
        person.send("/start")
        await person.expect("Choose your language", timeout=120)  # the start is slow on a busy machine
        person.press("English")
        await person.expect("never asks your name", timeout=30)
        base = f"http://127.0.0.1:{port}"
        assert (await get(base + "/healthz"))[0] == 200
        assert (await get(base + "/readyz"))[0] == 200
        status, text = await get(base + "/metrics")
        assert status == 200
        handled = next(line for line in text.splitlines() if line.startswith("jol_updates_handled_total "))
        assert float(handled.split()[1]) >= 2
        assert 'jol_background_tasks_alive{task="update worker"} 1.0' in text
    finally:
        assert await bot.stop(timeout=60) == 0
    assert '"level": "INFO"' in bot.output() and "is polling for updates" in bot.output()
