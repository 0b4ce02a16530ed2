"""The whole bot (polling, worker, sender, reminders) in the test's own event loop.

Faster than a subprocess, and the test can look at the bot's state; the subprocess harness is
for what only a real process shows (signals, crashes, a second instance).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.telegram.app import App, build_app
from bot.telegram.run import _serve
from fakegram import FakeTelegram

from .harness import TOKEN

GROUP_ID = -1001234567890


def settings(tg: FakeTelegram, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN, "bot_api_url": tg.base_url, "database_url": f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite",
        "data_dir": tmp_path, "pseudonym_secret": "in-process-secret-long-enough", "polling_timeout": 1,
        "counsellor_chat_id": GROUP_ID, "counsellor_language": "en", "working_hours": "00:00-23:59",
        "working_days": "mon,tue,wed,thu,fri,sat,sun", "shutdown_timeout": 5,
        # Telegram's limits, 20 times faster, so tests take seconds
        "rate_private_per_second": 20.0, "rate_group_per_minute": 400.0, "rate_global_per_second": 600.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def running(tg: FakeTelegram, tmp_path: Path, **overrides: Any) -> AsyncIterator[App]:
    app = await build_app(settings(tg, tmp_path, **overrides))
    stop = asyncio.Event()
    task = asyncio.create_task(_serve(app, webhook=False, stop=stop))
    try:
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await app.close()
