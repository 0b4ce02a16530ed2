"""Run the real bot (``python -m bot run``) as a subprocess against the fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fakegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-e2e-token-abcdefghijklmnopqrstuvwxyz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateRedis:
    """A Redis server of one test's own, so that stopping it disturbs no other test, and no other
    test's flush of the shared Redis empties its windows and states in the middle. It keeps its
    data in an append-only file across a restart, as the deploy guide's Redis does."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.skip("redis-server is not installed")
        self.proc = subprocess.Popen([server, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
                                      str(self.folder), "--appendonly", "yes", "--save", ""],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class BotProcess:
    def __init__(self, base_url: str, workdir: Path, **env: str):
        self.workdir = workdir
        self.env = dict(os.environ, BOT_TOKEN=TOKEN, BOT_API_URL=base_url,
                        DATABASE_URL=f"sqlite+aiosqlite:///{workdir}/jol.sqlite", DATA_DIR=str(workdir),
                        PSEUDONYM_SECRET="e2e-secret-long-enough-for-hmac", POLLING_TIMEOUT="2",
                        SHUTDOWN_TIMEOUT="5", LOG_LEVEL="INFO")
        self.env.update(env)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / "bot.log"
        self.starts = 0

    def start(self, *args: str) -> None:
        self.starts += 1
        with self.log.open("ab") as out:
            out.write(f"\n--- start {self.starts} ---\n".encode())
            self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run", *args], cwd=ROOT, env=self.env,
                                         stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=10)

    async def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then wait for a clean exit."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        for _ in range(int(timeout * 20)):
            if self.proc.poll() is not None:
                return self.proc.returncode
            await asyncio.sleep(0.05)
        self.proc.kill()
        raise AssertionError(f"the bot did not stop on SIGTERM within {timeout}s\n{self.output()}")

    async def exited(self, timeout: float = 20) -> int:
        assert self.proc is not None
        for _ in range(int(timeout * 20)):
            if self.proc.poll() is not None:
                return self.proc.returncode
            await asyncio.sleep(0.05)
        raise AssertionError(f"the bot did not exit\n{self.output()}")

    def inbox(self) -> list[tuple[int, str, int]]:
        """(update_id, status, attempts) of every update the bot stored."""
        with sqlite3.connect(self.workdir / "jol.sqlite") as conn:
            return list(conn.execute("select update_id, status, attempts from inbox order by update_id"))

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Person:
    """One migrant talking to the bot through the fake server (a ``Chat`` of tests/chat.py)."""

    def __init__(self, tg: FakeTelegram, user_id: int = 5001, language_code: str = "en", **user: Any):
        self.tg = tg
        self.user = tg.user(user_id, language_code=language_code, **user)
        self.chat_id = user_id

    def latest(self) -> dict[str, Any] | None:
        messages = self.tg.bot_messages(self.chat_id)
        return max(messages, key=lambda m: m["message_id"]) if messages else None

    def screen(self) -> str:
        latest = self.latest()
        return str(latest.get("text", "")) if latest else ""

    async def expect(self, contains: str, timeout: float = 60.0) -> dict[str, Any]:
        """Wait for the latest message to contain ``contains``. The deadline is generous: it only
        matters when the answer never comes, and a bot just started may still be importing."""
        await self.tg.wait_for(lambda: contains in self.screen(), timeout,
                               what=f"chat {self.chat_id}: the latest message to contain {contains!r} "
                                    f"(now: {self.screen()[:80]!r})")
        latest = self.latest()
        assert latest is not None
        return latest

    async def onboard(self, language: str = "English") -> None:
        """/start, a language, the privacy notice: up to the safety question."""
        self.send("/start")
        await self.expect("Choose your language", timeout=90)
        self.press(language)
        await self.expect("never asks your name")
        self.press("OK, continue")
        await self.expect("Are you in danger now")

    def send(self, text: str) -> dict[str, Any]:
        return self.tg.push_message(self.user, text)

    # -- the Chat interface of tests/chat.py: the bot answers in its own time, so ``reads`` waits --
    async def write(self, text: str) -> None:
        self.send(text)

    async def tap(self, label: str) -> None:
        self.press(label)

    async def reads(self, contains: str) -> str:
        return str((await self.expect(contains))["text"])

    def press(self, label: str) -> dict[str, Any]:
        with_buttons = [m for m in self.tg.bot_messages(self.chat_id) if self.tg.button_data(m)]
        assert with_buttons, f"no message with buttons\n{self.tg.dump()}"
        message = max(with_buttons, key=lambda m: m["message_id"])
        button = self.tg.find_button(message, label)
        return self.tg.press_button(self.user, message, button["callback_data"])
