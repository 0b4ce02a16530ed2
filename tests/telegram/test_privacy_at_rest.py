"""Erased means erased on disk: after /forget nothing of the person is left in the database file
or its write-ahead log, and the files are private to the bot's user."""

from __future__ import annotations

import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.engine.clock import Clock
from bot.telegram.app import App, build_app

from .conftest import TODAY, Migrant
from .session import RecordingSession
from .test_migrant import onboard


@pytest.fixture
async def private_app(tmp_path: Path) -> AsyncIterator[App]:
    data = tmp_path / "data"
    settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
                        database_url=f"sqlite+aiosqlite:///{data}/jol.sqlite", data_dir=data,
                        pseudonym_secret="test-secret-of-enough-length", _env_file=None)  # type: ignore[call-arg]
    built = await build_app(settings, Clock.fixed(TODAY))
    built.bot.session = RecordingSession()
    yield built
    await built.close()


def on_disk(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("jol.sqlite*")))


async def test_after_forget_the_database_files_hold_nothing_of_the_person(private_app: App, tmp_path: Path) -> None:
    session = private_app.bot.session
    assert isinstance(session, RecordingSession)
    m = Migrant(private_app, session, user_id=987654321, first_name="Canaryname", username="canary_user",
                language_code="en")
    await onboard(m, "English")
    await m.press_button("No")
    await m.send("canary free text 555")
    data = tmp_path / "data"
    assert b"Canaryname" in on_disk(data) or b"canary free text" in on_disk(data)  # still there before /forget
    await m.send("/forget")
    await m.press_button("Yes, erase")
    assert "no longer keeps anything about you" in session.texts()[-1]
    blob = on_disk(data)
    for trace in (b"Canaryname", b"canary_user", b"canary free text", b"987654321"):
        assert trace not in blob, trace


async def test_the_data_folder_and_database_files_are_private(private_app: App, tmp_path: Path) -> None:
    session = private_app.bot.session
    assert isinstance(session, RecordingSession)
    await Migrant(private_app, session, language_code="en").send("/start")
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = list(data.glob("jol.sqlite*"))
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files), \
        {f.name: oct(f.stat().st_mode) for f in files}


async def test_a_forged_forget_button_does_not_skip_the_confirmation(private_app: App) -> None:
    session = private_app.bot.session
    assert isinstance(session, RecordingSession)
    m = Migrant(private_app, session, language_code="en")
    await onboard(m, "English")
    await m.press("f:1")  # "Yes, erase" without ever being asked
    assert "no longer keeps anything about you" not in session.texts()[-1]
    assert await private_app.runtime.conversations.language(m_key(private_app, m)) == "en"  # nothing erased
    await m.send("/forget")
    await m.press_button("Yes, erase")  # asked, and confirmed on the message that asked
    assert "no longer keeps anything about you" in session.texts()[-1]


def m_key(app: App, m: Migrant) -> str:
    from bot.privacy.pseudonyms import Pseudonymizer

    return Pseudonymizer(b"test-secret-of-enough-length").user(m.user["id"])
