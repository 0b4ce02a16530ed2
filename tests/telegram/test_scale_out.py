"""The same bot on PostgreSQL and Redis, as when one machine is not enough."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.config import Settings
from bot.engine.clock import Clock
from bot.telegram.app import build_app
from tests.services import postgres_database, redis_database

from .conftest import TODAY, Migrant
from .session import RecordingSession


async def test_a_conversation_on_postgresql_and_redis(tmp_path: Path) -> None:
    async with postgres_database() as pg_url, redis_database() as redis_url:
        settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz", database_url=pg_url,
                            redis_url=redis_url, data_dir=tmp_path, pseudonym_secret="test-secret-of-enough-length",
                            chat_key="0f" * 32, _env_file=None)  # type: ignore[call-arg]
        app = await build_app(settings, Clock.fixed(TODAY))
        session = RecordingSession()
        app.bot.session = session
        try:
            m = Migrant(app, session, language_code="en")
            await m.send("/start")
            await m.press_button("English")  # kept in Redis until the privacy notice is answered
            await m.press_button("OK, continue")
            await m.press_button("No")
            await m.press_button("I work or live in Kazakhstan")
            first = await m.press_button("Work permit")
            assert session.texts()[-1] == "Which country's passport do you have?"
            before = len(session.requests)
            await m.update({k: v for k, v in first.items() if k != "update_id"}, update_id=first["update_id"])
            assert len(session.requests) == before  # the inbox on PostgreSQL ignores the redelivery
            async with app.runtime.db_engine.connect() as conn:
                assert (await conn.execute(text("select count(*) from conversations"))).scalar_one() == 1
        finally:
            await app.close()
