"""Counsellors in their forum supergroup: replies are relayed, commands and buttons act on cases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.enums import ContentType
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, User

from bot.counselling.actions import HOTLINE_CARDS, CaseAction
from bot.counselling.cases import CaseLifecycle
from bot.counselling.relay import NOTE_MARKERS, Relay
from bot.engine.registry import Registry
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.telegram.callbacks import Canned
from bot.telegram.callbacks import CaseAction as CaseActionButton
from bot.telegram.middlewares.counsellors_only import CounsellorsOnly
from bot.telegram.routers import days

RELAYED = {ContentType.TEXT, ContentType.PHOTO, ContentType.DOCUMENT, ContentType.VOICE, ContentType.VIDEO,
           ContentType.AUDIO, ContentType.STICKER, ContentType.LOCATION, ContentType.ANIMATION,
           ContentType.VIDEO_NOTE, ContentType.CONTACT}


def _name(user: User | None) -> str:
    return (user.first_name if user else None) or "?"


Say = Callable[[str, InlineKeyboardMarkup], Awaitable[object]]


@dataclass(frozen=True)
class CaseTurn:
    """One counsellor action on one case, from a command in its topic or a button under its summary."""

    case_id: int
    user: User | None
    cases: CaseLifecycle
    relay: Relay
    registry: Registry
    group_tr: Translator
    say: Say  # answer in the case's topic (a reply to the command, or a message under the button)


async def _claim(turn: CaseTurn) -> None:
    if turn.user is not None:
        await turn.cases.claim(turn.case_id, turn.user.id, _name(turn.user))


async def _close(turn: CaseTurn) -> None:
    await turn.cases.close(turn.case_id)


async def _reopen(turn: CaseTurn) -> None:
    await turn.cases.reopen(turn.case_id)


async def _hotlines(turn: CaseTurn) -> None:
    await turn.relay.send_cards(turn.case_id, [turn.registry.contacts[n] for n in HOTLINE_CARDS
                                               if n in turn.registry.contacts])


async def _canned(turn: CaseTurn) -> None:
    await turn.say(turn.group_tr(texts.CANNED_PICK), _canned_keyboard(turn.relay, turn.case_id, turn.group_tr))


# The one table: /claim and the Claim button do the same thing, and so on.
ACTIONS: dict[CaseAction, Callable[[CaseTurn], Awaitable[None]]] = {
    CaseAction.CLAIM: _claim,
    CaseAction.CLOSE: _close,
    CaseAction.REOPEN: _reopen,
    CaseAction.HOTLINES: _hotlines,
    CaseAction.CANNED: _canned,
}


def _canned_keyboard(relay: Relay, case_id: int, tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=tr(reply.label), callback_data=Canned(case_id=case_id, key=key).pack())]
        for key, reply in relay.canned.items()])


async def case_command(message: Message, command: CommandObject, cases: CaseLifecycle, relay: Relay,
                       registry: Registry, group_tr: Translator) -> None:
    """/claim, /close, /reopen, /hotlines or /canned, written in a case's forum topic."""
    if message.message_thread_id is None:
        return
    case = await cases.case_in_forum_topic(message.message_thread_id)
    if case is None:
        return

    async def say(text: str, markup: InlineKeyboardMarkup) -> object:
        return await message.reply(text, reply_markup=markup)

    turn = CaseTurn(case.id, message.from_user, cases, relay, registry, group_tr, say)
    await ACTIONS[CaseAction(command.command)](turn)


async def case_button(query: CallbackQuery, callback_data: CaseActionButton, cases: CaseLifecycle, relay: Relay,
                      registry: Registry, group_tr: Translator, bot: Bot) -> None:
    await query.answer()
    message = query.message

    async def say(text: str, markup: InlineKeyboardMarkup) -> object:
        if message is None:
            return None
        return await bot.send_message(chat_id=message.chat.id, text=text, reply_markup=markup,
                                      message_thread_id=getattr(message, "message_thread_id", None))

    await ACTIONS[callback_data.action](CaseTurn(callback_data.case_id, query.from_user, cases, relay, registry,
                                                 group_tr, say))


async def help_(message: Message, group_tr: Translator) -> None:
    await message.reply(group_tr(texts.COUNSELLOR_HELP))


async def note(message: Message) -> None:
    """Notes stay among counsellors: nothing to do."""


async def relay_message(message: Message, relay: Relay) -> None:
    if message.message_thread_id is None:
        return
    reply_to = message.reply_to_message.message_id if message.reply_to_message and \
        message.reply_to_message.message_id != message.message_thread_id else None
    await relay.relay_out(message.message_thread_id, message.message_id, reply_to)


async def edited(message: Message, relay: Relay) -> None:
    if message.text:
        await relay.mirror_edit(message.chat.id, message.message_id, message.text,
                                forum_topic_id=message.message_thread_id)


async def canned_button(query: CallbackQuery, callback_data: Canned, relay: Relay) -> None:
    await query.answer()
    await relay.send_canned(callback_data.case_id, callback_data.key)


def build_router(group_id: int, group_tr: Translator) -> Router:
    router = Router(name="counsellor")
    router.message.filter(F.chat.id == group_id)
    router.edited_message.filter(F.chat.id == group_id)
    router.callback_query.filter(F.message.chat.id == group_id)
    guard = CounsellorsOnly(group_id, group_tr)
    for observer in (router.message, router.edited_message, router.callback_query):
        observer.middleware(guard)
    router.message.register(case_command, Command(*ACTIONS))
    router.message.register(help_, Command("help"))
    days.register(router)
    router.message.register(note, Command("note"))
    router.message.register(note, F.text.startswith(NOTE_MARKERS[1]) | F.caption.startswith(NOTE_MARKERS[1]))
    router.message.register(relay_message, F.message_thread_id, F.content_type.in_(RELAYED))
    router.edited_message.register(edited, F.message_thread_id)
    router.callback_query.register(case_button, CaseActionButton.filter())
    router.callback_query.register(canned_button, Canned.filter())
    return router
