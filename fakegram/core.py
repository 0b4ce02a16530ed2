"""Everything the fake remembers, in one place, and the few helpers every other part uses.

The other modules add behaviour on top of :class:`Core`, one concern each (chats, topics,
messages, updates, faults, HTTP, what tests do); they keep no state of their own, so reading
``__init__`` here tells you all the fake knows.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections import deque
from typing import Any

from aiohttp import ClientSession, web

from fakegram.limits import JSONDict
from fakegram.records import Call, CallbackRecord, Fault, RateLimits, StoredFile, Topic


class Core:
    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_id: int | None = None,
        bot_username: str = "jol_test_bot",
        callback_ttl: float = 15.0,
    ) -> None:
        """
        :param token: the only token the server accepts (others get 401).
        :param bot_id: defaults to the numeric prefix of ``token``.
        :param callback_ttl: seconds after which answerCallbackQuery is refused.
        """
        self.token = token
        if bot_id is None:
            prefix = token.split(":", 1)[0]
            bot_id = int(prefix) if prefix.isdigit() else 1_000_001
        self.bot_id = bot_id
        self.bot_user: JSONDict = {
            "id": bot_id, "is_bot": True, "first_name": "Jol Test Bot", "username": bot_username,
        }
        self.callback_ttl = callback_ttl
        self._clock_offset = 0.0

        # people and chats (chats.py)
        self.users: dict[int, JSONDict] = {}
        self.chats: dict[int, JSONDict] = {}
        self.started: set[int] = set()  # private chats the user opened: the bot may write there
        self.blocked: set[int] = set()
        self.members: dict[tuple[int, int], JSONDict] = {}

        # messages, topics, files, button presses (messages.py, topics.py)
        self.messages: dict[tuple[int, int], JSONDict] = {}
        self._last_message_id: dict[int, int] = {}
        self.topics: dict[tuple[int, int], Topic] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackRecord] = {}
        self._file_counter = 0
        self._callback_counter = 0

        # updates and the webhook (updates.py)
        self.pending: list[JSONDict] = []
        self.confirmed_ids: set[int] = set()
        self.deliveries: dict[int, int] = {}  # update_id -> times handed to the bot
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._poll_event = asyncio.Event()
        self.webhook_url = ""
        self.webhook_secret: str | None = None

        # what happened (for tests)
        self.requests: list[Call] = []
        self.sent: list[JSONDict] = []  # bot messages as they were when sent
        self.rate_limited = 0
        self.retry_after_violations: list[Call] = []
        self.internal_errors: list[Exception] = []  # bugs in the fake (answered with a 500)

        # injected faults and rate limits (faults.py)
        self._faults: dict[str, deque[Fault]] = {}
        self._rate: RateLimits | None = None
        self._send_log: dict[str, deque[float]] = {}
        self._flood_until: dict[str, float] = {}

        # the HTTP server (http_server.py)
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self._closing = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self.base_url = ""

    # ------------------------------------------------------------------ clock

    def now(self) -> float:
        """The fake's wall clock: real time plus whatever :meth:`advance` added."""
        return time.time() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward (message ages, callback TTL, rate windows)."""
        self._clock_offset += seconds

    # ------------------------------------------------------------------ the update queue

    def push_update(self, raw: JSONDict) -> JSONDict:
        """Queue an arbitrary update; it gets the next ``update_id``."""
        body = copy.deepcopy(raw)
        body.pop("update_id", None)
        update: JSONDict = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        self.pending.append(update)
        self._wake_pollers()
        return copy.deepcopy(update)

    def _wake_pollers(self) -> None:
        self._poll_event.set()
        self._poll_event = asyncio.Event()

    # ------------------------------------------------------------------ the message store

    def _next_message_id(self, chat_id: int) -> int:
        value = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = value
        return value

    def _store_message(self, message: JSONDict) -> None:
        self.messages[(int(message["chat"]["id"]), int(message["message_id"]))] = message

    @staticmethod
    def _without_reply(message: JSONDict) -> JSONDict:
        result = copy.deepcopy(message)
        result.pop("reply_to_message", None)
        return result
