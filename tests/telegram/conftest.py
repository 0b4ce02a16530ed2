"""A real App (Dispatcher, middlewares, handlers, SQLite) with a recording Telegram session."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendMessage

from bot.config import Settings
from bot.engine.clock import Clock
from bot.telegram.app import App, build_app

from .session import RecordingSession

TODAY = dt.date(2026, 11, 26)


class Migrant:
    """Sends updates to the app as one Telegram user would (a ``Chat`` of tests/chat.py)."""

    _update_ids = itertools.count(1)

    def __init__(self, app: App, session: RecordingSession, user_id: int = 7001, language_code: str = "ru",
                 first_name: str = "Dilnoza", username: str = "dilnoza_97"):
        self.app, self.session = app, session
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name, "username": username,
                     "language_code": language_code}
        self.chat = {"id": user_id, "type": "private", "first_name": first_name, "username": username}
        self._message_ids = itertools.count(1)

    def _message(self, **fields: Any) -> dict[str, Any]:
        return {"message_id": next(self._message_ids), "date": 1764150000, "chat": self.chat, "from": self.user,
                **fields}

    async def send(self, text: str, update_id: int | None = None) -> dict[str, Any]:
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return await self.update({"message": self._message(**fields)}, update_id)

    async def send_sticker(self) -> dict[str, Any]:
        sticker = {"file_id": "CAAC", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False}
        return await self.update({"message": self._message(sticker=sticker)})

    async def press(self, data: str, message_id: int = 1000, update_id: int | None = None, *,
                    handle: bool = True) -> dict[str, Any]:
        message = {"message_id": message_id, "date": 1764150000, "chat": self.chat,
                   "from": {"id": 42, "is_bot": True, "first_name": "Jol"}, "text": "…"}
        query = {"id": f"q{next(self._update_ids)}", "from": self.user, "chat_instance": "ci", "data": data,
                 "message": message}
        return await self.update({"callback_query": query}, update_id, handle=handle)

    async def press_button(self, label_part: str, update_id: int | None = None, *,
                           handle: bool = True) -> dict[str, Any]:
        """Press the button whose label contains ``label_part`` on the latest keyboard."""
        markup = self.session.last_markup()
        assert markup is not None, "no keyboard was shown"
        buttons = [b for row in markup.inline_keyboard for b in row]
        wanted = label_part.casefold()
        exact = [b for b in buttons if b.text.casefold() == wanted]
        partial = [b for b in buttons if wanted in b.text.casefold()]
        for button in exact or partial:
            assert button.callback_data is not None
            return await self.press(button.callback_data, update_id=update_id, handle=handle)
        labels = [b.text for b in buttons]
        raise AssertionError(f"no button with {label_part!r}; buttons: {labels}")

    # -- the Chat interface of tests/chat.py: each update is handled before these return --------
    async def write(self, text: str) -> None:
        await self.send(text)

    async def tap(self, label: str) -> None:
        await self.press_button(label)

    async def reads(self, contains: str) -> str:
        shown = [r.text for r in self.session.requests
                 if isinstance(r, (SendMessage, EditMessageText)) and r.chat_id == self.chat["id"]]
        latest = shown[-1] if shown else ""
        assert contains in latest, f"chat {self.chat['id']}: the bot shows {latest[:120]!r}, not {contains!r}"
        return latest

    async def update(self, fields: dict[str, Any], update_id: int | None = None, *,
                     handle: bool = True) -> dict[str, Any]:
        """Store the update in the inbox; with ``handle``, handle it and mark it done."""
        payload = {"update_id": update_id if update_id is not None else next(self._update_ids), **fields}
        stored = await self.app.inbox.store([payload])
        if stored and handle:
            await self.app.handle(payload)
            await self.app.inbox.finish(payload["update_id"])
        return payload


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
                        database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", data_dir=tmp_path,
                        pseudonym_secret="test-secret-of-enough-length", _env_file=None)  # type: ignore[call-arg]
    built = await build_app(settings, Clock.fixed(TODAY))
    built.bot.session = RecordingSession()
    yield built
    await built.close()


@pytest.fixture
def session(app: App) -> RecordingSession:
    assert isinstance(app.bot.session, RecordingSession)
    return app.bot.session
