"""People, chats and members: who exists, where the bot may write, and who belongs to a group.

Telegram's rules kept here: a private chat is known only after the person wrote to the bot; a
blocked bot gets 403; a kicked or absent bot gets 403 in a group; getChatMember answers with
the member's status. Also the bot's own profile (getMe) and its command list (setMyCommands).
"""

from __future__ import annotations

import copy
from typing import Any

from fakegram.core import Core
from fakegram.errors import bad_request, forbidden
from fakegram.limits import _BOT_COMMAND_RE, ADMIN_RIGHTS, JSONDict
from fakegram.params import Params, _id_of


class Chats(Core):
    # ------------------------------------------------------------------ set up by tests

    def user(
        self,
        id: int,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "en",
        *,
        last_name: str | None = None,
    ) -> JSONDict:
        """Create (or update) a simulated user; returns the ``User`` object.

        The user's private chat becomes *known* (messages can be sent to it) only
        after the user wrote to the bot (``push_message``) or :meth:`register_chat`;
        before that sends get 403 ``bot can't initiate conversation with a user``.
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
        self.users[id] = user
        if id in self.chats:
            self.chats[id] = self._private_chat(user)
        return dict(user)

    def supergroup(
        self,
        id: int,
        title: str,
        *,
        is_forum: bool = False,
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
        if is_forum:
            chat["is_forum"] = True
            self._last_message_id.setdefault(id, 1)  # 1 is the General topic
        self.chats[id] = chat
        self.set_member(chat, self.bot_user, bot_status, **bot_rights)
        return dict(chat)

    def register_chat(self, chat: JSONDict | int) -> JSONDict:
        """Make a person's private chat known, as if they had written to the bot: a ``User``
        dict or a known user id."""
        user = self._ensure_user(chat)
        private = self._private_chat(user)
        self.chats[user["id"]] = private
        self.started.add(user["id"])
        return dict(private)

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

    def set_member(
        self, chat: JSONDict | int, user: JSONDict | int, status: str = "member", **fields: Any
    ) -> JSONDict:
        """Configure what getChatMember returns (and the bot's own rights).

        ``status`` is creator/administrator/member/left/kicked; extra fields
        override the defaults (e.g. ``can_manage_topics=False``).
        """
        cid = _id_of(chat)
        uid = _id_of(user)
        user_obj = self.bot_user if uid == self.bot_id else self._ensure_user(user)
        member = self._member_object(status, user_obj, **fields)
        self.members[(cid, uid)] = member
        return copy.deepcopy(member)

    # ------------------------------------------------------------------ Bot API methods

    async def _api_get_me(self, params: Params) -> JSONDict:
        return {
            **self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False,
            "has_main_web_app": False,
        }

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

    async def _api_set_my_commands(self, params: Params) -> bool:
        commands = params.obj("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse commands JSON object")
            if not _BOT_COMMAND_RE.fullmatch(str(item.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(item.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.obj("scope")
        if scope not in (None, "") and not (isinstance(scope, dict) and isinstance(scope.get("type"), str)):
            raise bad_request("can't parse scope JSON object")
        return True

    # ------------------------------------------------------------------ rules used by the other parts

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
        elif status == "kicked":
            member["until_date"] = 0
        elif status not in {"member", "left"}:
            raise ValueError(f"member status {status!r} is not modelled by the fake")
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

    def _resolve_chat(self, params: Params, name: str = "chat_id", *, for_send: bool) -> JSONDict:
        raw = params.data.get(name)
        if raw in (None, ""):
            raise bad_request(f"{name} is empty")
        chat: JSONDict | None = None
        cid: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
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
