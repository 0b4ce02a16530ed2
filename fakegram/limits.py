"""Telegram's limits and the closed sets of names the fake checks against."""

from __future__ import annotations

import re
from typing import Any, Final

JSONDict = dict[str, Any]


# --------------------------------------------------------------------------- limits

MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_CALLBACK_ANSWER_LENGTH: Final = 200
DELETE_WINDOW_SECONDS: Final = 48 * 3600
MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024

NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD: Final = "query is too old and response timeout expired or query ID is invalid"
CONFLICT_WEBHOOK: Final = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_POLL: Final = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

UPDATE_TYPES: Final = (
    "message", "edited_message", "channel_post", "edited_channel_post",
    "business_connection", "business_message", "edited_business_message",
    "deleted_business_messages", "message_reaction", "message_reaction_count",
    "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
    "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer",
    "my_chat_member", "chat_member", "chat_join_request", "chat_boost",
    "removed_chat_boost",
)
# Telegram's default when allowed_updates is not set (or set to an empty list).
DEFAULT_ALLOWED_UPDATES: Final = frozenset(UPDATE_TYPES) - {
    "chat_member", "message_reaction", "message_reaction_count",
}

TOPIC_ICON_COLORS: Final = frozenset({
    0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F,
})
INLINE_BUTTON_ACTIONS: Final = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
    "copy_text", "callback_game", "pay",
)
# Content that copyMessage carries over (people send the bot text and photos).
CONTENT_KEYS: Final = ("text", "entities", "photo", "document", "caption", "caption_entities")
SERVICE_KEYS: Final = ("forum_topic_created",)  # service messages cannot be copied

# Parameters that are JSON-serialised when sent as form fields.
JSON_FIELDS: Final = frozenset({
    "reply_markup", "entities", "caption_entities", "allowed_updates", "commands", "scope",
    "link_preview_options", "reply_parameters",
})
INT_FIELDS: Final = frozenset({
    "chat_id", "from_chat_id", "message_id", "message_thread_id", "reply_to_message_id",
    "offset", "limit", "user_id", "icon_color", "max_connections",
})
FLOAT_FIELDS: Final = frozenset({"timeout"})
BOOL_FIELDS: Final = frozenset({
    "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
    "allow_sending_without_reply", "remove_caption",
})
_INT_RE: Final = re.compile(r"[+-]?\d+")
_FLOAT_RE: Final = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")
_SECRET_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_RE: Final = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
_BOT_COMMAND_RE: Final = re.compile(r"[a-z0-9_]{1,32}")

ADMIN_RIGHTS: Final = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
    "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
    "can_send_welcome_messages", "can_pin_messages", "can_manage_topics",
)
