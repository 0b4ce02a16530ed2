"""Erased means erased on disk: after /forget nothing of the person is left in the database file
or its write-ahead log, and the files are private to the bot's user. While messages to and from
a person wait in the outbox, their chat id is on disk only sealed."""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation.reminders import ReminderService
from bot.engine.clock import Clock
from bot.telegram.app import App, build_app
from db.repositories.outbox import PENDING

from .conftest import TODAY, Migrant
from .session import RecordingSession
from .test_migrant import onboard

GROUP = -1001234567890
CHAT = 7362519048  # long enough that finding it in the files by chance is impossible


@pytest.fixture
async def private_app(tmp_path: Path) -> AsyncIterator[App]:
    data = tmp_path / "data"
    settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
                        database_url=f"sqlite+aiosqlite:///{data}/jol.sqlite", data_dir=data,
                        pseudonym_secret="test-secret-of-enough-length", counsellor_chat_id=GROUP,
                        working_hours="00:00-23:59", working_days="mon,tue,wed,thu,fri,sat,sun",
                        _env_file=None)  # type: ignore[call-arg]
    built = await build_app(settings, Clock.fixed(TODAY))
    built.bot.session = RecordingSession()
    yield built
    await built.close()


def on_disk(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("jol.sqlite*")))


def holds_chat_id(blob: bytes, chat: int) -> bool:
    """The id as text (in JSON), or as SQLite stores an integer (big-endian, 6 or 8 bytes)."""
    return any(form in blob for form in (str(chat).encode(), chat.to_bytes(6, "big"), chat.to_bytes(8, "big")))


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


async def test_names_usernames_and_phone_numbers_never_reach_the_database_files(private_app: App,
                                                                                tmp_path: Path) -> None:
    """Handling needs the ids and what was written or pressed, not who the person is called: the
    inbox kept each update whole, and while the bot ran its write-ahead log held the name and the
    username of everyone who wrote (16 copies each after one short conversation)."""
    session = private_app.bot.session
    assert isinstance(session, RecordingSession)
    m = Migrant(private_app, session, user_id=987654321, first_name="Canaryname", username="canary_user",
                language_code="en")
    await onboard(m, "English")
    await m.press_button("No")
    await m.update({"message": m._message(contact={"phone_number": "+77011234567", "first_name": "Canaryfriend",
                                                   "last_name": "Canarysurname", "user_id": 555})})
    await m.update({"message": m._message(text="hi", forward_origin={
        "type": "user", "date": 1764150000, "sender_user": {"id": 556, "is_bot": False,
                                                          "first_name": "Canaryboss", "username": "canary_boss"}})})
    blob = on_disk(tmp_path / "data")  # the bot still runs: nothing was checkpointed or erased yet
    for trace in (b"Canaryname", b"canary_user", b"Canaryfriend", b"Canarysurname", b"7011234567", b"Canaryboss",
                  b"canary_boss"):
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


async def test_messages_waiting_in_the_outbox_hold_the_chat_id_only_sealed(private_app: App, tmp_path: Path) -> None:
    """A relayed message each way and a reminder, all still waiting (nothing sends them here)."""
    session = private_app.bot.session
    assert isinstance(session, RecordingSession) and private_app.counselling is not None
    m = Migrant(private_app, session, user_id=CHAT, language_code="en")
    await onboard(m, "English")
    for label in ("No", "I work or live", "Work permit", "Uzbekistan", "A family", "Yes", "Yes", "Month by month"):
        await m.press_button(label)
    await m.send("31.12.2026")
    await m.press_button("No")
    await m.press_button("🔔 Remind me: pay by")
    await m.press_button("7 days and 1 day before")
    await m.send("/menu")
    await m.press_button("Talk to a counsellor")
    await m.press_button("Yes, connect me")
    await m.send("my employer keeps my passport")  # relayed to the case topic
    async with private_app.runtime.unit_of_work() as uow:
        case = await uow.cases.open_for(m_key(private_app, m))
        assert case is not None
        case.forum_topic_id = 77  # as if the sender had made the topic
    assert await private_app.counselling.relay.relay_out(77, message_id=501)  # a counsellor's answer, to the migrant
    on_the_day = ReminderService(private_app.runtime.unit_of_work, private_app.runtime.catalogs,
                                 private_app.runtime.sealer, Clock.fixed(dt.date(2026, 12, 24)))
    assert await on_the_day.queue_due() == 1
    async with private_app.runtime.unit_of_work() as uow:
        waiting = [row.method for row in await uow.outbox.heads(dt.datetime.now(dt.UTC) + dt.timedelta(days=60))
                   if row.status == PENDING and row.chat_id != GROUP]
    assert waiting == ["copyMessage", "sendMessage"]  # the counsellor's answer and the reminder, unsent
    await private_app.close()
    blob = on_disk(tmp_path / "data")
    assert b"my employer keeps" not in blob  # the relayed text itself never touches the database
    assert not holds_chat_id(blob, CHAT)


def test_the_start_command_makes_the_folders_and_files_private(tmp_path: Path) -> None:
    """The settings check at start made DATA_DIR (and the database's folder) before the database
    code could, with the default 0755: the test above, which builds the app directly, never saw it."""
    import os
    import subprocess
    import sys

    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "DATA_DIR": str(tmp_path / "data"),
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db/jol.sqlite"}
    result = subprocess.run([sys.executable, "-m", "bot", "console", "--lang", "en"], input="q\n", env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for folder in (tmp_path / "data", tmp_path / "db"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    files = [f for f in (tmp_path / "db").iterdir()] + [f for f in (tmp_path / "data").iterdir()]
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files), \
        {f.name: oct(f.stat().st_mode) for f in files}


def test_a_backup_is_as_private_as_the_database(tmp_path: Path) -> None:
    import sqlite3

    from db.backup import backup_sqlite

    source = tmp_path / "jol.sqlite"
    with sqlite3.connect(source) as db:
        db.execute("create table t (x)")
    backup_sqlite(source, tmp_path / "backups" / "copy.sqlite")
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "backups" / "copy.sqlite").stat().st_mode) == 0o600
