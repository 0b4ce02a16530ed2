"""With Redis, aiogram's FSM keys name a pseudonym, never a Telegram id, and expire."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.engine.clock import Clock
from bot.telegram.app import build_app
from tests.services import redis_database

from .conftest import TODAY, Migrant
from .session import RecordingSession


async def test_fsm_keys_in_redis_are_pseudonymous_and_expire(tmp_path: Path) -> None:
    async with redis_database() as redis_url:
        settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
                            database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", redis_url=redis_url,
                            data_dir=tmp_path, pseudonym_secret="test-secret-of-enough-length",
                            _env_file=None)  # type: ignore[call-arg]
        app = await build_app(settings, Clock.fixed(TODAY))
        session = RecordingSession()
        app.bot.session = session
        try:
            m = Migrant(app, session, user_id=987654321, language_code="en")
            await m.send("/start")
            await m.press_button("English")  # the chosen language waits in the FSM data
            redis = app.dispatcher.storage.redis  # type: ignore[attr-defined]
            keys = [k.decode() for k in await redis.keys("*")]
            assert keys, "nothing stored in Redis"
            assert not [k for k in keys if "987654321" in k], keys
            assert all([await redis.ttl(k) > 0 for k in keys])
        finally:
            await app.close()


async def test_forget_erases_the_persons_fsm_keys_in_redis(tmp_path: Path) -> None:
    async with redis_database() as redis_url:
        settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
                            database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", redis_url=redis_url,
                            data_dir=tmp_path, pseudonym_secret="test-secret-of-enough-length",
                            _env_file=None)  # type: ignore[call-arg]
        app = await build_app(settings, Clock.fixed(TODAY))
        session = RecordingSession()
        app.bot.session = session
        try:
            m = Migrant(app, session, user_id=987654321, language_code="en")
            await m.send("/start")
            await m.press_button("English")
            await m.send("/forget")  # the question's token waits in the FSM data
            redis = app.dispatcher.storage.redis  # type: ignore[attr-defined]
            assert await redis.keys("fsm:*")
            await m.press_button("Yes, erase")
            assert "no longer keeps anything about you" in session.texts()[-1]
            assert await redis.keys("fsm:*") == []
        finally:
            await app.close()
