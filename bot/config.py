"""Settings, read once from the environment (or a ``.env`` file) and passed down.

``.env.example`` lists every setting with a comment. Nothing reads the environment elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Telegram
    bot_token: SecretStr | None = None
    bot_api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_path: str = "/telegram"
    polling_timeout: int = Field(default=25, ge=0, le=50)

    # Storage
    data_dir: Path = Path("data")
    database_url: str = "sqlite+aiosqlite:///data/jol.sqlite"
    redis_url: str | None = None
    pseudonym_secret: SecretStr | None = None

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
    rate_private_per_second: float = 1.0
    rate_group_per_minute: float = 20.0
    rate_global_per_second: float = 30.0

    # Statistics: who may export them, and the smallest count shown
    admin_ids: list[int] = Field(default_factory=list)
    admin_chat_id: int | None = None
    stats_min_cell: int = Field(default=10, ge=5)
    stats_language: str = "en"

    # Privacy and operations
    conversation_retention_days: int = Field(default=30, gt=0)
    shutdown_timeout: float = Field(default=20.0, gt=0)
    log_level: str = "INFO"

    @property
    def locales_dir(self) -> Path:
        return self.content_dir / "locales"
