"""What the fake records: calls, uploads, files, faults, rate limits, forum topics, button presses."""

from __future__ import annotations

import contextvars
import json
from dataclasses import dataclass
from typing import Any, Final

from fakegram.limits import JSONDict

# --------------------------------------------------------------------------- records


@dataclass
class Call:
    """One API call as the fake saw it."""

    method: str
    params: JSONDict
    time: float
    ok: bool = False
    error_code: int | None = None
    description: str | None = None
    result: Any = None
    source: str = "http"  # "http" or "webhook-reply"
    done: bool = False

    def short(self) -> str:
        if not self.done:
            outcome = "pending"
        elif self.ok:
            outcome = "ok"
        else:
            outcome = f"{self.error_code} {self.description}"
        shown = {k: v for k, v in self.params.items() if k not in {"reply_markup", "entities"}}
        text = json.dumps(shown, ensure_ascii=False, default=str)
        if len(text) > 160:
            text = text[:157] + "..."
        return f"{self.method}({text}) -> {outcome}"


@dataclass
class Upload:
    filename: str
    content: bytes
    content_type: str | None = None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 1280
    height: int = 960


@dataclass
class Fault:
    status: int | None
    remaining: int
    retry_after: int | None = None
    description: str | None = None
    delay: float | None = None
    html: bool = False


@dataclass
class RateLimits:
    per_chat_per_sec: float = 1.0
    per_group_per_min: float = 20.0
    global_per_sec: float = 30.0
    scale: float = 1.0


@dataclass
class Topic:
    chat_id: int
    thread_id: int
    name: str
    icon_color: int
    closed: bool = False
    deleted: bool = False  # a person deleted it in the group (tests set this)

    def as_forum_topic(self) -> JSONDict:
        return {"message_thread_id": self.thread_id, "name": self.name, "icon_color": self.icon_color}


@dataclass
class CallbackRecord:
    """A button press: answerCallbackQuery may answer it once, within ``callback_ttl``."""

    id: str
    created: float
    data: str
    answered: bool = False
    answer: JSONDict | None = None


@dataclass
class _Reply:
    """A successful result with an extra ``description`` (setWebhook & co)."""

    result: Any
    description: str | None = None


_MISSING: Final = object()
_CURRENT_CALL: contextvars.ContextVar[Call | None] = contextvars.ContextVar(
    "fake_telegram_call", default=None
)
