"""A family member hands over to a counsellor through the real bot, and the case says who is asking."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.engine.clock import Clock
from bot.telegram.app import App, build_app

from .conftest import TODAY, Migrant
from .session import RecordingSession
from .test_migrant import onboard

GROUP = -1001234567890


@pytest.fixture
async def counselled_app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
                        database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", data_dir=tmp_path,
                        pseudonym_secret="test-secret-of-enough-length", counsellor_chat_id=GROUP,
                        counsellor_language="en", working_hours="00:00-23:59",
                        working_days="mon,tue,wed,thu,fri,sat,sun", _env_file=None)  # type: ignore[call-arg]
    built = await build_app(settings, Clock.fixed(TODAY))
    built.bot.session = RecordingSession()
    yield built
    await built.close()


async def group_texts(app: App) -> list[str]:
    async with app.runtime.db_engine.connect() as conn:
        rows = (await conn.execute(text("select chat_id, method, payload from outbox order by id"))).all()
    return [json.loads(p).get("text", "") for chat, method, p in rows if chat == GROUP and method == "sendMessage"]


@pytest.mark.parametrize(("path", "stops_at"), [
    (("Lost contact with a relative", "Yes"), "family_danger"),  # the flow's own urgent handoff
    (("Receiving money safely", "Receive money safely", "Tajikistan", "Talk to a counsellor"), "receive_tj"),
])
async def test_a_family_members_case_says_a_family_member_is_asking(counselled_app: App, path: tuple[str, ...],
                                                                     stops_at: str) -> None:
    session = counselled_app.bot.session
    assert isinstance(session, RecordingSession)
    m = Migrant(counselled_app, session, language_code="en")
    await onboard(m, "English")
    await m.press_button("No")
    await m.press_button("I am a migrant's family member")
    for label in path:
        await m.press_button(label)
    await m.press_button("Yes, connect me")
    summary = next(t for t in await group_texts(counselled_app) if t.startswith("Case "))
    lines = summary.splitlines()
    assert lines[1] == "Who is asking: a family member of a migrant", summary
    assert "asker=family" in summary and stops_at in summary
