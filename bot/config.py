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

    bot_token: SecretStr | None = None
    bot_api_url: str | None = None
    database_url: str = "sqlite+aiosqlite:///data/jol.sqlite"
    flows_dir: Path = PROJECT_ROOT / "flows"
    content_dir: Path = PROJECT_ROOT / "content"
    default_language: str = "ru"
    stale_after_days: int = Field(default=180, gt=0)

    @property
    def locales_dir(self) -> Path:
        return self.content_dir / "locales"
