"""Wrong settings: one line that names the setting, what was given and the form expected; exit code 2.

Every case runs the real command (``python -m bot run``, and the console where the setting
matters there) in a clean environment, the way an admin meets it.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli.settings_check import SettingsProblem, load_settings
from bot.counselling.working_hours import WorkingHours
from bot.engine.clock import Clock

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"


@pytest.fixture(scope="module")
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# (setting, value, extra settings, expected in the line); BUSY stands for a port something listens on.
BUSY = "<busy>"
CASES = [
    ("WORKING_HOURS", "9-18", {}, "HH:MM-HH:MM"),
    ("WORKING_HOURS", "25:00-26:00", {}, "00-23"),
    ("WORKING_DAYS", "funday", {}, "mon,tue"),
    ("WORKING_DAYS", "", {}, "no days"),
    ("TIMEZONE", "Mars/Olympus", {}, "Asia/Almaty"),
    ("TIMEZONE", "", {}, "Asia/Almaty"),
    ("DATABASE_URL", "nonsense", {}, "sqlite+aiosqlite://"),
    ("DATABASE_URL", "mysql://jol@localhost/jol", {}, "not supported"),
    ("DATABASE_URL", "postgresql+asyncpg://jol:pw@127.0.0.1:{closed}/jol", {}, "not reachable"),
    ("DATABASE_URL", "sqlite+aiosqlite:////proc/jol/jol.sqlite", {}, "cannot be opened"),
    ("REDIS_URL", "nonsense", {}, "redis://host:6379/0"),
    ("REDIS_URL", "redis://127.0.0.1:{closed}/0", {}, "not reachable"),
    ("ADMIN_IDS", "@anna", {}, "numbers separated by commas"),
    ("COUNSELLOR_CHAT_ID", "abc", {}, "whole number"),
    ("POLLING_TIMEOUT", "99", {}, "at most 50"),
    ("LOG_LEVEL", "LOUD", {}, "DEBUG, INFO"),
    ("LOG_FORMAT", "xml", {}, "text or json"),
    ("PSEUDONYM_SECRET", "tiny-secret", {}, "at least 16"),
    ("DEFAULT_LANGUAGE", "xx", {}, "expected one of"),
    ("COUNSELLOR_LANGUAGE", "xx", {}, "expected one of"),
    ("STATS_LANGUAGE", "xx", {}, "expected one of"),
    ("DATA_DIR", "/proc/jol", {}, "not usable"),
    ("WEBHOOK_PORT", BUSY, {"WEBHOOK_URL": "https://bot.example.org/telegram", "WEBHOOK_SECRET": "s3cret"}, "in use"),
    ("HEALTH_PORT", BUSY, {}, "in use"),
    ("HEALTH_PORT", "70000", {}, "at most 65535"),
    ("BOT_TOKEN", "abc", {}, "@BotFather"),
    ("BOT_API_URL", "notaurl", {}, "http://"),
    ("RATE_PRIVATE_PER_SECOND", "0", {}, "above 0"),
]
SECRETS = {"PSEUDONYM_SECRET", "BOT_TOKEN"}
CONSOLE = {"WORKING_HOURS", "TIMEZONE", "DATABASE_URL", "DEFAULT_LANGUAGE", "DATA_DIR", "ADMIN_IDS"}


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """A clean environment: nothing from the developer's shell or a .env file."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "BOT_TOKEN": TOKEN,
           "DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/jol.sqlite"}
    env.update(settings)
    return env


def resolve(value: str, busy_port: int) -> str:
    return str(busy_port) if value == BUSY else value.replace("{closed}", str(closed_port()))


