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
MAX_DOWNLOAD_BYTES: Final = 20 * 1024 * 1024
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

CHAT_ACTIONS: Final = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice",
    "upload_voice", "upload_document", "choose_sticker", "find_location",
    "record_video_note", "upload_video_note",
})
TOPIC_ICON_COLORS: Final = frozenset({
    0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F,
})
INLINE_BUTTON_ACTIONS: Final = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
    "copy_text", "callback_game", "pay",
)
# Content that copyMessage/forwardMessage carry over.
CONTENT_KEYS: Final = (
    "text", "entities", "photo", "document", "sticker", "voice", "audio", "video",
    "animation", "video_note", "caption", "caption_entities", "contact", "location",
    "venue", "poll", "dice",
)
SERVICE_KEYS: Final = (
    "forum_topic_created", "forum_topic_closed", "forum_topic_reopened",
    "forum_topic_edited", "new_chat_members", "left_chat_member", "pinned_message",
    "group_chat_created", "supergroup_chat_created",
)

# Parameters that are JSON-serialised when sent as form fields.
JSON_FIELDS: Final = frozenset({
    "reply_markup", "entities", "caption_entities", "allowed_updates", "commands",
    "scope", "menu_button", "link_preview_options", "reply_parameters", "media",
    "message_ids", "rights", "permissions", "reaction", "options",
    "explanation_entities", "question_entities", "results", "text_entities",
    "suggested_post_parameters", "input_message_content",
})
INT_FIELDS: Final = frozenset({
    "chat_id", "from_chat_id", "message_id", "message_thread_id",
    "reply_to_message_id", "offset", "limit", "user_id", "cache_time", "icon_color",
    "max_connections", "duration", "width", "height", "until_date",
    "direct_messages_topic_id", "video_start_timestamp",
})
FLOAT_FIELDS: Final = frozenset({"timeout"})
BOOL_FIELDS: Final = frozenset({
    "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
    "allow_sending_without_reply", "disable_web_page_preview", "has_spoiler",
    "show_caption_above_media", "allow_paid_broadcast", "only_if_banned",
    "disable_content_type_detection", "for_channels", "is_personal",
    "revoke_messages", "is_big", "remove_caption",
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
RESTRICTED_FLAGS: Final = (
    "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
    "can_send_videos", "can_send_video_notes", "can_send_voice_notes",
    "can_send_polls", "can_send_other_messages", "can_add_web_page_previews",
    "can_react_to_messages", "can_edit_tag", "can_change_info", "can_invite_users",
    "can_pin_messages", "can_manage_topics",
)
