"""Settings, read once from the environment (or a ``.env`` file) and passed down.

``.env.example`` lists every setting with a comment. Nothing reads the environment elsewhere.
Every value is checked here, before anything connects: a wrong one is a ``ValidationError``
whose message says what form is expected (``bot/cli/settings_check.py`` prints it as one line).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DATABASE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
REDIS_SCHEMES = ("redis", "rediss", "unix")
MIN_SECRET = 16
_HOURS = re.compile(r"^\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*$")
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")  # aiogram refuses anything else with a traceback
_API_URL = re.compile(r"^https?://(\[[0-9A-Fa-f:.]+\]|[^/\s:\[\]]+)(:\d+)?(/\S*)?$")


def parse_hours(text: str) -> tuple[dt.time, dt.time]:
    """'09:00-18:00' (or overnight, '18:00-09:00') as two times; ValueError otherwise."""
    m = _HOURS.match(text)
    if not m:
        raise ValueError("expected HH:MM-HH:MM, e.g. 09:00-18:00 (or 18:00-09:00 for a night shift)")
    try:
        start, end = dt.time.fromisoformat(m[1]), dt.time.fromisoformat(m[2])
    except ValueError:
        raise ValueError("expected hours 00-23 and minutes 00-59, e.g. 09:00-18:00") from None
    if start == end:
        raise ValueError("the start and the end are the same; expected e.g. 09:00-18:00")
    return start, end


def parse_days(text: str) -> list[str]:
    """'mon,tue,wed' as day names; ValueError for an empty list or an unknown day."""
    names = [d.strip().lower() for d in text.split(",") if d.strip()]
    if not names:
        raise ValueError("no days given (counsellors would never be reachable); expected e.g. mon,tue,wed,thu,fri")
    unknown = [d for d in names if d[:3] not in DAYS or not (d == d[:3] or DAYS[DAYS.index(d[:3])] in d)]
    if unknown:
        raise ValueError(f"unknown day {unknown[0]!r}; expected a comma list of {','.join(DAYS)}")
    return [d[:3] for d in names]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      validate_default=True)

    # Telegram
    bot_token: SecretStr | None = None
    bot_api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/telegram"
    polling_timeout: int = Field(default=25, ge=0, le=50)

    # Storage
    data_dir: Path = Path("data")
    database_url: str = "sqlite+aiosqlite:///data/jol.sqlite"
    redis_url: str | None = None
    pseudonym_secret: SecretStr | None = None
    # The key that seals chat ids at rest (64 hex characters); else DATA_DIR/chat.key is made.
    chat_key: SecretStr | None = None

    # Content
    flows_dir: Path = PROJECT_ROOT / "flows"
    content_dir: Path = PROJECT_ROOT / "content"
    default_language: str = "ru"
    stale_after_days: int = Field(default=180, gt=0)

    # Counsellors (cases are only offered when COUNSELLOR_CHAT_ID is set)
    counsellor_chat_id: int | None = None
    counsellor_language: str = "ru"
    working_hours: str = "09:00-18:00"
    working_days: str = "mon,tue,wed,thu,fri"
    timezone: str = "Asia/Almaty"
    expected_wait_hours: int = Field(default=2, gt=0)
    case_remind_minutes: int = Field(default=30, gt=0)
    case_retention_days: int = Field(default=30, gt=0)
    # Telegram's limits for relayed messages; tests scale them up to run in seconds.
    rate_private_per_second: float = Field(default=1.0, gt=0)
    rate_group_per_minute: float = Field(default=20.0, gt=0)
    rate_global_per_second: float = Field(default=30.0, gt=0)

    # Reminders before a deadline: the hour they arrive (in TIMEZONE) and the check interval
    reminder_hour: int = Field(default=10, ge=0, le=23)
    reminder_check_seconds: float = Field(default=30.0, gt=0)
    # A clock for tests: the instant (ISO, with offset) at which this process's clock starts.
    clock_start: str | None = None

    # Statistics: who may export them, and the smallest count shown
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    admin_chat_id: int | None = None
    stats_min_cell: int = Field(default=10, ge=5)
    stats_language: str = "en"

    # Privacy and operations
    conversation_retention_days: int = Field(default=30, gt=0)
    shutdown_timeout: float = Field(default=20.0, gt=0)
    log_level: str = "INFO"
    log_format: str = "text"
    # /healthz, /readyz and /metrics on this port (off when unset; webhook mode serves them anyway)
    health_port: int | None = Field(default=None, ge=1, le=65535)
    health_host: str = "127.0.0.1"

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None  # the start says how to get one
        if not _TOKEN.match(value.get_secret_value().strip()):
            raise ValueError("expected the token @BotFather gives: the bot's number, a colon and 35 letters, digits, "
                             "_ or -, e.g. 123456789:AAE...")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("bot_api_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None  # api.telegram.org
        if not _API_URL.match(value.strip()):
            raise ValueError("expected the address of a Bot API server, e.g. http://localhost:8081 (or leave it unset "
                             "for api.telegram.org)")
        return value.strip()

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        parse_hours(value)
        return value.strip()

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: str) -> str:
        return ",".join(parse_days(value))

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError("expected a time zone name such as Asia/Almaty or Asia/Tashkent") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        expected = "expected sqlite+aiosqlite:///data/jol.sqlite or postgresql+asyncpg://user:password@host/db"
        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise ValueError(expected) from None
        if url.drivername not in DATABASE_DRIVERS:
            raise ValueError(f"the driver {url.drivername!r} is not supported; {expected}")
        if url.drivername.startswith("sqlite") and not url.database:
            raise ValueError(f"no database file given; {expected}")
        if url.drivername.startswith("postgresql") and (not url.host or not url.database):
            raise ValueError(f"a PostgreSQL URL needs a host and a database; {expected}")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in REDIS_SCHEMES or not rest:
            raise ValueError("expected redis://host:6379/0 (or rediss:// for TLS, unix:///path/redis.sock)")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admins(cls, value: Any) -> Any:
        """A comma list of Telegram user ids (``123`` or ``123,456``); a JSON list works too."""
        if isinstance(value, int):
            return [value]
        if isinstance(value, str):
            text = value.strip().strip("[]")
            parts = [p.strip() for p in text.split(",") if p.strip()]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("expected Telegram user ids as numbers separated by commas, e.g. 123456789,987654321")
            return [int(p) for p in parts]
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper()

    @field_validator("log_format")
    @classmethod
    def _format(cls, value: str) -> str:
        if value.strip().lower() not in ("text", "json"):
            raise ValueError("expected text or json")
        return value.strip().lower()

    @field_validator("pseudonym_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if len(value.get_secret_value().encode()) < MIN_SECRET:
            raise ValueError(f"too short; expected at least {MIN_SECRET} characters (better: leave it unset and "
                             "the bot makes a random key in DATA_DIR/pseudonym.key)")
        return value

    @field_validator("chat_key")
    @classmethod
    def _chat_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        try:
            ok = len(bytes.fromhex(value.get_secret_value().strip())) == 32
        except ValueError:
            ok = False
        if not ok:
            raise ValueError("expected 64 hex characters (32 bytes), e.g. from 'python -c \"import secrets; "
                             "print(secrets.token_hex(32))\"' (or leave it unset: the bot makes DATA_DIR/chat.key)")
        return value

    @field_validator("clock_start")
    @classmethod
    def _clock_start(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ValueError("expected an ISO instant with its UTC offset, e.g. 2026-12-24T05:00:00+00:00 (tests only)")
        return value

    @model_validator(mode="after")
    def _languages(self) -> Settings:
        available = self.languages()
        for name in ("default_language", "counsellor_language", "stats_language"):
            if getattr(self, name) not in available:
                raise ValueError(f"{name.upper()}={getattr(self, name)!r} is not a language Jol has texts for; "
                                 f"expected one of {', '.join(available)}")
        return self

    def languages(self) -> list[str]:
        """Languages with a catalogue under CONTENT_DIR, and English (the source)."""
        found = sorted(p.parent.parent.name for p in self.locales_dir.glob("*/LC_MESSAGES/messages.po"))
        return [*found, "en"] if "en" not in found else found

    @property
    def shared_database(self) -> bool:
        """PostgreSQL: several replicas may share the database (SQLite keeps to one process)."""
        return self.database_url.startswith("postgresql")

    @property
    def locales_dir(self) -> Path:
        return self.content_dir / "locales"
