"""Settings checked at start, before anything connects, each problem said in one line.

Two steps. ``load_settings`` builds the settings, and turns pydantic's errors into lines such as
``WORKING_HOURS='9-18' is not valid: expected HH:MM-HH:MM, e.g. 09:00-18:00``. ``preflight``
then tries what the settings point at (the data folder, the database, Redis, the ports to listen
on) without starting anything, so an unreachable server is one line too. Commands print the lines
and exit with code 2; no traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import socket
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config import Settings

SECRET_FIELDS = {"bot_token", "webhook_secret", "pseudonym_secret"}
CONNECT_TIMEOUT = 5.0
_EXPECTED = {  # pydantic's own error types, said as the form a setting expects
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "float_parsing": "expected a number",
    "bool_parsing": "expected true or false",
    "path_type": "expected a folder path",
    "list_type": "expected a comma list",
}


class SettingsProblem(Exception):
    """One or more settings are wrong or unusable; ``lines`` says each in one line."""

    def __init__(self, lines: Iterable[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


def shown(name: str, value: Any) -> str:
    """A setting's value as it may be printed: secrets hidden, passwords in URLs masked."""
    if name in SECRET_FIELDS:
        return f"(hidden, {len(str(value))} characters)"
    text = str(value)
    if name in ("database_url", "redis_url") and "@" in text and "://" in text:
        scheme, rest = text.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        text = f"{scheme}://{user}{':***' if ':' in credentials else ''}@{host}"
    return repr(text)


def _line(error: Any) -> str:
    loc = error.get("loc") or ()
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if not loc:
        return message
    name = str(loc[0])
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in _EXPECTED:
        message = _EXPECTED[kind]
    elif kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than"):
        bounds = {"less_than_equal": "at most", "less_than": "below", "greater_than_equal": "at least",
                  "greater_than": "above"}
        limit = next(iter(ctx.values()), "?")
        message = f"expected a number {bounds[kind]} {limit}"
    given = shown(name, error.get("input", ""))
    return f"{name.upper()}={given} is not valid: {message}"


def load_settings(**overrides: Any) -> Settings:
    """The settings, or SettingsProblem with one line per wrong setting."""
    from pydantic_settings import SettingsError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsProblem(_line(e) for e in exc.errors()) from None
    except SettingsError as exc:
        raise SettingsProblem([str(exc).splitlines()[0]]) from None


def settings_for(args: argparse.Namespace) -> Settings:
    """The settings with the overrides a command line may give (database URL, flows folder)."""
    overrides: dict[str, Any] = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    if getattr(args, "flows", None):
        overrides["flows_dir"] = Path(args.flows)
    return load_settings(**overrides)


def check_data_dir(settings: Settings) -> None:
    from db.connection import private_folder

    folder = settings.data_dir
    try:
        private_folder(folder)  # 0700: the keys and the database live here
        probe = folder / ".jol-write-test"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise SettingsProblem([f"DATA_DIR={str(folder)!r} is not usable ({exc.strerror or exc}): "
                               "expected a folder the bot can create and write to"]) from None


def check_database(settings: Settings) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    given = shown("database_url", settings.database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return
        from db.connection import private_file

        path = Path(url.database)
        try:
            private_file(path)  # the folder 0700 and the file 0600 before SQLite creates it
            with contextlib.closing(sqlite3.connect(path, timeout=10)) as conn:
                conn.execute("PRAGMA schema_version").fetchone()
        except (OSError, sqlite3.Error) as exc:
            raise SettingsProblem([f"DATABASE_URL={given} cannot be opened ({exc}): expected a SQLite file in a "
                                   "folder the bot can write to"]) from None
        return
    try:
        asyncio.run(_connect_postgres(url.set(drivername="postgresql").render_as_string(hide_password=False)))
    except ImportError:
        raise SettingsProblem([f"DATABASE_URL={given} needs the PostgreSQL driver: pip install -e '.[postgres]'"]) \
            from None
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SettingsProblem([f"DATABASE_URL={given} is not reachable ({reason}): expected a running PostgreSQL "
                               "server that accepts these credentials"]) from None


async def _connect_postgres(dsn: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncio.wait_for(asyncpg.connect(dsn), timeout=CONNECT_TIMEOUT)
    await conn.close()


def check_shared_secret(settings: Settings) -> None:
    """On PostgreSQL several replicas may run, and each must know people by the same pseudonyms
    and open the chat ids the others sealed: a key file in one replica's DATA_DIR would fork every
    conversation, or leave a counsellor's reply that another replica queued undeliverable."""
    if settings.shared_database and settings.pseudonym_secret is None:
        raise SettingsProblem(["PSEUDONYM_SECRET is not set, and DATABASE_URL is PostgreSQL, where several replicas "
                               "may share the database: expected one secret of at least 16 characters, the same for "
                               "every replica (deploy/README.md says how to make and keep it)"])
    if settings.shared_database and settings.chat_key is None:
        raise SettingsProblem(["CHAT_KEY is not set, and DATABASE_URL is PostgreSQL, where several replicas may share "
                               "the database: expected 64 hex characters, the same for every replica (the contents of "
                               "DATA_DIR/chat.key if the bot already made one; deploy/README.md says how to make it)"])


def check_redis(settings: Settings) -> None:
    if not settings.redis_url:
        return
    given = shown("redis_url", settings.redis_url)
    try:
        asyncio.run(_ping_redis(settings.redis_url))
    except ImportError:
        raise SettingsProblem([f"REDIS_URL={given} needs the Redis client: pip install -e '.[redis]'"]) from None
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SettingsProblem([f"REDIS_URL={given} is not reachable ({reason}): start Redis, or leave REDIS_URL "
                               "unset to keep locks and state in the database"]) from None


async def _ping_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT)
    try:
        await asyncio.wait_for(client.ping(), timeout=CONNECT_TIMEOUT)
    finally:
        await client.aclose()


def check_port(name: str, host: str, port: int) -> None:
    """The port is free to listen on (a bot already running there would make the start fail late)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            why = "in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
            raise SettingsProblem([f"{name}={port} cannot be used on {host} ({why}): expected a free port, or stop "
                                   "what listens there"]) from None


def check_webhook(settings: Settings) -> None:
    from bot.telegram.intake.webhook import WebhookConfigError, check_secret

    try:
        check_secret(settings.webhook_secret.get_secret_value() if settings.webhook_secret else None)
    except WebhookConfigError as exc:
        raise SettingsProblem([str(exc)]) from None
    if not settings.webhook_url or not settings.webhook_url.startswith(("https://", "http://")):
        raise SettingsProblem([f"WEBHOOK_URL={settings.webhook_url or ''!r} is not valid: expected the public https "
                               "address Telegram posts to, e.g. https://bot.example.org/telegram"])


def preflight(settings: Settings, *, webhook: bool = False, services: bool = True) -> None:
    """Try what the settings point at; SettingsProblem (one line) at the first that does not work."""
    if webhook:
        check_webhook(settings)
    check_data_dir(settings)
    check_database(settings)
    check_shared_secret(settings)
    if services:
        check_redis(settings)
        if webhook:
            check_port("WEBHOOK_PORT", settings.webhook_host, settings.webhook_port)
        if settings.health_port is not None and not (webhook and settings.health_port == settings.webhook_port):
            check_port("HEALTH_PORT", settings.health_host, settings.health_port)
