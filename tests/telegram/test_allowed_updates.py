"""Polling and the webhook ask Telegram for the same updates: exactly the ones the routers handle."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.engine.clock import Clock
from bot.telegram.app import build_app
from bot.telegram.intake.polling import ALLOWED_UPDATES

from .conftest import TODAY


async def test_the_one_list_of_updates_is_what_the_routers_handle(tmp_path: Path) -> None:
    settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
                        database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", data_dir=tmp_path,
                        pseudonym_secret="test-secret-of-enough-length", counsellor_chat_id=-1001234567890,
                        _env_file=None)  # type: ignore[call-arg]
    app = await build_app(settings, Clock.fixed(TODAY))
    try:
        assert sorted(ALLOWED_UPDATES) == sorted(app.dispatcher.resolve_used_update_types())
    finally:
        await app.close()
