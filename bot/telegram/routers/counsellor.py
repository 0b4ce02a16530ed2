"""Counsellors in their forum supergroup: replies are relayed, commands and buttons act on cases."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ContentType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.counselling.cases import NOTE_MARKERS, CaseService
from bot.engine.registry import Registry
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.telegram.callbacks import Canned, CaseAction
from bot.telegram.middlewares.counsellors_only import CounsellorsOnly

RELAYED = {ContentType.TEXT, ContentType.PHOTO, ContentType.DOCUMENT, ContentType.VOICE, ContentType.VIDEO,
           ContentType.AUDIO, ContentType.STICKER, ContentType.LOCATION, ContentType.ANIMATION,
           ContentType.VIDEO_NOTE, ContentType.CONTACT}


def _name(message: Message | CallbackQuery) -> str:
    user = message.from_user
    return (user.first_name if user else None) or "?"


async def _case_id(message: Message, cases: CaseService) -> int | None:
    if message.message_thread_id is None:
        return None
    case = await cases.case_in_forum_topic(message.message_thread_id)
    return case.id if case else None


async def claim(message: Message, cases: CaseService) -> None:
    case_id = await _case_id(message, cases)
    if case_id is not None and message.from_user:
        await cases.claim(case_id, message.from_user.id, _name(message))


async def close(message: Message, cases: CaseService) -> None:
    case_id = await _case_id(message, cases)
    if case_id is not None:
        await cases.close(case_id)


async def reopen(message: Message, cases: CaseService) -> None:
    case_id = await _case_id(message, cases)
    if case_id is not None:
        await cases.reopen(case_id)


async def hotlines(message: Message, cases: CaseService, registry: Registry) -> None:
    case_id = await _case_id(message, cases)
    if case_id is not None:
        await cases.send_cards(case_id, [registry.contacts[n] for n in ("emergency", "helpline", "egov")
                                         if n in registry.contacts])


async def canned_menu(message: Message, cases: CaseService, group_tr: Translator) -> None:
    case_id = await _case_id(message, cases)
    if case_id is not None:
        await message.reply(group_tr(texts.CANNED_PICK), reply_markup=_canned_keyboard(cases, case_id, group_tr))


def _canned_keyboard(cases: CaseService, case_id: int, tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=tr(reply.label), callback_data=Canned(case_id=case_id, key=key).pack())]
        for key, reply in cases.canned.items()])


async def help_(message: Message, group_tr: Translator) -> None:
    await message.reply(group_tr(texts.COUNSELLOR_HELP))


async def note(message: Message) -> None:
    """Notes stay among counsellors: nothing to do."""


async def relay(message: Message, cases: CaseService) -> None:
    if message.message_thread_id is None:
        return
    reply_to = message.reply_to_message.message_id if message.reply_to_message and \
        message.reply_to_message.message_id != message.message_thread_id else None
    await cases.relay_out(message.message_thread_id, message.message_id, reply_to)


async def edited(message: Message, cases: CaseService) -> None:
    if message.text:
        await cases.mirror_edit(message.chat.id, message.message_id, message.text,
                                forum_topic_id=message.message_thread_id)


async def case_button(query: CallbackQuery, callback_data: CaseAction, cases: CaseService,
                      registry: Registry, group_tr: Translator, bot: Bot) -> None:
    await query.answer()
    case_id, action = callback_data.case_id, callback_data.action
    if action == "claim":
        await cases.claim(case_id, query.from_user.id, _name(query))
    elif action == "close":
        await cases.close(case_id)
    elif action == "reopen":
        await cases.reopen(case_id)
    elif action == "hotlines":
        await cases.send_cards(case_id, [registry.contacts[n] for n in ("emergency", "helpline", "egov")
                                         if n in registry.contacts])
    elif action == "canned" and query.message is not None:
        await bot.send_message(chat_id=query.message.chat.id, text=group_tr(texts.CANNED_PICK),
                               message_thread_id=getattr(query.message, "message_thread_id", None),
                               reply_markup=_canned_keyboard(cases, case_id, group_tr))


async def canned_button(query: CallbackQuery, callback_data: Canned, cases: CaseService) -> None:
    await query.answer()
    await cases.send_canned(callback_data.case_id, callback_data.key)


def build_router(group_id: int, group_tr: Translator) -> Router:
    router = Router(name="counsellor")
    router.message.filter(F.chat.id == group_id)
    router.edited_message.filter(F.chat.id == group_id)
    router.callback_query.filter(F.message.chat.id == group_id)
    guard = CounsellorsOnly(group_id, group_tr)
    for observer in (router.message, router.edited_message, router.callback_query):
        observer.middleware(guard)
    router.message.register(claim, Command("claim"))
    router.message.register(close, Command("close"))
    router.message.register(reopen, Command("reopen"))
    router.message.register(hotlines, Command("hotlines"))
    router.message.register(canned_menu, Command("canned"))
    router.message.register(help_, Command("help"))
    router.message.register(note, Command("note"))
    router.message.register(note, F.text.startswith(NOTE_MARKERS[1]) | F.caption.startswith(NOTE_MARKERS[1]))
    router.message.register(relay, F.message_thread_id, F.content_type.in_(RELAYED))
    router.edited_message.register(edited, F.message_thread_id)
    router.callback_query.register(case_button, CaseAction.filter())
    router.callback_query.register(canned_button, Canned.filter())
    return router
