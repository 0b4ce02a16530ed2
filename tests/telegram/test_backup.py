"""Backups: a copy of the running database, restored elsewhere, carries a conversation on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config import Settings
from bot.engine.clock import Clock
from bot.telegram.app import App, build_app

from .conftest import TODAY, Migrant
from .session import RecordingSession

SECRET = "test-secret-of-enough-length"


async def test_a_restored_backup_resumes_the_conversation(app: App, session: RecordingSession, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    m = Migrant(app, session, user_id=7301, language_code="en")
    await m.send("/start")
    await m.press_button("English")
    await m.press_button("continue")
    for label in ("No", "I work or live in Kazakhstan", "Work permit", "Tajikistan", "A family"):
        await m.press_button(label)
    asked = session.texts()[-1]

    # The bot is running (its connection is open, recent writes sit in the WAL file).
    out = tmp_path / "backups" / "jol-copy.sqlite"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PSEUDONYM_SECRET", raising=False)
    assert main(["backup", "--out", str(out), "--database-url", app.settings.database_url]) == 0
    said = capsys.readouterr().out
    assert f"wrote {out}" in said and f"{tmp_path / 'pseudonym.key'}" in said and "apart" in said
    with sqlite3.connect(out) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("select count(*) from conversations").fetchone()[0] == 1
    assert not Path(f"{out}-wal").exists()

    # Restore on another machine: the copy as the database, the same pseudonym key, a new process.
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    (restored_dir / "jol.sqlite").write_bytes(out.read_bytes())
    settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
                        database_url=f"sqlite+aiosqlite:///{restored_dir}/jol.sqlite", data_dir=restored_dir,
                        pseudonym_secret=SECRET, _env_file=None)  # type: ignore[call-arg]
    restored = await build_app(settings, Clock.fixed(TODAY))
    try:
        restored.bot.session = fresh = RecordingSession()
        again = Migrant(restored, fresh, user_id=7301, language_code="en")
        again.session.requests.append(session.requests[-1])  # the keyboard they still see in their chat
        await again.press_button("Yes")
        assert fresh.texts() and fresh.texts()[-1] != asked
        assert "Consent" not in fresh.texts()[-1] and "language" not in fresh.texts()[-1].casefold()
        await again.press_button("Yes")
        assert "pay the tax" in fresh.texts()[-1].casefold()  # the work permit's next question, where they were
    finally:
        await restored.close()


def test_backup_refuses_what_it_cannot_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert main(["backup", "--out", "x.sqlite", "--database-url", f"sqlite+aiosqlite:///{tmp_path}/none.sqlite"]) == 2
    assert main(["backup", "--out", "x.sqlite", "--database-url", "postgresql+asyncpg://u@db.example/jol"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"cannot back up: there is no database at {tmp_path}/none.sqlite",
                   "cannot back up: DATABASE_URL is postgresql, not SQLite: back it up with that server's own tools "
                   "(for PostgreSQL: pg_dump)"]
