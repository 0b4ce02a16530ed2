from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fakegram import FakeTelegram

from .harness import TOKEN, BotProcess


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(tg.base_url, tmp_path)
    yield process
    if process.proc is not None and process.proc.poll() is None:
        process.kill()
