"""Tests of the fake Telegram Bot API server, driven through a real aiogram Bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from fakegram import FakeTelegram, parse_html

USER_ID = 501
FORUM_ID = -1001234567890


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake
        assert not fake.internal_errors, fake.internal_errors


def make_bot(fake: FakeTelegram, token: str | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    return Bot(token or fake.token, session=session)


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    instance = make_bot(tg)
    yield instance
    await instance.session.close()


def started_user(tg: FakeTelegram, uid: int = USER_ID) -> dict[str, Any]:
    """A user who has already written to the bot (their chat is known)."""
    user = tg.user(uid, "Aziz", username="aziz")
    tg.register_chat(user)
    return user


async def raw_call(
    tg: FakeTelegram, method: str, *, token: str | None = None, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    url = f"{tg.base_url}/bot{token or tg.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, **kwargs) as response:
        return response.status, await response.json()


# ---------------------------------------------------------------- basics


async def test_get_me(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "jol_test_bot"
    assert tg.calls("getMe")[0].ok


async def test_wrong_token_and_unknown_method(tg: FakeTelegram) -> None:
    other = make_bot(tg, token="654321:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await other.get_me()
    finally:
        await other.session.close()
    status, body = await raw_call(tg, "sendTelepathy")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_json_urlencoded_and_query_bodies(tg: FakeTelegram) -> None:
    started_user(tg)
    status, body = await raw_call(tg, "sendMessage", json={"chat_id": USER_ID, "text": "json"})
    assert status == 200 and body["ok"] and body["result"]["text"] == "json"
    status, body = await raw_call(tg, "sendMessage", data={"chat_id": str(USER_ID), "text": "form"})
    assert status == 200 and body["result"]["text"] == "form"
    status, body = await raw_call(tg, "sendMessage", params={"chat_id": USER_ID, "text": "query"})
    assert status == 200 and body["result"]["text"] == "query"
    assert [c.params["chat_id"] for c in tg.calls("sendMessage")] == [USER_ID] * 3
    status, body = await raw_call(
        tg, "sendMessage", data={"chat_id": str(USER_ID), "text": "x", "reply_markup": "{oops"}
    )
    assert status == 400
    assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"


# ---------------------------------------------------------------- sending


async def test_send_message_records_and_returns_message(tg: FakeTelegram, bot: Bot) -> None:
    started_user(tg)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Yes", callback_data="yes")]]
    )
    message = await bot.send_message(USER_ID, "<b>Hello</b>, world\n", parse_mode="HTML",
                                     reply_markup=markup)
    assert isinstance(message, Message)
    assert message.text == "Hello, world"  # tags stripped, trailing whitespace trimmed
    assert message.entities is not None and message.entities[0].type == "bold"
    assert message.from_user is not None and message.from_user.id == tg.bot_id
    assert message.chat.id == USER_ID
    sent = tg.sent_messages(USER_ID)
    assert [m["text"] for m in sent] == ["Hello, world"]
    assert tg.messages[(USER_ID, message.message_id)]["reply_markup"] == {
        "inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]
    }
    found = await tg.wait_for_message(USER_ID, contains="world")
    assert found["message_id"] == message.message_id
    second = await bot.send_message(USER_ID, "again")
    assert second.message_id == message.message_id + 1


async def test_text_limits_and_parse_errors(tg: FakeTelegram, bot: Bot) -> None:
    started_user(tg)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER_ID, "x" * 4097)
    # Length is counted after tags are stripped and entities unescaped.
    await bot.send_message(USER_ID, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(USER_ID, "   ")
    with pytest.raises(TelegramBadRequest, match=r"can't parse entities: Can't find end tag"):
        await bot.send_message(USER_ID, "<b>bold", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "div"'):
        await bot.send_message(USER_ID, "<div>x</div>", parse_mode="HTML")
    photo = BufferedInputFile(b"\xff\xd8fakejpeg", filename="p.jpg")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(USER_ID, photo, caption="c" * 1025)


def test_formatting_parsers() -> None:
    html = 'a <i>b <a href="https://x.org?a=1&amp;b=2">c</a></i> &lt;3 😀<u>d</u>'
    text, entities = parse_html(html)
    assert text == "a b c <3 😀d"
    assert entities == [
        {"type": "italic", "offset": 2, "length": 3},
        {"type": "text_link", "offset": 4, "length": 1, "url": "https://x.org?a=1&b=2"},
        {"type": "underline", "offset": 11, "length": 1},  # the emoji is 2 UTF-16 units
    ]


async def test_chat_not_found_blocked_and_not_started(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999, "hi")
    tg.user(777)
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(777, "hi")
    user = started_user(tg)
    tg.block(user)
    with pytest.raises(TelegramForbiddenError) as info:
        await bot.send_message(USER_ID, "hi")
    assert info.value.message == "Forbidden: bot was blocked by the user"
    assert "my_chat_member" in tg.pending[-1]
    tg.push_message(user, "/start")  # writing to the bot again unblocks it
    await bot.send_message(USER_ID, "welcome back")


async def test_callback_data_limit_counts_utf8_bytes(tg: FakeTelegram, bot: Bot) -> None:
    started_user(tg)
    data = "д" * 33  # 33 characters, 66 bytes
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data=data)]]
    )
    with pytest.raises(TelegramBadRequest) as info:
        await bot.send_message(USER_ID, "pick", reply_markup=markup)
    assert info.value.message == "Bad Request: BUTTON_DATA_INVALID"
    empty_text = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="", callback_data="x")]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_TEXT_INVALID"):
        await bot.send_message(USER_ID, "pick", reply_markup=empty_text)
    assert tg.sent == []


async def test_reply_and_copy(tg: FakeTelegram, bot: Bot) -> None:
    user = started_user(tg)
    incoming = tg.push_message(user, "my question")["message"]
    reply = await bot.send_message(
        USER_ID, "answer", reply_parameters=ReplyParameters(message_id=incoming["message_id"])
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "my question"
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(USER_ID, "x", reply_parameters=ReplyParameters(message_id=999))
    tg.supergroup(FORUM_ID, "Operators", is_forum=True)
    copied = await bot.copy_message(FORUM_ID, USER_ID, incoming["message_id"])
    assert tg.messages[(FORUM_ID, copied.message_id)]["text"] == "my question"
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(FORUM_ID, USER_ID, 12345)


# ---------------------------------------------------------------- editing & deleting


async def test_edit_not_modified_and_not_found(tg: FakeTelegram, bot: Bot) -> None:
    started_user(tg)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
    )
    message = await bot.send_message(USER_ID, "Question 1", reply_markup=markup)
    with pytest.raises(TelegramBadRequest) as info:
        await bot.edit_message_text(
            text="Question 1", chat_id=USER_ID, message_id=message.message_id, reply_markup=markup
        )
    assert info.value.message == (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )
    # Same text without the markup is a modification (the keyboard is removed).
    edited = await bot.edit_message_text(
        text="Question 1", chat_id=USER_ID, message_id=message.message_id
    )
    assert isinstance(edited, Message) and edited.reply_markup is None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=USER_ID, message_id=message.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=USER_ID, message_id=999)


async def test_delete_message_rules(tg: FakeTelegram, bot: Bot) -> None:
    started_user(tg)
    first = await bot.send_message(USER_ID, "one")
    second = await bot.send_message(USER_ID, "two")
    assert await bot.delete_message(USER_ID, first.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER_ID, first.message_id)
    tg.advance(48 * 3600 + 1)
    with pytest.raises(TelegramBadRequest, match="message can't be deleted"):
        await bot.delete_message(USER_ID, second.message_id)


async def test_callback_query_answer_and_expiry(tg: FakeTelegram, bot: Bot) -> None:
    user = started_user(tg)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
    )
    message = await bot.send_message(USER_ID, "pick", reply_markup=markup)
    stored = tg.sent_messages(USER_ID)[-1]
    with pytest.raises(ValueError, match="no inline button"):
        tg.press_button(user, stored, "zzz")
    query = tg.press_button(user, stored, "a")["callback_query"]
    assert query["message"]["message_id"] == message.message_id
    assert await bot.answer_callback_query(query["id"], text="ok")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query["id"])  # already answered
    late = tg.press_button(user, stored, "a")["callback_query"]
    tg.advance(tg.callback_ttl + 1)
    with pytest.raises(TelegramBadRequest, match="query is too old and response timeout expired"):
        await bot.answer_callback_query(late["id"])


# ---------------------------------------------------------------- forum topics & chats


async def test_forum_topics(tg: FakeTelegram, bot: Bot) -> None:
    tg.supergroup(FORUM_ID, "Operators", is_forum=True)
    topic = await bot.create_forum_topic(FORUM_ID, "Case 501")
    thread_id = topic.message_thread_id
    message = await bot.send_message(FORUM_ID, "new case", message_thread_id=thread_id)
    assert message.message_thread_id == topic.message_thread_id
    assert message.is_topic_message
    await bot.close_forum_topic(FORUM_ID, topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(FORUM_ID, topic.message_thread_id)
    await bot.reopen_forum_topic(FORUM_ID, topic.message_thread_id)
    await bot.edit_forum_topic(FORUM_ID, topic.message_thread_id, name="Case 501 (done)")
    assert tg.topics[(FORUM_ID, thread_id)].name == "Case 501 (done)"
    tg.topics[(FORUM_ID, thread_id)].deleted = True  # a counsellor deleted it in the group
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(FORUM_ID, "late", message_thread_id=topic.message_thread_id)
    tg.supergroup(-100777, "Plain group")
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(-100777, "x")


async def test_members_and_commands(tg: FakeTelegram, bot: Bot) -> None:
    user = started_user(tg)
    tg.supergroup(FORUM_ID, "Operators", is_forum=True)
    assert (await bot.get_chat_member(FORUM_ID, USER_ID)).status == "left"
    tg.push_message(user, "hi all", chat=FORUM_ID)  # writing in a group makes one a member
    assert (await bot.get_chat_member(FORUM_ID, USER_ID)).status == "member"
    tg.set_member(FORUM_ID, USER_ID, "administrator")
    assert (await bot.get_chat_member(FORUM_ID, USER_ID)).status == "administrator"
    assert (await bot.get_chat_member(FORUM_ID, tg.bot_id)).status == "administrator"
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start!", description="x")])


async def test_what_the_fake_does_not_model_fails_loudly(tg: FakeTelegram, bot: Bot) -> None:
    started_user(tg)
    with pytest.raises(TelegramNotFound):  # a method the bot does not call: Telegram's 404
        await bot.send_chat_action(USER_ID, "typing")
    with pytest.raises(TelegramServerError, match="fake bug"):  # a parse mode the bot does not use
        await bot.send_message(USER_ID, "*Hello*", parse_mode="MarkdownV2")
    assert [type(e) for e in tg.internal_errors] == [NotImplementedError]
    tg.internal_errors.clear()


# ---------------------------------------------------------------- getUpdates


async def test_get_updates_offset_semantics(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    first = tg.push_message(user, "/start")
    second = tg.push_message(user, "hello")
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first["update_id"], second["update_id"]]
    assert updates[0].message is not None and updates[0].message.text == "/start"
    # Not confirmed yet: delivered again.
    again = await bot.get_updates(limit=1)
    assert [u.update_id for u in again] == [first["update_id"]]
    assert tg.deliveries[first["update_id"]] == 2
    # A higher offset confirms everything below it, forever.
    rest = await bot.get_updates(offset=second["update_id"])
    assert [u.update_id for u in rest] == [second["update_id"]]
    assert first["update_id"] in tg.confirmed_ids
    assert await bot.get_updates(offset=second["update_id"] + 1) == []
    assert await bot.get_updates() == []
    assert tg.confirmed_ids == {first["update_id"], second["update_id"]}


async def test_long_poll_returns_early(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(USER_ID)
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    pushed = tg.push_message(user, "wake up")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.update_id for u in updates] == [pushed["update_id"]]
    assert time.monotonic() - started < 1.5


async def test_concurrent_long_polls_conflict(tg: FakeTelegram, bot: Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    newer = asyncio.create_task(bot.get_updates(timeout=0))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(older, 2)
    assert await newer == []


async def test_allowed_updates_filter(tg: FakeTelegram, bot: Bot) -> None:
    user = started_user(tg)
    message = await bot.send_message(USER_ID, "x", reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
    ))
    tg.press_button(user, tg.sent_messages()[-1], "a")
    kept = tg.push_message(user, "text")
    updates = await bot.get_updates(allowed_updates=["message"])
    assert [u.update_id for u in updates] == [kept["update_id"]]
    assert message.message_id == 1


# ---------------------------------------------------------------- webhook


async def test_webhook_blocks_get_updates(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="secret token contains unallowed characters"):
        await bot.set_webhook("https://example.org/hook", secret_token="bad secret!")
    assert await bot.set_webhook("https://example.org/hook", secret_token="s3cret_-")
    assert tg.webhook_url == "https://example.org/hook"
    with pytest.raises(TelegramConflictError, match="while webhook is active"):
        await bot.get_updates()
    tg.push_message(tg.user(USER_ID), "x")
    assert len(tg.pending) == 1
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []


async def test_deliver_webhook_secret_and_reply(tg: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(Command("start"))
    async def start(message: Message) -> SendMessage:
        return message.answer("welcome")  # answered through the webhook reply

    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token="hook-secret").register(
        app, path="/hook"
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="hook-secret")
        update = tg.push_message(started_user(tg), "/start")
        assert await tg.deliver_webhook(update, secret_token="wrong") == 401
        assert update["update_id"] not in tg.confirmed_ids
        assert await tg.deliver_webhook(update) == 200
        assert update["update_id"] in tg.confirmed_ids
        reply = tg.calls("sendMessage")[-1]
        assert reply.ok and reply.source == "webhook-reply"
        assert tg.texts(USER_ID) == ["welcome"]
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------- faults & rate limits


async def test_injected_retry_after_and_server_errors(tg: FakeTelegram, bot: Bot) -> None:
    started_user(tg)
    tg.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER_ID, "hi")
    assert info.value.retry_after == 7
    assert tg.rate_limited == 1
    await bot.send_message(USER_ID, "hi")  # the fault is used up ...
    assert len(tg.retry_after_violations) == 1  # ... but the retry came too early
    tg.fail_next("*", status=502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.get_me()
    tg.fail_next("getMe", delay=0.05)
    assert (await bot.get_me()).id == tg.bot_id


async def test_rate_limit_with_scale(tg: FakeTelegram, bot: Bot) -> None:
    started_user(tg)
    tg.set_rate_limits(per_chat_per_sec=1.0, scale=20)  # one message per 50 ms per chat
    await bot.send_message(USER_ID, "one")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER_ID, "two")
    assert info.value.retry_after >= 1
    assert tg.rate_limited == 1
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(USER_ID, "too eager")
    assert len(tg.retry_after_violations) == 1
    await asyncio.sleep(info.value.retry_after / 20 + 0.02)
    await bot.send_message(USER_ID, "three")
    assert tg.texts(USER_ID) == ["one", "three"]


# ---------------------------------------------------------------- end to end


async def test_dispatcher_polling_end_to_end(tg: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(Command("start"))
    async def start(message: Message) -> None:
        await message.answer(
            "Hi! Choose:",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="Work", callback_data="topic:work")]]
            ),
        )

    @dp.callback_query(F.data == "topic:work")
    async def work(query: CallbackQuery) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_text("You chose work")

    user = tg.user(USER_ID)
    polling = asyncio.create_task(
        dp.start_polling(bot, polling_timeout=1, handle_signals=False, close_bot_session=False)
    )
    try:
        tg.push_message(user, "/start")
        menu = await tg.wait_for_message(USER_ID, contains="Choose")
        tg.press_button(user, menu, tg.find_button(menu, "Work")["callback_data"])
        await tg.wait_for(
            lambda: tg.messages[(USER_ID, menu["message_id"])]["text"] == "You chose work",
            what="menu edited",
        )
        await tg.wait_for(lambda: not tg.pending, what="updates confirmed")
        assert all(c.ok for c in tg.calls("answerCallbackQuery"))
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)


async def test_wait_for_message_timeout_dumps_calls(tg: FakeTelegram, bot: Bot) -> None:
    started_user(tg)
    await bot.send_message(USER_ID, "something else")
    with pytest.raises(AssertionError) as info:
        await tg.wait_for_message(USER_ID, contains="never", timeout=0.05)
    assert "sendMessage" in str(info.value)