def run_command(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


def assert_one_line(result: subprocess.CompletedProcess[str], name: str, value: str, expected: str) -> None:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(name), lines[0]
    assert expected in lines[0], lines[0]
    if name not in SECRETS and value:
        assert value.split("://")[-1].split("@")[-1] in lines[0], lines[0]  # what was given (passwords masked)
    elif name in SECRETS:
        assert value not in lines[0] and "hidden" in lines[0]  # a secret is never printed


@pytest.mark.slow
@pytest.mark.parametrize(("name", "value", "extra", "expected"), CASES, ids=[f"{c[0]}={c[1]}" for c in CASES])
def test_run_refuses_a_wrong_setting_in_one_line(tmp_path: Path, busy_port: int, name: str, value: str,
                                                 extra: dict[str, str], expected: str) -> None:
    value = resolve(value, busy_port)
    args = ["run", "--webhook"] if name == "WEBHOOK_PORT" else ["run"]
    env = environment(tmp_path, **{name: value, **extra})
    if name == "HEALTH_PORT" and value.isdigit() and int(value) < 65536:
        env["HEALTH_HOST"] = "127.0.0.1"
    assert_one_line(run_command(args, env, tmp_path), name, value, expected)
    if name in CONSOLE:
        assert_one_line(run_command(["console", "--lang", "en"], env, tmp_path), name, value, expected)


@pytest.mark.parametrize(("name", "value", "expected"), [(c[0], c[1], c[3]) for c in CASES if c[1] != BUSY
                                                         and "{closed}" not in c[1] and "/proc" not in c[1]])
def test_settings_name_the_setting_and_the_form(monkeypatch: pytest.MonkeyPatch, name: str, value: str,
                                                expected: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsProblem) as caught:
        load_settings(_env_file=None)
    assert len(caught.value.lines) == 1 and caught.value.lines[0].startswith(name) and expected in str(caught.value)


def test_every_wrong_setting_gets_its_own_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKING_HOURS", "9-18")
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(SettingsProblem) as caught:
        load_settings(_env_file=None)
    assert [line.split("=")[0] for line in caught.value.lines] == ["WORKING_HOURS", "LOG_LEVEL"]


@pytest.mark.parametrize(("value", "ids"), [("123", [123]), ("123, 456", [123, 456]), ("[123,456]", [123, 456]),
                                            ("", [])])
def test_admin_ids_are_a_comma_list_of_numbers(monkeypatch: pytest.MonkeyPatch, value: str, ids: list[int]) -> None:
    """ADMIN_IDS=123 is one admin (it used to be refused by a JSON parser wanting [123])."""
    monkeypatch.setenv("ADMIN_IDS", value)
    assert load_settings(_env_file=None).admin_ids == ids


ALMATY = ZoneInfo("Asia/Almaty")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in Almaty in the week of Monday 30 November 2026."""
    return dt.datetime(2026, 11, 30 + day, hour, minute, tzinfo=ALMATY) if day < 1 else \
        dt.datetime(2026, 12, day, hour, minute, tzinfo=ALMATY)


def test_a_night_shift_is_open_through_the_night() -> None:
    hours = WorkingHours.parse(load_settings(_env_file=None, working_hours="18:00-09:00").working_hours,
                               "mon,tue,wed,thu,fri", Clock.for_zone("Asia/Almaty"))
    assert hours.open_at(at(0, 18)) and hours.open_at(at(0, 23, 59))  # Monday evening
    assert hours.open_at(at(1, 3)) and hours.open_at(at(1, 8, 59))  # the night into Tuesday
    assert not hours.open_at(at(1, 9)) and not hours.open_at(at(1, 12))  # Tuesday daytime
    assert hours.open_at(at(5, 2))  # Saturday 02:00 is Friday's night shift
    assert not hours.open_at(at(5, 20))  # Saturday evening: no shift starts on Saturday
    assert not hours.open_at(at(0, 3))  # Monday 03:00 would be Sunday's shift
    day = WorkingHours.parse("09:00-18:00", "mon", Clock.for_zone("Asia/Almaty"))
    assert day.open_at(at(0, 9)) and not day.open_at(at(0, 18)) and not day.open_at(at(1, 10))


def test_postgresql_without_a_shared_pseudonym_secret_is_refused_in_one_line(tmp_path: Path) -> None:
    """Replicas with their own key files would each know people by other pseudonyms: conversations fork."""
    from tests.services import PG_HOST

    base = PG_HOST.rsplit("/", 1)[0]
    result = run_command(["run"], environment(tmp_path, DATABASE_URL=f"postgresql+asyncpg://{base}/test"), tmp_path)
    if "not reachable" in result.stderr:
        pytest.skip(f"PostgreSQL is not reachable at {PG_HOST}")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("PSEUDONYM_SECRET is not set"), result.stderr
    assert "Traceback" not in result.stderr


def test_postgresql_without_a_shared_chat_key_is_refused_in_one_line(tmp_path: Path) -> None:
    """Replicas with their own chat.key files could not open the chat ids the others sealed: a
    counsellor's reply queued by one replica and sent by another would never reach the migrant."""
    from tests.services import PG_HOST

    base = PG_HOST.rsplit("/", 1)[0]
    result = run_command(["run"], environment(tmp_path, DATABASE_URL=f"postgresql+asyncpg://{base}/test",
                                              PSEUDONYM_SECRET="one-secret-for-all-replicas"), tmp_path)
    if "not reachable" in result.stderr:
        pytest.skip(f"PostgreSQL is not reachable at {PG_HOST}")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("CHAT_KEY is not set"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "chat.key").exists()  # no key of this replica's own was made


async def test_the_application_is_not_built_on_postgresql_without_a_chat_key(tmp_path: Path) -> None:
    from bot.config import Settings
    from bot.telegram.app import build_app

    settings = Settings(bot_token=TOKEN, database_url="postgresql+asyncpg://jol@127.0.0.1:1/jol", data_dir=tmp_path,
                        pseudonym_secret="one-secret-for-all-replicas", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(RuntimeError, match="CHAT_KEY must be set on PostgreSQL"):
        await build_app(settings)
    assert not (tmp_path / "chat.key").exists()
