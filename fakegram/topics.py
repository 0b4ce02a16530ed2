"""Forum topics: created, renamed, closed and reopened by the bot, as the counsellors' group uses them.

A topic's id is the id of the service message that created it. Sending into a topic that does
not exist (or that a person deleted: ``topic.deleted = True``) gets ``message thread not
found``; into a closed one, ``TOPIC_CLOSED`` unless the bot may manage topics. Every topic here
was made by the bot, and a bot may always rename, close and reopen its own topics.
"""

from __future__ import annotations

from fakegram.chats import Chats
from fakegram.errors import bad_request
from fakegram.limits import TOPIC_ICON_COLORS, JSONDict
from fakegram.params import Params
from fakegram.records import Topic


class Topics(Chats):
    # ------------------------------------------------------------------ Bot API methods

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
        return self._create_topic(chat, name, icon_color).as_forum_topic()

    async def _api_edit_forum_topic(self, params: Params) -> bool:
        chat = self._forum_chat(params)
        topic = self._topic(chat, params)
        name = (params.text("name") or "").strip()
        if not name or name == topic.name:
            raise bad_request("TOPIC_NOT_MODIFIED")
        if len(name) > 128:
            raise bad_request("TOPIC_TITLE_TOO_LONG")
        topic.name = name
        return True

    async def _api_close_forum_topic(self, params: Params) -> bool:
        return self._set_closed(params, True)

    async def _api_reopen_forum_topic(self, params: Params) -> bool:
        return self._set_closed(params, False)

    # ------------------------------------------------------------------ helpers

    def _set_closed(self, params: Params, closed: bool) -> bool:
        chat = self._forum_chat(params)
        topic = self._topic(chat, params)
        if topic.closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        return True

    def _create_topic(self, chat: JSONDict, name: str, icon_color: int) -> Topic:
        cid = int(chat["id"])
        thread_id = self._next_message_id(cid)
        topic = Topic(cid, thread_id, name, icon_color)
        self.topics[(cid, thread_id)] = topic
        self._store_message({
            "message_id": thread_id, "from": dict(self.bot_user), "chat": dict(chat),
            "date": int(self.now()), "message_thread_id": thread_id, "is_topic_message": True,
            "forum_topic_created": {"name": name, "icon_color": icon_color},
        })
        return topic

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

    def _check_thread(self, chat: JSONDict, thread_id: int | None) -> int | None:
        """The ``message_thread_id`` a message may be sent into (None: the chat itself)."""
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
