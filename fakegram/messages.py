"""Messages the bot sends, copies, edits and deletes, and the answers to button presses.

Strict where Telegram is: text and caption limits (counted after HTML is parsed and whitespace
trimmed), inline keyboards (button text, 64-byte ``callback_data``, URLs), "message is not
modified", 48 hours to delete, 15 seconds to answer a button press, the flood limits of
faults.py on every message created.

The bot sends plain text; HTML is parsed too. Other parse modes, entities given by the caller
and reply keyboards are not modelled: they fail loudly as a bug in the fake
(``internal_errors``), so a change in the bot that needs them is noticed at once.
"""

from __future__ import annotations

import copy
import mimetypes
import re
from collections.abc import Callable
from typing import Any

from fakegram.errors import ApiError, EntityParseError, bad_request
from fakegram.faults import Faults
from fakegram.formatting import _trim, parse_html
from fakegram.limits import (
    CONTENT_KEYS,
    DELETE_WINDOW_SECONDS,
    INLINE_BUTTON_ACTIONS,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_UPLOAD_BYTES,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    SERVICE_KEYS,
    JSONDict,
)
from fakegram.params import Params
from fakegram.records import StoredFile
from fakegram.topics import Topics


class Messages(Topics, Faults):
    # ------------------------------------------------------------------ Bot API methods

    async def _api_send_message(self, params: Params) -> JSONDict:
        def content() -> JSONDict:
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
        return self._send(params, lambda: self._media(params, "photo"))

    async def _api_send_document(self, params: Params) -> JSONDict:
        return self._send(params, lambda: self._media(params, "document"))

    async def _api_copy_message(self, params: Params) -> JSONDict:
        if params.present("caption") or params.boolean("remove_caption"):
            raise NotImplementedError("fakegram: copyMessage with a new caption is not modelled")

        def content() -> JSONDict:
            from_chat = self._resolve_chat(params, "from_chat_id", for_send=False)
            message_id = params.integer("message_id", missing="message identifier is not specified")
            source = self.messages.get((int(from_chat["id"]), int(message_id or 0)))
            if source is None:
                raise bad_request("message to copy not found")
            if any(key in source for key in SERVICE_KEYS):
                raise bad_request("message can't be copied")
            return {k: copy.deepcopy(source[k]) for k in CONTENT_KEYS if k in source}

        message = self._send(params, content)
        return {"message_id": message["message_id"]}

    async def _api_edit_message_text(self, params: Params) -> JSONDict:
        text, entities = self._formatted(
            params, "text", "entities", limit=MAX_TEXT_LENGTH,
            too_long="message is too long", empty="message text is empty",
        )
        markup = self._inline_markup(params)
        message = self._own_message(params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        if (message["text"], message.get("entities", []), message.get("reply_markup")) == (text, entities, markup):
            raise bad_request(NOT_MODIFIED)
        message["text"] = text
        self._set_or_drop(message, "entities", entities)
        self._set_or_drop(message, "reply_markup", markup)
        return self._edited(message)

    async def _api_edit_message_reply_markup(self, params: Params) -> JSONDict:
        markup = self._inline_markup(params)
        message = self._own_message(params)
        if message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        self._set_or_drop(message, "reply_markup", markup)
        return self._edited(message)

    async def _api_delete_message(self, params: Params) -> bool:
        chat = self._resolve_chat(params, for_send=False)
        message_id = int(params.integer("message_id", missing="message identifier is not specified") or 0)
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
        record.answer = {"text": text, "show_alert": params.boolean("show_alert")}
        return True

    # ------------------------------------------------------------------ sending

    def _send(self, params: Params, content: Callable[[], JSONDict]) -> JSONDict:
        """Common path of every message-creating method: checks, rate limit, store, record."""
        chat = self._resolve_chat(params, for_send=True)
        thread_id = self._check_thread(chat, params.integer("message_thread_id"))
        markup = self._inline_markup(params)
        reply_to = self._resolve_reply(chat, params)
        body = content()
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
        if markup is not None:
            message["reply_markup"] = markup
        self._store_message(message)
        self.sent.append(copy.deepcopy(message))
        return copy.deepcopy(message)

    def _media(self, params: Params, kind: str) -> JSONDict:
        """The body of a photo or document message: the file and its caption."""
        caption, entities = self._formatted(
            params, "caption", "caption_entities", limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long", empty=None,
        )
        stored = self._resolve_input_file(params, kind)
        body: JSONDict = {kind: self._photo_sizes(stored) if kind == "photo" else self._document_object(stored)}
        if caption:
            body["caption"] = caption
        if entities:
            body["caption_entities"] = entities
        return body

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
        mode = (params.text("parse_mode") or "").strip().lower()
        if mode not in {"", "html"} or params.present(entities_field):
            raise NotImplementedError(f"fakegram parses plain text and HTML only (got parse_mode={mode!r} "
                                      f"or {entities_field}); add what the bot needs to fakegram/formatting.py")
        text = raw
        entities: list[JSONDict] = []
        if mode == "html":
            try:
                text, entities = parse_html(raw)
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

    def _inline_markup(self, params: Params) -> JSONDict | None:
        """The inline keyboard of a request, checked like Telegram; None without (or with no rows)."""
        raw = params.obj("reply_markup")
        if raw in (None, ""):
            return None
        if not isinstance(raw, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in raw:
            raise NotImplementedError("fakegram models inline keyboards only")
        rows = raw["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
        for button in (b for row in rows for b in row):
            self._check_button(button)
        return {"inline_keyboard": rows} if any(rows) else None

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict):
            raise bad_request("can't parse inline keyboard button: InlineKeyboardButton should be an Object")
        text = button.get("text")
        if not isinstance(text, str):
            raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
        if not text.strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        if not any(key in button for key in INLINE_BUTTON_ACTIONS):
            raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button and not re.match(r"(https?|tg)://\S+$", str(button["url"]), re.IGNORECASE):
            raise bad_request("BUTTON_URL_INVALID")

    def _resolve_reply(self, chat: JSONDict, params: Params) -> JSONDict | None:
        raw = params.obj("reply_parameters")
        if raw not in (None, ""):
            if not isinstance(raw, dict) or not isinstance(raw.get("message_id"), int):
                raise bad_request("can't parse reply parameters JSON object")
            message_id, allow = raw["message_id"], bool(raw.get("allow_sending_without_reply"))
        else:
            message_id = params.integer("reply_to_message_id")
            allow = params.boolean("allow_sending_without_reply")
        if not message_id:
            return None
        target = self.messages.get((int(chat["id"]), message_id))
        if target is None and not allow:
            raise bad_request("message to be replied not found")
        return target

    # ------------------------------------------------------------------ editing

    def _own_message(self, params: Params) -> JSONDict:
        """The bot's message an edit is about."""
        chat = self._resolve_chat(params, for_send=True)
        message_id = params.integer("message_id", missing="message identifier is not specified")
        message = self.messages.get((int(chat["id"]), int(message_id or 0)))
        if message is None:
            raise bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        return message

    @staticmethod
    def _set_or_drop(message: JSONDict, key: str, value: Any) -> None:
        if value:
            message[key] = value
        else:
            message.pop(key, None)

    def _edited(self, message: JSONDict) -> JSONDict:
        message["edit_date"] = int(self.now())
        return copy.deepcopy(message)

    # ------------------------------------------------------------------ files

    def _resolve_input_file(self, params: Params, kind: str) -> StoredFile:
        """An uploaded file (aiogram sends ``attach://name`` plus a multipart part), or the
        ``file_id`` of one Telegram already has."""
        value = params.data.get(kind)
        upload = params.files.get(kind)
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
                mime_type = mimetypes.guess_type(upload.filename or "")[0] or mime_type
            return self._register_file(kind, upload.content, file_name=upload.filename or None, mime_type=mime_type)
        if value in (None, ""):
            raise bad_request(f"there is no {kind} in the request")
        stored = self.files.get(value) if isinstance(value, str) else None
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    def _register_file(
        self,
        kind: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int = 1280,
        height: int = 960,
    ) -> StoredFile:
        self._file_counter += 1
        number = self._file_counter
        stored = StoredFile(
            file_id=f"FAKE{kind[:3].upper()}{number:06d}{self.bot_id % 997:03d}AAQ",
            file_unique_id=f"AQAD{number:06d}", kind=kind, content=content,
            file_name=file_name, mime_type=mime_type, width=width, height=height,
        )
        self.files[stored.file_id] = stored
        return stored

    def _photo_sizes(self, stored: StoredFile) -> list[JSONDict]:
        """A photo as Telegram returns it: a thumbnail and the full size."""
        small = self._register_file(
            "photo", stored.content[:64], mime_type=stored.mime_type, width=90,
            height=max(1, round(90 * stored.height / stored.width)),
        )
        return [
            {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "width": f.width, "height": f.height,
             "file_size": len(f.content)}
            for f in (small, stored)
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
