"""Privacy below Telegram: no token in the logs, keyed pseudonyms, idle conversations purged."""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path

from sqlalchemy import text

from bot.config import Settings
from bot.conversation.runtime import open_runtime
from bot.engine.clock import Clock
from bot.logs import RedactTokens
from bot.privacy.pseudonyms import Pseudonymizer
from tests.conftest import FIXED_TODAY


def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", data_dir=tmp_path,
                    _env_file=None)  # type: ignore[call-arg]


def test_the_bot_token_never_reaches_the_log() -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokens(token))
    log = logging.getLogger("test.redact")
    log.addHandler(handler)
    try:
        try:
            raise ConnectionError(f"cannot reach https://api.telegram.org/bot{token}/getUpdates")
        except ConnectionError:
            log.exception("request to %s failed", f"https://api.telegram.org/bot{token}/sendMessage")
        log.error("another bot 987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDxyz leaked")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in output and "ZZHdqTcv" not in output
    assert output.count("[redacted]") >= 3


def test_pseudonyms_are_keyed_not_plain_hashes() -> None:
    one = Pseudonymizer(b"first-secret-0123456789")
    other = Pseudonymizer(b"other-secret-0123456789")
    assert one.user(123) == one.user(123)
    assert one.user(123) != other.user(123)
    assert one.user(123) not in (hashlib.sha256(b"123").hexdigest(), hashlib.sha256(b"user:123").hexdigest()[:40])


async def test_idle_conversations_are_purged_after_the_retention_period(tmp_path: Path) -> None:
    import datetime as dt

    from bot.privacy.retention import purge

    runtime = await open_runtime(settings(tmp_path), Clock.fixed(FIXED_TODAY))
    try:
        await runtime.conversations.start("old", "en")
        await runtime.conversations.start("recent", "en")
        now = dt.datetime.now(dt.UTC)
        async with runtime.db_engine.begin() as conn:
            await conn.execute(text("update conversations set updated_at = :t where key = 'old'"),
                               {"t": now - dt.timedelta(days=31)})
        result = await purge(runtime.unit_of_work, 30, now)
        assert result.conversations == 1
        assert await runtime.conversations.language("old") is None
        assert await runtime.conversations.language("recent") == "en"
    finally:
        await runtime.close()
