"""A strict, local fake of the Telegram Bot API for tests and benchmarks.

One :class:`FakeTelegram` instance is one HTTP server (aiohttp, 127.0.0.1 only)
that serves one bot token.  Point aiogram at it with::

    fake = FakeTelegram()
    base_url = await fake.start()
    session = AiohttpSession(api=TelegramAPIServer.from_base(base_url))
    bot = Bot(fake.token, session=session)

The fake imitates the real server closely where tests care about it:

* Telegram-shaped JSON envelopes and HTTP status codes (``error_code`` equals
  the HTTP status), exact descriptions for the common errors;
* ``multipart/form-data`` (what aiogram sends), ``application/json``,
  ``x-www-form-urlencoded`` bodies and query-string parameters;
* ``getUpdates`` with offset confirmation, limit clamping, long polling,
  ``allowed_updates`` filtering and the two 409 conflicts;
* webhooks (``setWebhook``/``deleteWebhook``/``getWebhookInfo``) plus
  :meth:`FakeTelegram.deliver_webhook`, which POSTs an update to the bot and
  executes a method returned in the webhook reply, like Telegram does;
* HTML / MarkdownV2 / Markdown parsing into plain text + entities, text
  trimming, length limits, keyboard validation, topic and membership rules;
* opt-in rate limits (429 with ``retry_after``), fault injection and latency.

Everything runs in the caller's event loop; there are no threads.

Rate-limit time scale: ``set_rate_limits(..., scale=10)`` makes every window
ten times shorter.  ``retry_after`` is then reported in *scaled* seconds
(always an integer >= 1, as Telegram does); a client that waits the reported
number of real seconds is always compliant, and a request arriving before
``retry_after / scale`` real seconds is recorded in
:attr:`FakeTelegram.retry_after_violations`.

Standalone use (manual runs, benchmarks in another process)::

    python -m fakegram --port 8081 --token 123456:TEST

prints the base URL and serves until killed.  A small control API is exposed
under ``/_fake/`` (see :meth:`FakeTelegram._handle_control`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import math
import mimetypes
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict
from typing import Any, Final

from aiohttp import BodyPartReader, ClientSession, ClientTimeout, MultipartReader, web

from fakegram.errors import (
    _HTML_BODY,
    ApiError,
    EntityParseError,
    _default_description,
    bad_request,
    forbidden,
    too_many_requests,
)
from fakegram.formatting import _trim, _validate_entities, parse_html, parse_markdown, parse_markdown_v2
from fakegram.limits import (
    _BOT_COMMAND_RE,
    _COMMAND_RE,
    _SECRET_RE,
    ADMIN_RIGHTS,
    CHAT_ACTIONS,
    CONFLICT_POLL,
    CONFLICT_WEBHOOK,
    CONTENT_KEYS,
    DEFAULT_ALLOWED_UPDATES,
    DELETE_WINDOW_SECONDS,
    INLINE_BUTTON_ACTIONS,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_DOWNLOAD_BYTES,
    MAX_TEXT_LENGTH,
    MAX_UPLOAD_BYTES,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    RESTRICTED_FLAGS,
    SERVICE_KEYS,
    TOPIC_ICON_COLORS,
    JSONDict,
)
from fakegram.params import Params, _id_of, _normalize_params, _u16
from fakegram.records import (
    _CURRENT_CALL,
    _MISSING,
    Call,
    CallbackRecord,
    Fault,
    RateLimits,
    StoredFile,
    Topic,
    Upload,
    _Reply,
)

# --------------------------------------------------------------------------- the fake


Handler = Callable[[Params], Awaitable[Any]]

API_METHODS: Final = (
    "getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
    "sendMessage", "editMessageText", "editMessageReplyMarkup", "editMessageCaption",
    "deleteMessage", "deleteMessages", "answerCallbackQuery", "copyMessage",
    "forwardMessage", "sendPhoto", "sendDocument", "sendChatAction", "setMyCommands",
    "deleteMyCommands", "getMyCommands", "setChatMenuButton", "getChatMenuButton",
    "createForumTopic", "editForumTopic", "closeForumTopic", "reopenForumTopic",
    "deleteForumTopic", "getChat", "getChatMember", "getChatAdministrators",
    "pinChatMessage", "unpinChatMessage", "unpinAllChatMessages", "getFile",
    "close", "logOut",
)
# Methods whose successful results are bot messages for :meth:`sent_messages`.
SENDING_METHODS: Final = frozenset({
    "sendMessage", "copyMessage", "forwardMessage", "sendPhoto", "sendDocument",
})


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class FakeTelegram:
    """A strict in-process fake Telegram Bot API server for one bot."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_id: int | None = None,
        bot_username: str = "jol_test_bot",
        bot_first_name: str = "Jol Test Bot",
        first_update_id: int = 1,
        callback_ttl: float = 15.0,
        clock: Callable[[], float] | None = None,
        strict_webhook_url: bool = False,
        control_api: bool = True,
    ) -> None:
        """
        :param token: the only token the server accepts (others get 401).
        :param bot_id: defaults to the numeric prefix of ``token``.
        :param first_update_id: ``update_id`` of the first injected update.
        :param callback_ttl: seconds after which answerCallbackQuery is refused.
        :param clock: wall clock (seconds since epoch); see also :meth:`advance`.
        :param strict_webhook_url: require ``https`` and ports 80/88/443/8443 like
            Telegram (off by default so tests can use a local http server).
        :param control_api: serve the ``/_fake/...`` control endpoints.
        """
        self.token = token
        if bot_id is None:
            prefix = token.split(":", 1)[0]
            bot_id = int(prefix) if prefix.isdigit() else 1_000_001
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_user: JSONDict = {
            "id": bot_id, "is_bot": True, "first_name": bot_first_name, "username": bot_username,
        }
        self.callback_ttl = callback_ttl
        self.strict_webhook_url = strict_webhook_url
        self.control_api = control_api
        self._clock: Callable[[], float] = clock or time.time
        self._clock_offset = 0.0

        # world state
        self.users: dict[int, JSONDict] = {}
        self.chats: dict[int, JSONDict] = {}
        self.started: set[int] = set()
        self.blocked: set[int] = set()
        self.deactivated: set[int] = set()
        self.members: dict[tuple[int, int], JSONDict] = {}
        self.messages: dict[tuple[int, int], JSONDict] = {}
        self.deleted_messages: list[tuple[int, int]] = []
        self.topics: dict[tuple[int, int], Topic] = {}
        self.pinned: dict[int, list[int]] = {}
        self.reply_keyboards: dict[int, JSONDict] = {}
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackRecord] = {}
        self._last_message_id: dict[int, int] = {}
        self._file_counter = 0
        self._callback_counter = 0

        # updates & webhook
        self.pending: list[JSONDict] = []
        self.confirmed_ids: set[int] = set()
        self.dropped_ids: set[int] = set()
        self.filtered_ids: set[int] = set()
        self.deliveries: dict[int, int] = {}
        self._next_update_id = first_update_id
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._poll_event = asyncio.Event()
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_max_connections = 40
        self.webhook_ip_address: str | None = None
        self.webhook_last_error: tuple[int, str] | None = None
        self.logged_out = False

        # recording
        self.requests: list[Call] = []
        self.sent: list[JSONDict] = []
        self.edits: list[JSONDict] = []
        self.rate_limited = 0
        self.retry_after_violations: list[Call] = []
        self.internal_errors: list[Exception] = []

        # knobs
        self._faults: dict[str, deque[Fault]] = {}
        self._latency = 0.0
        self._rate: RateLimits | None = None
        self._send_log: dict[str, deque[float]] = {}
        self._flood_until: dict[str, float] = {}

        # server
        self._methods: dict[str, tuple[str, Handler]] = {}
        for name in API_METHODS:
            self._methods[name.lower()] = (name, getattr(self, f"_api_{_snake(name)}"))
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self._closing = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self.base_url = ""

    # ------------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving; returns the base URL (``http://127.0.0.1:PORT``)."""
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._closing = asyncio.Event()
        self._poll_event = asyncio.Event()
        runner = web.AppRunner(
            self.make_app(), access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = port
        for address in runner.addresses:
            if isinstance(address, tuple) and len(address) >= 2:
                bound_port = int(address[1])
                break
        self.base_url = f"http://{host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving; pending long polls and delays end immediately."""
        self._closing.set()
        self._wake_pollers()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        if self.control_api:
            app.router.add_route("*", "/_fake/{action}", self._handle_control)
        app.router.add_route("*", "/{tail:.*}", self._handle_not_found)
        return app

    # ------------------------------------------------------------------ clock

    def now(self) -> float:
        """The fake's wall clock (injectable via ``clock=`` and :meth:`advance`)."""
        return self._clock() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward (message ages, callback TTL, rate windows)."""
        self._clock_offset += seconds

    # ------------------------------------------------------------------ users & chats

    def user(
        self,
        id: int,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "en",
        *,
        last_name: str | None = None,
        is_premium: bool | None = None,
    ) -> JSONDict:
        """Create (or update) a simulated user; returns the ``User`` object.

        The user's private chat becomes *known* (messages can be sent to it) only
        after the user wrote to the bot (:meth:`push_message`) or
        :meth:`register_chat`; before that sends get 403 ``bot can't initiate
        conversation with a user``.
        """
        if id <= 0:
            raise ValueError("user ids are positive")
        user: JSONDict = {"id": id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        if is_premium:
            user["is_premium"] = True
        self.users[id] = user
        if id in self.chats:
            self.chats[id] = self._private_chat(user)
        return dict(user)

    def private_chat(self, user: JSONDict | int) -> JSONDict:
        """The ``Chat`` object of a user's private chat with the bot."""
        return self._private_chat(self._ensure_user(user))

    def supergroup(
        self,
        id: int,
        title: str,
        *,
        is_forum: bool = False,
        username: str | None = None,
        bot_status: str = "administrator",
        **bot_rights: Any,
    ) -> JSONDict:
        """Register a supergroup (ids are negative, e.g. ``-100123``).

        The bot is an administrator with all rights unless ``bot_status`` /
        ``bot_rights`` say otherwise (``can_manage_topics=False`` ...).
        """
        if id >= 0:
            raise ValueError("supergroup ids are negative, e.g. -1001234567890")
        chat: JSONDict = {"id": id, "type": "supergroup", "title": title}
        if username:
            chat["username"] = username
        if is_forum:
            chat["is_forum"] = True
            self._last_message_id.setdefault(id, 1)  # 1 is the General topic
        self.chats[id] = chat
        self.set_member(chat, self.bot_user, bot_status, **bot_rights)
        return dict(chat)

    def group(
        self, id: int, title: str, *, bot_status: str = "member", **bot_rights: Any
    ) -> JSONDict:
        """Register a basic group (negative id)."""
        if id >= 0:
            raise ValueError("group ids are negative")
        chat: JSONDict = {"id": id, "type": "group", "title": title}
        self.chats[id] = chat
        self.set_member(chat, self.bot_user, bot_status, **bot_rights)
        return dict(chat)

    def register_chat(self, chat: JSONDict | int) -> JSONDict:
        """Make a chat known: a ``Chat`` dict, a ``User`` dict or a known user id."""
        if isinstance(chat, int) or ("type" not in chat and "first_name" in chat):
            user = self._ensure_user(chat)
            private = self._private_chat(user)
            self.chats[user["id"]] = private
            self.started.add(user["id"])
            return dict(private)
        stored = copy.deepcopy(chat)
        self.chats[int(stored["id"])] = stored
        if stored.get("type") == "private":
            self.started.add(int(stored["id"]))
        elif (int(stored["id"]), self.bot_id) not in self.members:
            self.set_member(stored, self.bot_user, "member")
        return dict(stored)

    def block(self, user: JSONDict | int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends get 403 ``bot was blocked by the user``.

        With ``notify`` a ``my_chat_member`` update (member -> kicked) is queued,
        as Telegram does.
        """
        uid = _id_of(user)
        self.blocked.add(uid)
        if notify and uid in self.users:
            self._push_my_chat_member(uid, "member", "kicked")

    def unblock(self, user: JSONDict | int, *, notify: bool = True) -> None:
        uid = _id_of(user)
        was_blocked = uid in self.blocked
        self.blocked.discard(uid)
        if notify and was_blocked and uid in self.users:
            self._push_my_chat_member(uid, "kicked", "member")

    def deactivate(self, user: JSONDict | int) -> None:
        """The account is deleted: sends get 403 ``user is deactivated``."""
        self.deactivated.add(_id_of(user))

    def set_member(
        self, chat: JSONDict | int, user: JSONDict | int, status: str = "member", **fields: Any
    ) -> JSONDict:
        """Configure what getChatMember returns (and the bot's own rights).

        ``status`` is creator/administrator/member/restricted/left/kicked; extra
        fields override the defaults (e.g. ``can_manage_topics=False``).
        """
        cid = _id_of(chat)
        uid = _id_of(user)
        user_obj = self.bot_user if uid == self.bot_id else self._ensure_user(user)
        member = self._member_object(status, user_obj, **fields)
        self.members[(cid, uid)] = member
        return copy.deepcopy(member)

    def kick_bot(self, chat: JSONDict | int) -> None:
        """The bot is removed from a group: sends get 403."""
        self.set_member(chat, self.bot_user, "kicked")

    def add_topic(
        self,
        chat: JSONDict | int,
        name: str,
        *,
        icon_color: int = 0x6FB9F0,
        creator: JSONDict | int | None = None,
    ) -> int:
        """Create a forum topic as if a user made it; returns ``message_thread_id``."""
        forum = self.chats.get(_id_of(chat))
        if forum is None or not forum.get("is_forum"):
            raise ValueError("add_topic needs a registered forum supergroup")
        sender = self._ensure_user(creator) if creator is not None else None
        return self._create_topic(forum, name, icon_color, None, sender).thread_id

    # ------------------------------------------------------------------ injecting updates

    def push_update(self, raw: JSONDict) -> JSONDict:
        """Queue an arbitrary update; it gets the next ``update_id``."""
        body = copy.deepcopy(raw)
        body.pop("update_id", None)
        update: JSONDict = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        self.pending.append(update)
        self._wake_pollers()
        return copy.deepcopy(update)

    def push_message(
        self,
        user: JSONDict | int,
        text: str | None = None,
        *,
        chat: JSONDict | int | None = None,
        photo: bool | JSONDict = False,
        sticker: bool | JSONDict = False,
        voice: bool | JSONDict = False,
        document: bool | JSONDict = False,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        caption: str | None = None,
        entities: list[JSONDict] | None = None,
        caption_entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """A user writes a message (private chat unless ``chat`` is given).

        Text starting with a command gets a ``bot_command`` entity unless
        ``entities`` is given.  Media flags may be ``True`` or a dict of fields
        to override (``document={"file_name": "cv.pdf"}``).  Returns the update.
        """
        sender = self._ensure_user(user)
        uid = sender["id"]
        if chat is None:
            target = self._private_chat(sender)
            self.chats[uid] = target
            self.started.add(uid)
            if uid in self.blocked:
                self.unblock(uid)
        else:
            cid = _id_of(chat)
            if cid not in self.chats:
                if isinstance(chat, dict):
                    self.register_chat(chat)
                else:
                    raise ValueError(f"unknown chat {cid}; register it first")
            target = self.chats[cid]
            if target["type"] != "private" and (cid, uid) not in self.members:
                self.set_member(target, sender, "member")
        message = self._new_message(target, sender, message_thread_id, reply_to_message_id)
        if text is not None:
            message["text"] = text
            if entities is not None:
                if entities:
                    message["entities"] = copy.deepcopy(entities)
            else:
                match = _COMMAND_RE.match(text)
                if match:
                    message["entities"] = [
                        {"type": "bot_command", "offset": 0, "length": _u16(match.group(0))}
                    ]
        media = False
        if photo:
            message["photo"] = self._photo_sizes(self._user_file("photo", photo))
            media = True
        if document:
            stored = self._user_file("document", document)
            message["document"] = self._document_object(stored)
            media = True
        if sticker:
            stored = self._user_file("sticker", sticker)
            message["sticker"] = {
                "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "type": "regular", "width": 512, "height": 512, "is_animated": False,
                "is_video": False, "emoji": "🙂", "file_size": len(stored.content),
            }
            media = True
        if voice:
            stored = self._user_file("voice", voice)
            message["voice"] = {
                "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "duration": 3, "mime_type": "audio/ogg", "file_size": len(stored.content),
            }
            media = True
        if caption is not None:
            if not media:
                raise ValueError("caption needs photo/document/voice")
            message["caption"] = caption
            if caption_entities:
                message["caption_entities"] = copy.deepcopy(caption_entities)
        if text is None and not media:
            raise ValueError("push_message needs text or media")
        if text is not None and media:
            raise ValueError("use caption= for media messages")
        self._store_message(message)
        return self.push_update({"message": copy.deepcopy(message)})

    def press_button(
        self, user: JSONDict | int, message: JSONDict, data: str, *, check: bool = True
    ) -> JSONDict:
        """The user presses an inline button with ``callback_data == data``.

        ``message`` is a bot message (e.g. the result of ``send_message`` as a
        dict, or an entry of :meth:`sent_messages`); its *current* stored version
        is put into the callback query.  With ``check`` the message must still
        exist and carry a button with that data.
        """
        sender = self._ensure_user(user)
        chat_id = int(message["chat"]["id"])
        message_id = int(message["message_id"])
        current = self.messages.get((chat_id, message_id))
        if current is None:
            if check:
                raise ValueError(f"message {chat_id}/{message_id} does not exist (deleted?)")
            current = message
        if check:
            available = self.button_data(current)
            if data not in available:
                raise ValueError(
                    f"no inline button with callback_data={data!r}; available: {available}"
                )
        self._callback_counter += 1
        counter = self._callback_counter
        query_id = str(4_000_000_000_000_000_000 + counter * 7919 + self.bot_id % 1000)
        self.callback_queries[query_id] = CallbackRecord(
            id=query_id, created=self.now(), user_id=sender["id"], chat_id=chat_id,
            message_id=message_id, data=data,
        )
        query: JSONDict = {
            "id": query_id, "from": dict(sender), "message": copy.deepcopy(current),
            "chat_instance": str(7_000_000_000_000_000_000 + chat_id), "data": data,
        }
        return self.push_update({"callback_query": query})

    @staticmethod
    def button_data(message: JSONDict) -> list[str]:
        """All ``callback_data`` values of a message's inline keyboard."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]

    @staticmethod
    def find_button(message: JSONDict, text: str) -> JSONDict:
        """The inline button whose text equals (or else contains) ``text``."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = [b for row in rows for b in row]
        for button in buttons:
            if button.get("text") == text:
                return dict(button)
        for button in buttons:
            if text in str(button.get("text", "")):
                return dict(button)
        raise AssertionError(f"no button {text!r}; buttons: {[b.get('text') for b in buttons]}")

    @property
    def pending_updates(self) -> list[JSONDict]:
        return copy.deepcopy(self.pending)

    # ------------------------------------------------------------------ knobs

    def set_rate_limits(
        self,
        per_chat_per_sec: float = 1.0,
        per_group_per_min: float = 20,
        global_per_sec: float = 30,
        scale: float = 1.0,
    ) -> None:
        """Enable Telegram-like flood limits for message-creating methods.

        ``scale`` divides every window (scale=10: 10 msg/s per chat).  Only
        successful sends count.  See the module docstring for ``retry_after``.
        """
        if scale <= 0:
            raise ValueError("scale must be positive")
        self._rate = RateLimits(per_chat_per_sec, per_group_per_min, global_per_sec, scale)
        self._send_log.clear()
        self._flood_until.clear()

    def disable_rate_limits(self) -> None:
        self._rate = None
        self._send_log.clear()
        self._flood_until.clear()

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
        delay: float | None = None,
        html: bool = False,
    ) -> None:
        """Make the next ``count`` calls of ``method`` (``"*"``: any method) fail.

        ``status`` defaults to 500 unless only ``delay`` is given, in which case
        the call is answered normally after ``delay`` seconds (a slow server /
        client timeout; the action still happens, like on the real server).
        429 answers carry ``retry_after`` (default 1). ``html=True`` answers with
        a gateway's HTML error page instead of JSON (``502 Bad Gateway`` from nginx).
        """
        if count < 1:
            raise ValueError("count must be >= 1")
        if status is None and delay is None:
            status = 500
        fault = Fault(status, count, retry_after, description, delay, html)
        key = "*" if method == "*" else method.lower()
        self._faults.setdefault(key, deque()).append(fault)

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_latency(self, seconds: float) -> None:
        """Delay every API answer by ``seconds``."""
        self._latency = max(0.0, seconds)

    def reset_counters(self) -> None:
        """Forget recorded calls, sent messages, deliveries, 429 counters, flood state."""
        self.requests.clear()
        self.sent.clear()
        self.edits.clear()
        self.deliveries.clear()
        self.confirmed_ids.clear()
        self.dropped_ids.clear()
        self.filtered_ids.clear()
        self.rate_limited = 0
        self.retry_after_violations.clear()
        self._send_log.clear()
        self._flood_until.clear()

    # ------------------------------------------------------------------ inspection

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls (all, or of one method, case-insensitive)."""
        if method is None:
            return list(self.requests)
        wanted = method.lower()
        return [c for c in self.requests if c.method.lower() == wanted]

    def sent_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """Messages the bot created (sendMessage/sendPhoto/sendDocument/copyMessage/
        forwardMessage), as they were when sent, oldest first."""
        if chat_id is None:
            return copy.deepcopy(self.sent)
        return [copy.deepcopy(m) for m in self.sent if m["chat"]["id"] == chat_id]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Text (or caption) of every sent message."""
        return [str(m.get("text", m.get("caption", ""))) for m in self.sent_messages(chat_id)]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """Current stored state of a message (after edits), or None if deleted/unknown."""
        found = self.messages.get((chat_id, message_id))
        return copy.deepcopy(found) if found is not None else None

    def bot_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """Current state of the bot's messages that still exist."""
        return [
            copy.deepcopy(m)
            for (cid, _), m in sorted(self.messages.items())
            if m.get("from", {}).get("id") == self.bot_id and (chat_id is None or cid == chat_id)
        ]

    def keyboard(self, chat_id: int) -> JSONDict | None:
        """The reply keyboard currently shown in a chat (None if removed/never sent)."""
        found = self.reply_keyboards.get(chat_id)
        return copy.deepcopy(found) if found is not None else None

    def dump(self, last: int = 25) -> str:
        """Human-readable tail of the call log (for assertion messages)."""
        lines = [f"last {min(last, len(self.requests))} of {len(self.requests)} calls:"]
        lines += [f"  {c.short()}" for c in self.requests[-last:]]
        lines.append(f"pending updates: {[u['update_id'] for u in self.pending]}")
        return "\n".join(lines)

    async def wait_for(
        self, predicate: Callable[[], bool], timeout: float = 5.0, *, what: str = "condition"
    ) -> None:
        """Poll ``predicate`` until it is true; AssertionError with a dump on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() >= deadline:
                raise AssertionError(f"{what} not met within {timeout}s\n{self.dump()}")
            await asyncio.sleep(0.005)

    async def wait_for_message(
        self,
        chat_id: int,
        contains: str | None = None,
        timeout: float = 5.0,
        *,
        since: int = 0,
    ) -> JSONDict:
        """Wait for a bot message in ``chat_id`` whose text/caption contains ``contains``.

        Returns the first match among :meth:`sent_messages` from index ``since``
        on (pass ``len(fake.sent)`` taken before an action to only see newer ones).
        """
        found: list[JSONDict] = []

        def matches() -> bool:
            for message in self.sent[since:]:
                if message["chat"]["id"] != chat_id:
                    continue
                body = str(message.get("text", message.get("caption", "")))
                if contains is None or contains in body:
                    found.append(message)
                    return True
            return False

        await self.wait_for(
            matches, timeout, what=f"bot message in chat {chat_id} containing {contains!r}"
        )
        return copy.deepcopy(found[0])

    # ------------------------------------------------------------------ webhook delivery

    async def deliver_webhook(
        self,
        update: JSONDict,
        *,
        secret_token: str | object | None = _MISSING,
        url: str | None = None,
        timeout: float = 10.0,
    ) -> int:
        """POST ``update`` to the webhook like Telegram; returns the HTTP status.

        The header ``X-Telegram-Bot-Api-Secret-Token`` carries the configured
        secret unless ``secret_token`` overrides it (``None``: no header).  A 2xx
        answer confirms the update; a method in the reply body (aiogram's
        webhook reply) is executed and recorded with ``source="webhook-reply"``.
        """
        target = url or self.webhook_url
        if not target:
            raise RuntimeError("no webhook is set")
        headers = {"Content-Type": "application/json"}
        secret = self.webhook_secret if secret_token is _MISSING else secret_token
        if isinstance(secret, str):
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        if self._client is None or self._client.closed:
            self._client = ClientSession()
        update_id = int(update["update_id"])
        self.deliveries[update_id] = self.deliveries.get(update_id, 0) + 1
        payload = json.dumps(update, ensure_ascii=False)
        async with self._client.post(
            target, data=payload.encode(), headers=headers, timeout=ClientTimeout(total=timeout)
        ) as response:
            status = response.status
            if 200 <= status < 300:
                self.pending = [u for u in self.pending if u["update_id"] != update_id]
                self.confirmed_ids.add(update_id)
                await self._run_webhook_reply(response)
            else:
                self.webhook_last_error = (
                    int(self.now()), f"Wrong response from the webhook: {status} {response.reason}"
                )
        return status

    async def deliver_pending_webhook(self) -> list[int]:
        """Deliver every pending update in order; returns the statuses."""
        statuses = []
        for update in list(self.pending):
            if self._allowed(update):
                statuses.append(await self.deliver_webhook(update))
        return statuses

    async def _run_webhook_reply(self, response: Any) -> None:
        content_type = response.content_type
        params: JSONDict = {}
        files: dict[str, Upload] = {}
        if content_type == "multipart/form-data":
            reader = MultipartReader.from_response(response)
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    continue
                body = await part.read(decode=True)
                name = part.name or ""
                if part.filename:
                    files[name] = Upload(part.filename, bytes(body))
                else:
                    params[name] = bytes(body).decode("utf-8")
        elif content_type == "application/json":
            with contextlib.suppress(ValueError):
                loaded = json.loads(await response.text())
                if isinstance(loaded, dict):
                    params = loaded
        method = params.pop("method", None)
        if not isinstance(method, str) or not method:
            return
        entry = self._methods.get(method.lower())
        if entry is None:
            return
        await self._execute(entry[0], entry[1], params, files, source="webhook-reply")

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        if token != self.token:
            self._record_failure(method, {}, ApiError(401, "Unauthorized"))
            return self._json(ApiError(401, "Unauthorized").payload(), 401)
        entry = self._methods.get(method.lower())
        if entry is None:
            self._record_failure(method, {}, ApiError(404, "Not Found"))
            return self._json(ApiError(404, "Not Found").payload(), 404)
        name, handler = entry
        try:
            raw, files = await self._read_params(request)
        except ApiError as error:
            self._record_failure(name, {}, error)
            return self._json(error.payload(), error.code)
        if name == "getUpdates":
            status, body = await self._execute(name, handler, raw, files)
        else:
            # Once received, a request is carried out even if the client goes away.
            task = asyncio.ensure_future(self._execute(name, handler, raw, files))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            status, body = await asyncio.shield(task)
        return self._json(body, status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._json(ApiError(401, "Unauthorized").payload(), 401)
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(
                    body=stored.content, content_type=stored.mime_type or "application/octet-stream"
                )
        return self._json(ApiError(404, "Not Found").payload(), 404)

    async def _handle_not_found(self, request: web.Request) -> web.Response:
        return self._json(ApiError(404, "Not Found").payload(), 404)

    @staticmethod
    def _json(body: JSONDict, status: int) -> web.Response:
        if _HTML_BODY in body:
            return web.Response(text=body[_HTML_BODY], status=status, content_type="text/html")
        text = json.dumps(body, ensure_ascii=False)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: escaped, as the real Bot API would send it
            text = json.dumps(body)
        return web.Response(text=text, status=status, content_type="application/json")

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, Upload]]:
        params: JSONDict = dict(request.query)
        files: dict[str, Upload] = {}
        content_type = request.content_type
        if not request.body_exists:
            return params, files
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            params.update(body)
        elif content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = Upload(value.filename, value.file.read(), value.content_type)
                else:
                    params[key] = value
        return params, files

    def _record_failure(self, method: str, params: JSONDict, error: ApiError) -> None:
        self.requests.append(
            Call(
                method=method, params=params, time=self.now(), ok=False, error_code=error.code,
                description=error.description, done=True,
            )
        )

    async def _execute(
        self,
        name: str,
        handler: Handler,
        raw: JSONDict,
        files: dict[str, Upload],
        *,
        source: str = "http",
    ) -> tuple[int, JSONDict]:
        try:
            params = _normalize_params(raw)
        except ApiError as error:
            self._record_failure(name, dict(raw), error)
            return error.code, error.payload()
        call = Call(method=name, params=params, time=self.now(), source=source)
        self.requests.append(call)
        token = _CURRENT_CALL.set(call)
        try:
            if self._latency:
                await self._sleep(self._latency)
            self._check_fault_flood(name, params, call)
            fault = self._take_fault(name)
            if fault is not None:
                if fault.delay:
                    await self._sleep(fault.delay)
                if fault.status is not None:
                    raise self._fault_error(name, params, fault)
            outcome = await handler(Params(params, files))
            description = None
            if isinstance(outcome, _Reply):
                outcome, description = outcome.result, outcome.description
            call.ok = True
            call.result = copy.deepcopy(outcome)
            body: JSONDict = {"ok": True, "result": outcome}
            if description:
                body["description"] = description
            return 200, body
        except ApiError as error:
            call.error_code = error.code
            call.description = error.description
            if error.code == 429:
                self.rate_limited += 1
            return error.code, error.payload()
        except Exception as exc:  # a bug in the fake: make it visible, keep serving
            self.internal_errors.append(exc)
            call.error_code = 500
            call.description = f"Internal Server Error (fake bug: {exc!r})"
            return 500, ApiError(500, call.description).payload()
        finally:
            call.done = True
            _CURRENT_CALL.reset(token)

    async def _sleep(self, seconds: float) -> None:
        if seconds <= 0 or self._closing.is_set():
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    # ------------------------------------------------------------------ faults & flood

    def _take_fault(self, name: str) -> Fault | None:
        for key in (name.lower(), "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
                return fault
        return None

    def _scale(self) -> float:
        return self._rate.scale if self._rate is not None else 1.0

    def _fault_error(self, name: str, params: JSONDict, fault: Fault) -> ApiError:
        status = fault.status or 500
        if status == 429:
            retry_after = max(1, int(fault.retry_after or 1))
            key = f"fault:{name.lower()}:{params.get('chat_id', '')}"
            self._flood_until[key] = self.now() + retry_after / self._scale()
            error = too_many_requests(retry_after)
            if fault.description:
                error.description = fault.description
            return error
        parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
        if fault.html:
            return ApiError(status, fault.description or "Bad Gateway", None, html=True)
        return ApiError(status, fault.description or _default_description(status), parameters)

    def _check_fault_flood(self, name: str, params: JSONDict, call: Call) -> None:
        key = f"fault:{name.lower()}:{params.get('chat_id', '')}"
        until = self._flood_until.get(key)
        if until is None:
            return
        if self.now() < until:
            self.retry_after_violations.append(call)
        else:
            del self._flood_until[key]

    def _rate_limit(self, chat: JSONDict) -> None:
        """Raise 429 if sending into ``chat`` now exceeds a limit; else count it."""
        limits = self._rate
        if limits is None:
            return
        now = self.now()
        cid = int(chat["id"])
        scopes: list[tuple[str, float, float]] = [
            ("global", limits.global_per_sec, 1.0),
            (f"chat:{cid}", limits.per_chat_per_sec, 1.0),
        ]
        if chat.get("type") in {"group", "supergroup"}:
            scopes.append((f"group:{cid}", limits.per_group_per_min, 60.0))
        for key, _, _ in scopes:
            until = self._flood_until.get(key)
            if until is not None and now < until:
                call = _CURRENT_CALL.get()
                if call is not None:
                    self.retry_after_violations.append(call)
                raise too_many_requests(max(1, math.ceil((until - now) * limits.scale - 1e-9)))
        for key, limit, window in scopes:
            if limit <= 0:
                continue
            count = max(1, math.floor(limit))
            span = window * count / limit / limits.scale
            log = self._send_log.setdefault(key, deque())
            while log and log[0] <= now - span:
                log.popleft()
            if len(log) >= count:
                wait = log[0] + span - now
                retry_after = max(1, math.ceil(wait * limits.scale - 1e-9))
                self._flood_until[key] = now + retry_after / limits.scale
                raise too_many_requests(retry_after)
        for key, _, _ in scopes:
            self._send_log.setdefault(key, deque()).append(now)

    # ------------------------------------------------------------------ internals: world

    def _ensure_user(self, user: JSONDict | int) -> JSONDict:
        uid = _id_of(user)
        if uid == self.bot_id:
            return self.bot_user
        if uid not in self.users:
            if isinstance(user, dict):
                self.users[uid] = {k: v for k, v in user.items() if v is not None}
                self.users[uid].setdefault("is_bot", False)
                self.users[uid].setdefault("first_name", "Test")
            else:
                self.user(uid)
        elif isinstance(user, dict) and user.get("first_name"):
            merged = {**self.users[uid], **{k: v for k, v in user.items() if v is not None}}
            self.users[uid] = merged
        return self.users[uid]

    @staticmethod
    def _private_chat(user: JSONDict) -> JSONDict:
        chat: JSONDict = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if user.get(key):
                chat[key] = user[key]
        return chat

    def _member_object(self, status: str, user: JSONDict, **fields: Any) -> JSONDict:
        member: JSONDict = {"status": status, "user": dict(user)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update({"can_be_edited": False, "is_anonymous": False})
            member.update({right: right != "can_promote_members" for right in ADMIN_RIGHTS})
        elif status == "restricted":
            member.update({"is_member": True, "until_date": 0})
            member.update({flag: False for flag in RESTRICTED_FLAGS})
        elif status == "kicked":
            member["until_date"] = 0
        elif status not in {"member", "left"}:
            raise ValueError(f"unknown member status {status!r}")
        member.update(fields)
        return member

    def _bot_member(self, chat: JSONDict) -> JSONDict:
        found = self.members.get((int(chat["id"]), self.bot_id))
        return found if found is not None else {"status": "member", "user": self.bot_user}

    def _bot_can(self, chat: JSONDict, right: str) -> bool:
        if chat.get("type") == "private":
            return True
        member = self._bot_member(chat)
        if member["status"] == "creator":
            return True
        return member["status"] == "administrator" and bool(member.get(right))

    def _push_my_chat_member(self, uid: int, old: str, new: str) -> None:
        user = self.users[uid]
        new_member: JSONDict = {"status": new, "user": dict(self.bot_user)}
        if new == "kicked":
            new_member["until_date"] = 0
        self.push_update({
            "my_chat_member": {
                "chat": self._private_chat(user), "from": dict(user), "date": int(self.now()),
                "old_chat_member": {"status": old, "user": dict(self.bot_user)},
                "new_chat_member": new_member,
            }
        })

    def _next_message_id(self, chat_id: int) -> int:
        value = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = value
        return value

    def _new_message(
        self,
        chat: JSONDict,
        sender: JSONDict,
        thread_id: int | None,
        reply_to_message_id: int | None,
    ) -> JSONDict:
        cid = int(chat["id"])
        if thread_id is not None:
            topic = self.topics.get((cid, thread_id))
            if topic is None or topic.deleted:
                raise ValueError(f"topic {thread_id} does not exist in chat {cid}")
        message: JSONDict = {
            "message_id": self._next_message_id(cid), "from": dict(sender),
            "chat": dict(chat), "date": int(self.now()),
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if reply_to_message_id is not None:
            target = self.messages.get((cid, reply_to_message_id))
            if target is None:
                raise ValueError(f"message {reply_to_message_id} not found in chat {cid}")
            message["reply_to_message"] = self._without_reply(target)
        elif thread_id is not None and (cid, thread_id) in self.messages:
            message["reply_to_message"] = self._without_reply(self.messages[(cid, thread_id)])
        return message

    @staticmethod
    def _without_reply(message: JSONDict) -> JSONDict:
        result = copy.deepcopy(message)
        result.pop("reply_to_message", None)
        return result

    def _store_message(self, message: JSONDict) -> None:
        self.messages[(int(message["chat"]["id"]), int(message["message_id"]))] = message

    def _register_file(
        self,
        kind: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> StoredFile:
        self._file_counter += 1
        number = self._file_counter
        extension = {"photo": "jpg", "voice": "oga", "sticker": "webp"}.get(kind, "bin")
        if file_name and "." in file_name:
            extension = file_name.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"FAKE{kind[:3].upper()}{number:06d}{self.bot_id % 997:03d}AAQ",
            file_unique_id=f"AQAD{number:06d}",
            kind=kind,
            content=content,
            file_path=f"{kind}s/file_{number}.{extension}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        return stored

    def _user_file(self, kind: str, spec: bool | JSONDict) -> StoredFile:
        extra = spec if isinstance(spec, dict) else {}
        defaults = {
            "document": ("document.pdf", "application/pdf"),
            "voice": (None, "audio/ogg"),
            "photo": (None, "image/jpeg"),
            "sticker": (None, "image/webp"),
        }
        name, mime = defaults.get(kind, (None, None))
        content = extra.get("content", f"fake {kind} #{self._file_counter + 1}".encode())
        if isinstance(content, str):
            content = content.encode()
        return self._register_file(
            kind, content, file_name=extra.get("file_name", name),
            mime_type=extra.get("mime_type", mime), width=1280, height=960,
        )

    def _photo_sizes(self, stored: StoredFile) -> list[JSONDict]:
        width, height = stored.width or 1280, stored.height or 960
        small = self._register_file(
            "photo", stored.content[:64], mime_type=stored.mime_type, width=90,
            height=max(1, round(90 * height / width)),
        )
        return [
            {
                "file_id": small.file_id, "file_unique_id": small.file_unique_id,
                "width": small.width, "height": small.height, "file_size": len(small.content),
            },
            {
                "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "width": width, "height": height, "file_size": len(stored.content),
            },
        ]

    @staticmethod
    def _document_object(stored: StoredFile) -> JSONDict:
        document: JSONDict = {
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
        }
        if stored.file_name:
            document["file_name"] = stored.file_name
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        return document

    def _create_topic(
        self,
        chat: JSONDict,
        name: str,
        icon_color: int,
        icon_custom_emoji_id: str | None,
        creator: JSONDict | None,
    ) -> Topic:
        cid = int(chat["id"])
        thread_id = self._next_message_id(cid)
        topic = Topic(
            cid, thread_id, name, icon_color, icon_custom_emoji_id, created_by_bot=creator is None
        )
        self.topics[(cid, thread_id)] = topic
        created: JSONDict = {"name": name, "icon_color": icon_color}
        if icon_custom_emoji_id:
            created["icon_custom_emoji_id"] = icon_custom_emoji_id
        self._store_message({
            "message_id": thread_id, "from": dict(creator or self.bot_user), "chat": dict(chat),
            "date": int(self.now()), "message_thread_id": thread_id, "is_topic_message": True,
            "forum_topic_created": created,
        })
        return topic

    # ------------------------------------------------------------------ internals: updates

    def _wake_pollers(self) -> None:
        self._poll_event.set()
        self._poll_event = asyncio.Event()

    def _allowed(self, update: JSONDict) -> bool:
        allowed = self._allowed_updates or DEFAULT_ALLOWED_UPDATES
        kinds = [k for k in update if k != "update_id"]
        return not kinds or any(k in allowed for k in kinds)

    def _set_allowed_updates(self, raw: Any) -> None:
        if raw is None:
            return
        if not isinstance(raw, list):
            raise bad_request("can't parse allowed_updates JSON object")
        self._allowed_updates = frozenset(str(x) for x in raw) if raw else None

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            keep = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            keep = self.pending[offset:]
        else:
            return
        kept = {u["update_id"] for u in keep}
        self.confirmed_ids.update(
            u["update_id"] for u in self.pending if u["update_id"] not in kept
        )
        self.pending = keep

    def _select_updates(self, limit: int) -> list[JSONDict]:
        selected: list[JSONDict] = []
        keep: list[JSONDict] = []
        for update in self.pending:
            if not self._allowed(update):
                self.filtered_ids.add(update["update_id"])
                continue
            keep.append(update)
            if len(selected) < limit:
                selected.append(update)
        self.pending = keep
        return selected

    def _drop_pending(self) -> None:
        self.dropped_ids.update(u["update_id"] for u in self.pending)
        self.pending = []

    # ------------------------------------------------------------------ internals: validation

    def _resolve_chat(self, params: Params, name: str = "chat_id", *, for_send: bool) -> JSONDict:
        raw = params.data.get(name)
        if raw in (None, ""):
            raise bad_request(f"{name} is empty")
        chat: JSONDict | None = None
        cid: int | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            wanted = raw[1:].lower()
            for candidate in self.chats.values():
                public_name = str(candidate.get("username", "")).lower()
                if candidate.get("type") != "private" and public_name == wanted:
                    chat = candidate
                    break
        elif isinstance(raw, int) and not isinstance(raw, bool):
            cid = raw
            chat = self.chats.get(raw)
        if chat is None:
            if for_send and cid is not None and cid in self.users:
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if for_send:
            self._check_can_send(chat)
        return chat

    def _check_can_send(self, chat: JSONDict) -> None:
        cid = int(chat["id"])
        if chat.get("type") == "private":
            if cid in self.deactivated:
                raise forbidden("user is deactivated")
            if cid in self.blocked:
                raise forbidden("bot was blocked by the user")
            if cid not in self.started:
                raise forbidden("bot can't initiate conversation with a user")
            return
        status = self._bot_member(chat)["status"]
        kind = chat.get("type", "group")
        if status == "kicked":
            raise forbidden(f"bot was kicked from the {kind} chat")
        if status == "left":
            raise forbidden(f"bot is not a member of the {kind} chat")

    def _check_thread(self, chat: JSONDict, thread_id: int | None) -> int | None:
        if not thread_id:
            return None
        cid = int(chat["id"])
        if chat.get("is_forum"):
            topic = self.topics.get((cid, thread_id))
            if topic is None or topic.deleted:
                raise bad_request("message thread not found")
            if topic.closed and not self._bot_can(chat, "can_manage_topics"):
                raise bad_request("TOPIC_CLOSED")
            return thread_id
        if (cid, thread_id) not in self.messages:
            raise bad_request("message thread not found")
        return thread_id

    def _formatted(
        self,
        params: Params,
        field_name: str,
        entities_field: str,
        *,
        limit: int,
        too_long: str,
        empty: str | None,
    ) -> tuple[str | None, list[JSONDict]]:
        raw = params.text(field_name) or ""
        mode = (params.text("parse_mode") or "").strip()
        lowered = mode.lower()
        if raw.strip() == "":
            if empty is not None:
                raise bad_request(empty)
            return None, []
        try:
            if lowered == "html":
                text, entities = parse_html(raw)
            elif lowered == "markdownv2":
                text, entities = parse_markdown_v2(raw)
            elif lowered == "markdown":
                text, entities = parse_markdown(raw)
            elif lowered in {"", "none"}:
                text = raw
                entities = _validate_entities(params.obj(entities_field), raw)
            else:
                raise bad_request("unsupported parse_mode")
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        text, entities = _trim(text, entities)
        if not text:
            if empty is not None:
                raise bad_request(empty)
            return None, []
        if len(text) > limit:
            raise bad_request(too_long)
        return text, entities

    @staticmethod
    def _validate_markup(raw: Any, *, inline_only: bool = False) -> JSONDict | None:
        if raw in (None, ""):
            return None
        if not isinstance(raw, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in raw:
            rows = raw["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup '
                    "should be an Array of Arrays"
                )
            for row in rows:
                for button in row:
                    if not isinstance(button, dict):
                        raise bad_request(
                            "can't parse inline keyboard button: "
                            "InlineKeyboardButton should be an Object"
                        )
                    text = button.get("text")
                    if not isinstance(text, str):
                        raise bad_request(
                            "can't parse inline keyboard button: "
                            'Field "text" must be of type String'
                        )
                    if not text.strip():
                        raise bad_request("BUTTON_TEXT_INVALID")
                    if not any(key in button for key in INLINE_BUTTON_ACTIONS):
                        raise bad_request(
                            "can't parse inline keyboard button: "
                            "Text buttons are unallowed in the inline keyboard"
                        )
                    if "callback_data" in button:
                        data = button["callback_data"]
                        size = len(str(data).encode("utf-8"))
                        if not isinstance(data, str) or not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                            raise bad_request("BUTTON_DATA_INVALID")
                    if "url" in button:
                        url = str(button["url"])
                        if not re.match(r"(https?|tg)://\S+$", url, re.IGNORECASE):
                            raise bad_request("BUTTON_URL_INVALID")
            return {"inline_keyboard": rows}
        if inline_only:
            raise bad_request("inline keyboard expected")
        if "keyboard" in raw:
            rows = raw["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
                )
            for row in rows:
                for button in row:
                    text = button if isinstance(button, str) else (button or {}).get("text")
                    if not isinstance(text, str) or not text.strip():
                        raise bad_request("BUTTON_TEXT_INVALID")
            return dict(raw)
        if raw.get("remove_keyboard") or raw.get("force_reply"):
            return dict(raw)
        raise bad_request("can't parse reply keyboard markup JSON object")

    def _resolve_reply(self, chat: JSONDict, params: Params) -> JSONDict | None:
        raw = params.obj("reply_parameters")
        message_id: int | None = None
        allow = False
        chat_id = int(chat["id"])
        if raw not in (None, ""):
            if not isinstance(raw, dict) or not isinstance(raw.get("message_id"), int):
                raise bad_request("can't parse reply parameters JSON object")
            message_id = raw["message_id"]
            allow = bool(raw.get("allow_sending_without_reply"))
            if raw.get("chat_id") not in (None, ""):
                other = self._resolve_chat(Params({"chat_id": raw["chat_id"]}), for_send=False)
                chat_id = int(other["id"])
        else:
            message_id = params.integer("reply_to_message_id")
            allow = params.boolean("allow_sending_without_reply")
        if not message_id:
            return None
        target = self.messages.get((chat_id, message_id))
        if target is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return target

    def _resolve_input_file(self, params: Params, field_name: str, kind: str) -> StoredFile:
        value = params.data.get(field_name)
        upload = params.files.get(field_name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = params.files.get(value[len("attach://") :])
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        if upload is not None:
            if not upload.content:
                raise bad_request("file must be non-empty")
            if len(upload.content) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            mime_type = upload.content_type
            if not mime_type or mime_type == "application/octet-stream":
                guessed = mimetypes.guess_type(upload.filename or "")[0]
                mime_type = guessed or mime_type
            return self._register_file(
                kind, upload.content, file_name=upload.filename or None,
                mime_type=mime_type, width=1280, height=960,
            )
        if value in (None, ""):
            raise bad_request(f"there is no {kind} in the request")
        if not isinstance(value, str):
            raise bad_request("wrong file identifier/HTTP URL specified")
        if re.match(r"https?://", value):
            name = value.rstrip("/").rsplit("/", 1)[-1] or None
            return self._register_file(
                kind, f"downloaded from {value}".encode(), file_name=name, width=800, height=600
            )
        stored = self.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    def _send(
        self,
        params: Params,
        content: Callable[[JSONDict], JSONDict],
        *,
        source: JSONDict | None = None,
    ) -> JSONDict:
        """Common path of every message-creating method."""
        chat = self._resolve_chat(params, for_send=True)
        thread_id = self._check_thread(chat, params.integer("message_thread_id"))
        markup = self._validate_markup(params.obj("reply_markup"))
        reply_to = self._resolve_reply(chat, params)
        body = content(chat)
        self._rate_limit(chat)
        cid = int(chat["id"])
        message: JSONDict = {
            "message_id": self._next_message_id(cid), "from": dict(self.bot_user),
            "chat": dict(chat), "date": int(self.now()),
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = self._without_reply(reply_to)
        elif thread_id is not None and (cid, thread_id) in self.messages:
            message["reply_to_message"] = self._without_reply(self.messages[(cid, thread_id)])
        message.update(body)
        if source is not None:
            message.update(source)
        if markup is not None:
            if "inline_keyboard" in markup:
                if any(markup["inline_keyboard"]):
                    message["reply_markup"] = markup
            elif "keyboard" in markup:
                self.reply_keyboards[cid] = markup
            elif markup.get("remove_keyboard"):
                self.reply_keyboards.pop(cid, None)
        self._store_message(message)
        self.sent.append(copy.deepcopy(message))
        return copy.deepcopy(message)

    def _target_message(self, params: Params, *, action: str) -> tuple[JSONDict, JSONDict]:
        if params.present("inline_message_id") and not params.present("chat_id"):
            raise bad_request(f"message to {action} not found")
        chat = self._resolve_chat(params, for_send=action == "edit")
        message_id = params.integer("message_id", missing="message identifier is not specified")
        assert message_id is not None
        message = self.messages.get((int(chat["id"]), message_id))
        if message is None:
            raise bad_request(f"message to {action} not found")
        return chat, message

    def _edited(self, message: JSONDict) -> JSONDict:
        message["edit_date"] = int(self.now())
        self.edits.append(copy.deepcopy(message))
        return copy.deepcopy(message)

    def _forum_chat(self, params: Params) -> JSONDict:
        chat = self._resolve_chat(params, for_send=True)
        if not chat.get("is_forum"):
            raise bad_request("the chat is not a forum")
        return chat

    def _topic(self, chat: JSONDict, params: Params) -> Topic:
        thread_id = params.integer("message_thread_id", missing="message thread not found")
        topic = self.topics.get((int(chat["id"]), int(thread_id or 0)))
        if topic is None or topic.deleted:
            raise bad_request("message thread not found")
        return topic

    def _require_topic_rights(self, chat: JSONDict, topic: Topic | None = None) -> None:
        if topic is not None and topic.created_by_bot:
            return
        if not self._bot_can(chat, "can_manage_topics"):
            raise bad_request("not enough rights to manage topics")

    def _commands_key(self, params: Params) -> tuple[str, str]:
        scope = params.obj("scope")
        if scope in (None, ""):
            scope = {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise bad_request("can't parse scope JSON object")
        return json.dumps(scope, sort_keys=True), params.text("language_code") or ""

    # ------------------------------------------------------------------ API methods

    async def _api_get_me(self, params: Params) -> JSONDict:
        return {
            **self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_get_updates(self, params: Params) -> list[JSONDict]:
        if self.webhook_url:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = params.integer("offset") or 0
        limit = params.integer("limit")
        limit = 100 if limit is None else min(100, max(1, limit))
        timeout = max(0.0, params.number("timeout") or 0.0)
        self._set_allowed_updates(params.obj("allowed_updates"))
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older long poll is terminated with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_POLL)
            if self.webhook_url:
                raise ApiError(409, CONFLICT_WEBHOOK)
            batch = self._select_updates(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing.is_set():
                break
            event = self._poll_event
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        for update in batch:
            uid = update["update_id"]
            self.deliveries[uid] = self.deliveries.get(uid, 0) + 1
        return copy.deepcopy(batch)

    async def _api_set_webhook(self, params: Params) -> _Reply:
        url = (params.text("url") or "").strip()
        secret = params.text("secret_token") or None
        if secret is not None and not _SECRET_RE.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        if url:
            match = re.match(r"(https?)://([^/:?#]+)(?::(\d+))?", url, re.IGNORECASE)
            if match is None:
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            if self.strict_webhook_url:
                if match.group(1).lower() != "https":
                    raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
                if match.group(3) and int(match.group(3)) not in {80, 88, 443, 8443}:
                    raise bad_request(
                        "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
                    )
        max_connections = params.integer("max_connections")
        if max_connections is not None and not 1 <= max_connections <= 100:
            raise bad_request("invalid max_connections specified")
        self._set_allowed_updates(params.obj("allowed_updates"))
        if params.boolean("drop_pending_updates"):
            self._drop_pending()
        unchanged = url == self.webhook_url and secret == self.webhook_secret
        self.webhook_url = url
        self.webhook_secret = secret if url else None
        self.webhook_max_connections = max_connections or 40
        self.webhook_ip_address = params.text("ip_address")
        self._wake_pollers()
        if not url:
            deleted = "Webhook is already deleted" if unchanged else "Webhook was deleted"
            return _Reply(True, deleted)
        return _Reply(True, "Webhook is already set" if unchanged else "Webhook was set")

    async def _api_delete_webhook(self, params: Params) -> _Reply:
        if params.boolean("drop_pending_updates"):
            self._drop_pending()
        was_set = bool(self.webhook_url)
        self.webhook_url = ""
        self.webhook_secret = None
        self.webhook_last_error = None
        return _Reply(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    async def _api_get_webhook_info(self, params: Params) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook_url, "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            if self.webhook_ip_address:
                info["ip_address"] = self.webhook_ip_address
            if self._allowed_updates is not None:
                info["allowed_updates"] = sorted(self._allowed_updates)
            if self.webhook_last_error is not None:
                info["last_error_date"], info["last_error_message"] = self.webhook_last_error
        return info

    async def _api_send_message(self, params: Params) -> JSONDict:
        def content(chat: JSONDict) -> JSONDict:
            text, entities = self._formatted(
                params, "text", "entities", limit=MAX_TEXT_LENGTH,
                too_long="message is too long", empty="message text is empty",
            )
            body: JSONDict = {"text": text}
            if entities:
                body["entities"] = entities
            return body

        return self._send(params, content)

    async def _api_send_photo(self, params: Params) -> JSONDict:
        def content(chat: JSONDict) -> JSONDict:
            caption, entities = self._formatted(
                params, "caption", "caption_entities", limit=MAX_CAPTION_LENGTH,
                too_long="message caption is too long", empty=None,
            )
            stored = self._resolve_input_file(params, "photo", "photo")
            body: JSONDict = {"photo": self._photo_sizes(stored)}
            if caption:
                body["caption"] = caption
            if entities:
                body["caption_entities"] = entities
            return body

        return self._send(params, content)

    async def _api_send_document(self, params: Params) -> JSONDict:
        def content(chat: JSONDict) -> JSONDict:
            caption, entities = self._formatted(
                params, "caption", "caption_entities", limit=MAX_CAPTION_LENGTH,
                too_long="message caption is too long", empty=None,
            )
            stored = self._resolve_input_file(params, "document", "document")
            body: JSONDict = {"document": self._document_object(stored)}
            if caption:
                body["caption"] = caption
            if entities:
                body["caption_entities"] = entities
            return body

        return self._send(params, content)

    def _source_message(self, params: Params, action: str) -> JSONDict:
        from_chat = self._resolve_chat(params, "from_chat_id", for_send=False)
        message_id = params.integer("message_id", missing="message identifier is not specified")
        source = self.messages.get((int(from_chat["id"]), int(message_id or 0)))
        if source is None:
            raise bad_request(f"message to {action} not found")
        if any(key in source for key in SERVICE_KEYS):
            done = {"copy": "copied", "forward": "forwarded"}.get(action, action)
            raise bad_request(f"message can't be {done}")
        return source

    async def _api_copy_message(self, params: Params) -> JSONDict:
        def content(chat: JSONDict) -> JSONDict:
            source = self._source_message(params, "copy")
            body: JSONDict = {k: copy.deepcopy(source[k]) for k in CONTENT_KEYS if k in source}
            if params.data.get("caption") is not None or params.boolean("remove_caption"):
                if "text" in body:
                    raise bad_request("can't edit message caption of a text message")
                caption, entities = self._formatted(
                    params, "caption", "caption_entities", limit=MAX_CAPTION_LENGTH,
                    too_long="message caption is too long", empty=None,
                )
                body.pop("caption", None)
                body.pop("caption_entities", None)
                if caption and not params.boolean("remove_caption"):
                    body["caption"] = caption
                    if entities:
                        body["caption_entities"] = entities
            return body

        message = self._send(params, content)
        return {"message_id": message["message_id"]}

    async def _api_forward_message(self, params: Params) -> JSONDict:
        def content(chat: JSONDict) -> JSONDict:
            source = self._source_message(params, "forward")
            body: JSONDict = {k: copy.deepcopy(source[k]) for k in CONTENT_KEYS if k in source}
            origin = source.get("forward_origin")
            if origin is None:
                origin = {
                    "type": "user", "sender_user": copy.deepcopy(source.get("from", self.bot_user)),
                    "date": source["date"],
                }
            body["forward_origin"] = origin
            return body

        return self._send(params, content)

    async def _api_edit_message_text(self, params: Params) -> JSONDict:
        text, entities = self._formatted(
            params, "text", "entities", limit=MAX_TEXT_LENGTH,
            too_long="message is too long", empty="message text is empty",
        )
        markup = self._validate_markup(params.obj("reply_markup"), inline_only=True)
        _, message = self._target_message(params, action="edit")
        if message.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        new_markup = markup if markup and any(markup["inline_keyboard"]) else None
        if (
            message["text"] == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == new_markup
        ):
            raise bad_request(NOT_MODIFIED)
        message["text"] = text
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)
        if new_markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new_markup
        return self._edited(message)

    async def _api_edit_message_caption(self, params: Params) -> JSONDict:
        caption, entities = self._formatted(
            params, "caption", "caption_entities", limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long", empty=None,
        )
        markup = self._validate_markup(params.obj("reply_markup"), inline_only=True)
        _, message = self._target_message(params, action="edit")
        if message.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        if "text" in message:
            raise bad_request("there is no caption in the message to edit")
        new_markup = markup if markup and any(markup["inline_keyboard"]) else None
        if (
            message.get("caption") == caption
            and message.get("caption_entities", []) == entities
            and message.get("reply_markup") == new_markup
        ):
            raise bad_request(NOT_MODIFIED)
        for key, value in (("caption", caption), ("caption_entities", entities)):
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        if new_markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new_markup
        return self._edited(message)

    async def _api_edit_message_reply_markup(self, params: Params) -> JSONDict:
        markup = self._validate_markup(params.obj("reply_markup"), inline_only=True)
        _, message = self._target_message(params, action="edit")
        if message.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        new_markup = markup if markup and any(markup["inline_keyboard"]) else None
        if message.get("reply_markup") == new_markup:
            raise bad_request(NOT_MODIFIED)
        if new_markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new_markup
        return self._edited(message)

    def _delete_one(self, chat: JSONDict, message_id: int) -> None:
        cid = int(chat["id"])
        message = self.messages.get((cid, message_id))
        if message is None:
            raise bad_request("message to delete not found")
        if "forum_topic_created" in message:
            raise bad_request("message can't be deleted")
        own = message.get("from", {}).get("id") == self.bot_id
        private = chat.get("type") == "private"
        admin_delete = not private and self._bot_can(chat, "can_delete_messages")
        if not own and not private and not admin_delete:
            raise bad_request("message can't be deleted")
        too_old = self.now() - float(message["date"]) > DELETE_WINDOW_SECONDS
        if too_old and not (chat.get("type") == "supergroup" and admin_delete):
            raise bad_request("message can't be deleted")
        del self.messages[(cid, message_id)]
        self.deleted_messages.append((cid, message_id))

    async def _api_delete_message(self, params: Params) -> bool:
        chat = self._resolve_chat(params, for_send=False)
        message_id = params.integer("message_id", missing="message identifier is not specified")
        self._delete_one(chat, int(message_id or 0))
        return True

    async def _api_delete_messages(self, params: Params) -> bool:
        chat = self._resolve_chat(params, for_send=False)
        ids = params.obj("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids is empty")
        deleted = 0
        for message_id in ids:
            with contextlib.suppress(ApiError):
                self._delete_one(chat, int(message_id))
                deleted += 1
        if not deleted:
            raise bad_request("message to delete not found")
        return True

    async def _api_answer_callback_query(self, params: Params) -> bool:
        query_id = params.text("callback_query_id") or ""
        record = self.callback_queries.get(query_id)
        if record is None or record.answered or self.now() - record.created > self.callback_ttl:
            raise bad_request(QUERY_TOO_OLD)
        text = params.text("text") or ""
        if len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer = {
            "text": text, "show_alert": params.boolean("show_alert"), "url": params.text("url"),
            "cache_time": params.integer("cache_time") or 0,
        }
        return True

    async def _api_send_chat_action(self, params: Params) -> bool:
        chat = self._resolve_chat(params, for_send=True)
        self._check_thread(chat, params.integer("message_thread_id"))
        if params.text("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _api_set_my_commands(self, params: Params) -> bool:
        commands = params.obj("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        cleaned: list[JSONDict] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse commands JSON object")
            command = str(item.get("command", ""))
            description = str(item.get("description", ""))
            if not _BOT_COMMAND_RE.fullmatch(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command, "description": description})
        key = self._commands_key(params)
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    async def _api_delete_my_commands(self, params: Params) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _api_get_my_commands(self, params: Params) -> list[JSONDict]:
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    async def _api_set_chat_menu_button(self, params: Params) -> bool:
        chat_id: int | None = None
        if params.present("chat_id"):
            chat = self._resolve_chat(params, for_send=False)
            if chat.get("type") != "private":
                raise bad_request("chat_id must be a private chat")
            chat_id = int(chat["id"])
        button = params.obj("menu_button")
        if button in (None, ""):
            button = {"type": "default"}
        kinds = {"default", "commands", "web_app"}
        if not isinstance(button, dict) or button.get("type") not in kinds:
            raise bad_request("can't parse menu_button JSON object")
        self.menu_buttons[chat_id] = button
        return True

    async def _api_get_chat_menu_button(self, params: Params) -> JSONDict:
        chat_id: int | None = None
        if params.present("chat_id"):
            chat_id = int(self._resolve_chat(params, for_send=False)["id"])
        found = self.menu_buttons.get(chat_id) or self.menu_buttons.get(None)
        return copy.deepcopy(found) if found else {"type": "default"}

    async def _api_create_forum_topic(self, params: Params) -> JSONDict:
        chat = self._forum_chat(params)
        if not self._bot_can(chat, "can_manage_topics"):
            raise bad_request("not enough rights to create a topic")
        name = (params.text("name") or "").strip()
        if not name:
            raise bad_request("TOPIC_TITLE_EMPTY")
        if len(name) > 128:
            raise bad_request("TOPIC_TITLE_TOO_LONG")
        icon_color = params.integer("icon_color")
        if icon_color is None:
            icon_color = 0x6FB9F0
        elif icon_color not in TOPIC_ICON_COLORS:
            raise bad_request("TOPIC_ICON_COLOR_INVALID")
        emoji = params.text("icon_custom_emoji_id")
        topic = self._create_topic(chat, name, icon_color, emoji, None)
        return topic.as_forum_topic()

    async def _api_edit_forum_topic(self, params: Params) -> bool:
        chat = self._forum_chat(params)
        topic = self._topic(chat, params)
        self._require_topic_rights(chat, topic)
        name = params.text("name")
        emoji = params.text("icon_custom_emoji_id")
        changed = False
        if name is not None and name.strip() and name.strip() != topic.name:
            if len(name.strip()) > 128:
                raise bad_request("TOPIC_TITLE_TOO_LONG")
            topic.name = name.strip()
            changed = True
        if emoji is not None and (emoji or None) != topic.icon_custom_emoji_id:
            topic.icon_custom_emoji_id = emoji or None
            changed = True
        if not changed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        return True

    async def _api_close_forum_topic(self, params: Params) -> bool:
        chat = self._forum_chat(params)
        topic = self._topic(chat, params)
        self._require_topic_rights(chat, topic)
        if topic.closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = True
        return True

    async def _api_reopen_forum_topic(self, params: Params) -> bool:
        chat = self._forum_chat(params)
        topic = self._topic(chat, params)
        self._require_topic_rights(chat, topic)
        if not topic.closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = False
        return True

    async def _api_delete_forum_topic(self, params: Params) -> bool:
        chat = self._forum_chat(params)
        topic = self._topic(chat, params)
        if not self._bot_can(chat, "can_delete_messages"):
            raise bad_request("not enough rights to delete a topic")
        topic.deleted = True
        cid = int(chat["id"])
        for key, message in list(self.messages.items()):
            if key[0] == cid and message.get("message_thread_id") == topic.thread_id:
                del self.messages[key]
                self.deleted_messages.append(key)
        return True

    async def _api_get_chat(self, params: Params) -> JSONDict:
        chat = self._resolve_chat(params, for_send=False)
        info: JSONDict = {
            **copy.deepcopy(chat), "accent_color_id": 0, "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                "premium_subscription": False, "gifts_from_channels": False,
            },
        }
        pinned = self.pinned.get(int(chat["id"]))
        if pinned:
            message = self.messages.get((int(chat["id"]), pinned[-1]))
            if message is not None:
                info["pinned_message"] = self._without_reply(message)
        return info

    async def _api_get_chat_member(self, params: Params) -> JSONDict:
        chat = self._resolve_chat(params, for_send=False)
        uid = params.integer("user_id", missing="user not found")
        assert uid is not None
        cid = int(chat["id"])
        if uid == self.bot_id:
            return copy.deepcopy(self._bot_member(chat))
        if uid not in self.users:
            raise bad_request("user not found")
        found = self.members.get((cid, uid))
        if found is not None:
            return copy.deepcopy(found)
        if chat.get("type") == "private":
            if uid != cid:
                raise bad_request("user not found")
            return {"status": "member", "user": dict(self.users[uid])}
        return {"status": "left", "user": dict(self.users[uid])}

    async def _api_get_chat_administrators(self, params: Params) -> list[JSONDict]:
        chat = self._resolve_chat(params, for_send=False)
        if chat.get("type") == "private":
            raise bad_request("there are no administrators in the private chat")
        cid = int(chat["id"])
        return [
            copy.deepcopy(m)
            for (chat_id, _), m in sorted(self.members.items())
            if chat_id == cid and m["status"] in {"creator", "administrator"}
        ]

    async def _api_pin_chat_message(self, params: Params) -> bool:
        chat = self._resolve_chat(params, for_send=True)
        message_id = params.integer("message_id", missing="message identifier is not specified")
        cid = int(chat["id"])
        if (cid, message_id) not in self.messages:
            raise bad_request("message to pin not found")
        if not self._bot_can(chat, "can_pin_messages"):
            raise bad_request("not enough rights to manage pinned messages in the chat")
        pinned = self.pinned.setdefault(cid, [])
        if message_id in pinned:
            pinned.remove(int(message_id or 0))
        pinned.append(int(message_id or 0))
        return True

    async def _api_unpin_chat_message(self, params: Params) -> bool:
        chat = self._resolve_chat(params, for_send=True)
        if not self._bot_can(chat, "can_pin_messages"):
            raise bad_request("not enough rights to manage pinned messages in the chat")
        pinned = self.pinned.get(int(chat["id"]), [])
        message_id = params.integer("message_id")
        if message_id is None:
            if pinned:
                pinned.pop()
        elif message_id in pinned:
            pinned.remove(message_id)
        else:
            raise bad_request("message to unpin not found")
        return True

    async def _api_unpin_all_chat_messages(self, params: Params) -> bool:
        chat = self._resolve_chat(params, for_send=True)
        if not self._bot_can(chat, "can_pin_messages"):
            raise bad_request("not enough rights to manage pinned messages in the chat")
        self.pinned.pop(int(chat["id"]), None)
        return True

    async def _api_get_file(self, params: Params) -> JSONDict:
        stored = self.files.get(params.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content), "file_path": stored.file_path,
        }

    async def _api_close(self, params: Params) -> bool:
        return True

    async def _api_log_out(self, params: Params) -> bool:
        self.logged_out = True
        return True

    # ------------------------------------------------------------------ control API

    async def _handle_control(self, request: web.Request) -> web.Response:
        """Drive the fake from another process (standalone mode).

        ``GET /_fake/state``; ``POST /_fake/<action>`` with a JSON body, action one of
        ``push_message`` ({user_id, text, first_name?, username?, chat_id?,
        message_thread_id?}), ``press_button`` ({user_id, chat_id, message_id, data}),
        ``push_update`` (raw update), ``fail_next`` (fail_next kwargs + method),
        ``rate_limits`` (set_rate_limits kwargs, or {"enabled": false}),
        ``block``/``unblock`` ({user_id}), ``reset_counters``.
        """
        action = request.match_info["action"]
        try:
            body: JSONDict = await request.json() if request.body_exists else {}
            if not isinstance(body, dict):
                raise TypeError("JSON object expected")
            result = self._control(action, body)
        except (KeyError, TypeError, ValueError) as error:
            return self._json({"ok": False, "error": f"{type(error).__name__}: {error}"}, 400)
        return self._json({"ok": True, "result": result}, 200)

    def _control(self, action: str, body: JSONDict) -> Any:
        if action == "state":
            return {
                "pending_updates": len(self.pending), "requests": len(self.requests),
                "rate_limited": self.rate_limited,
                "retry_after_violations": len(self.retry_after_violations),
                "deliveries": {str(k): v for k, v in self.deliveries.items()},
                "sent": self.sent[-int(body.get("last", 50)) :],
                "calls": [asdict(c) for c in self.requests[-int(body.get("last", 50)) :]],
            }
        if action == "push_message":
            user = self.user(
                int(body["user_id"]), body.get("first_name", "Test"), body.get("username"),
                body.get("language_code", "en"),
            )
            return self.push_message(
                user, body.get("text"), chat=body.get("chat_id"),
                message_thread_id=body.get("message_thread_id"),
                photo=bool(body.get("photo")), document=bool(body.get("document")),
                caption=body.get("caption"),
            )
        if action == "press_button":
            message = self.messages[(int(body["chat_id"]), int(body["message_id"]))]
            return self.press_button(int(body["user_id"]), message, str(body["data"]))
        if action == "push_update":
            return self.push_update(body)
        if action == "fail_next":
            method = str(body.pop("method"))
            self.fail_next(method, **body)
            return True
        if action == "rate_limits":
            if body.get("enabled") is False:
                self.disable_rate_limits()
            else:
                body.pop("enabled", None)
                self.set_rate_limits(**body)
            return True
        if action in {"block", "unblock"}:
            getattr(self, action)(int(body["user_id"]))
            return True
        if action == "reset_counters":
            self.reset_counters()
            return True
        raise ValueError(f"unknown action {action!r}")


# --------------------------------------------------------------------------- standalone


def _parse_args(argv: Iterable[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Local fake Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST")
    parser.add_argument("--bot-username", default="jol_test_bot")
    parser.add_argument("--first-update-id", type=int, default=1)
    parser.add_argument(
        "--rate-limit-scale", type=float, default=None,
        help="enable default Telegram rate limits with this time scale",
    )
    return parser.parse_args(list(argv) if argv is not None else None)


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeTelegram(
        args.token, bot_username=args.bot_username, first_update_id=args.first_update_id
    )
    if args.rate_limit_scale:
        fake.set_rate_limits(scale=args.rate_limit_scale)
    url = await fake.start(args.host, args.port)
    print(url, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


def main(argv: Iterable[str] | None = None) -> None:
    args = _parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
