"""What a test does through the fake (people write, press buttons) and what it looks at afterwards
(calls, messages the bot sent, the current state of a chat), plus waiting for the bot to act.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable

from fakegram.limits import _COMMAND_RE, JSONDict
from fakegram.messages import Messages
from fakegram.params import _id_of, _u16
from fakegram.records import Call, CallbackRecord


class Driving(Messages):
    # ------------------------------------------------------------------ people act

    def push_message(
        self,
        user: JSONDict | int,
        text: str | None = None,
        *,
        chat: JSONDict | int | None = None,
        photo: bool = False,
        caption: str | None = None,
        message_thread_id: int | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """A user writes a message (private chat unless ``chat`` is given); returns the update.

        Text starting with a command gets a ``bot_command`` entity unless ``entities`` is given.
        ``photo=True`` sends a photo instead of text, with an optional ``caption``. Writing to
        the bot opens (and unblocks) the private chat, as on Telegram.
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
                raise ValueError(f"unknown chat {cid}; register it first")
            target = self.chats[cid]
            if target["type"] != "private" and (cid, uid) not in self.members:
                self.set_member(target, sender, "member")
        if (text is None) == (not photo):
            raise ValueError("push_message needs either text or photo=True")
        message = self._new_message(target, sender, message_thread_id)
        if text is not None:
            message["text"] = text
            match = _COMMAND_RE.match(text)
            if entities:
                message["entities"] = copy.deepcopy(entities)
            elif entities is None and match:
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": _u16(match.group(0))}]
        else:
            number = self._file_counter + 1
            message["photo"] = self._photo_sizes(self._register_file("photo", f"fake photo #{number}".encode(),
                                                                     mime_type="image/jpeg"))
            if caption is not None:
                message["caption"] = caption
        self._store_message(message)
        return self.push_update({"message": copy.deepcopy(message)})

    def press_button(
        self, user: JSONDict | int, message: JSONDict, data: str, *, check: bool = True
    ) -> JSONDict:
        """The user presses an inline button with ``callback_data == data``; returns the update.

        ``message`` is a bot message (e.g. an entry of :meth:`sent_messages`); its *current*
        stored version is put into the callback query.  With ``check`` the message must still
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
        if check and data not in self.button_data(current):
            raise ValueError(f"no inline button with callback_data={data!r}; available: {self.button_data(current)}")
        self._callback_counter += 1
        query_id = str(4_000_000_000_000_000_000 + self._callback_counter * 7919 + self.bot_id % 1000)
        self.callback_queries[query_id] = CallbackRecord(id=query_id, created=self.now(), data=data)
        query: JSONDict = {
            "id": query_id, "from": dict(sender), "message": copy.deepcopy(current),
            "chat_instance": str(7_000_000_000_000_000_000 + chat_id), "data": data,
        }
        return self.push_update({"callback_query": query})

    def _new_message(self, chat: JSONDict, sender: JSONDict, thread_id: int | None) -> JSONDict:
        cid = int(chat["id"])
        message: JSONDict = {
            "message_id": self._next_message_id(cid), "from": dict(sender),
            "chat": dict(chat), "date": int(self.now()),
        }
        if thread_id is not None:
            topic = self.topics.get((cid, thread_id))
            if topic is None or topic.deleted:
                raise ValueError(f"topic {thread_id} does not exist in chat {cid}")
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
            opening = self.messages.get((cid, thread_id))  # the topic's service message
            if opening is not None:
                message["reply_to_message"] = self._without_reply(opening)
        return message

    # ------------------------------------------------------------------ buttons

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

    # ------------------------------------------------------------------ looking

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls (all, or of one method, case-insensitive)."""
        if method is None:
            return list(self.requests)
        wanted = method.lower()
        return [c for c in self.requests if c.method.lower() == wanted]

    def sent_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """Messages the bot created, as they were when sent, oldest first."""
        return [copy.deepcopy(m) for m in self.sent if chat_id is None or m["chat"]["id"] == chat_id]

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

    def dump(self, last: int = 25) -> str:
        """Human-readable tail of the call log (for assertion messages)."""
        lines = [f"last {min(last, len(self.requests))} of {len(self.requests)} calls:"]
        lines += [f"  {c.short()}" for c in self.requests[-last:]]
        lines.append(f"pending updates: {[u['update_id'] for u in self.pending]}")
        return "\n".join(lines)

    def reset_counters(self) -> None:
        """Forget recorded calls, sent messages, deliveries, 429 counters and flood state."""
        self.requests.clear()
        self.sent.clear()
        self.deliveries.clear()
        self.confirmed_ids.clear()
        self.rate_limited = 0
        self.retry_after_violations.clear()
        self._send_log.clear()
        self._flood_until.clear()

    # ------------------------------------------------------------------ waiting

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
        self, chat_id: int, contains: str | None = None, timeout: float = 5.0, *, since: int = 0
    ) -> JSONDict:
        """Wait for a bot message in ``chat_id`` whose text/caption contains ``contains``.

        Returns the first match among :meth:`sent_messages` from index ``since``
        on (pass ``len(fake.sent)`` taken before an action to only see newer ones).
        """
        def match() -> JSONDict | None:
            for message in self.sent[since:]:
                body = str(message.get("text", message.get("caption", "")))
                if message["chat"]["id"] == chat_id and (contains is None or contains in body):
                    return message
            return None

        await self.wait_for(lambda: match() is not None, timeout,
                            what=f"bot message in chat {chat_id} containing {contains!r}")
        return copy.deepcopy(match() or {})
