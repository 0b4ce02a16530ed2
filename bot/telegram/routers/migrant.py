"""Migrants in a private chat: commands, buttons and typed answers. Each handler is one call."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, Update

from bot.engine.inputs import Choose, Jump, Nav, Text
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.telegram.callbacks import CaseConsent, Consent, Forget, Go, OpenFlow, Pick, Rate, SetLanguage
from bot.telegram.middlewares.answer_first import AnswerFirstMiddleware
from bot.telegram.migrant_actions import MigrantActions

LONGEST_ANSWER = 500  # characters; anything longer is a story for a person, not an answer


def _message_id(query: CallbackQuery) -> int | None:
    return query.message.message_id if query.message else None


def _chat_id(query: CallbackQuery) -> int:
    return query.message.chat.id if query.message else query.from_user.id


async def start(message: Message, command: CommandObject, actions: MigrantActions, lang: str, tr: Translator,
                state: FSMContext) -> None:
    await actions.ask_language(message.chat.id, lang, tr, state, campaign=command.args)


async def language(message: Message, actions: MigrantActions, lang: str, tr: Translator, state: FSMContext) -> None:
    await actions.ask_language(message.chat.id, lang, tr, state)


async def chose_language(query: CallbackQuery, callback_data: SetLanguage, actions: MigrantActions, key: str,
                         state: FSMContext) -> None:
    await actions.chose_language(_chat_id(query), _message_id(query), key, callback_data.lang, state)


async def consented(query: CallbackQuery, callback_data: Consent, actions: MigrantActions, key: str, lang: str,
                    state: FSMContext, event_update: Update) -> None:
    await actions.consented(_chat_id(query), _message_id(query), key, callback_data.counted, lang, state,
                         event_update.update_id)


async def menu(message: Message, actions: MigrantActions, key: str, lang: str, tr: Translator, state: FSMContext,
               event_update: Update, known: bool = True) -> None:
    await actions.step(message.chat.id, key, Nav("menu"), lang, tr, state, update_id=event_update.update_id,
                       known=known)


async def help_(message: Message, actions: MigrantActions, tr: Translator) -> None:
    await actions.info(message.chat.id, tr, texts.HELP)


async def privacy(message: Message, actions: MigrantActions, tr: Translator) -> None:
    await actions.info(message.chat.id, tr, texts.PRIVACY_FULL, days=actions.retention_days)


async def forget(message: Message, actions: MigrantActions, tr: Translator) -> None:
    await actions.ask_forget(message.chat.id, tr)


async def forget_answer(query: CallbackQuery, callback_data: Forget, actions: MigrantActions, key: str, tr: Translator,
                        state: FSMContext) -> None:
    await actions.forget(_chat_id(query), _message_id(query), key, callback_data.confirm, tr, state)


async def pick(query: CallbackQuery, callback_data: Pick, actions: MigrantActions, key: str, lang: str, tr: Translator,
               state: FSMContext, event_update: Update, known: bool = True) -> None:
    await actions.step(_chat_id(query), key, Choose(callback_data.index, callback_data.step), lang, tr, state,
                    update_id=event_update.update_id, pressed_message_id=_message_id(query), known=known)


async def navigate(query: CallbackQuery, callback_data: Go, actions: MigrantActions, key: str, lang: str,
                   tr: Translator, state: FSMContext, event_update: Update, known: bool = True) -> None:
    await actions.step(_chat_id(query), key, Nav(callback_data.action, callback_data.step), lang, tr,  # type: ignore[arg-type]
                    state, update_id=event_update.update_id, pressed_message_id=_message_id(query), known=known)


async def open_flow(query: CallbackQuery, callback_data: OpenFlow, actions: MigrantActions, key: str, lang: str,
                tr: Translator, state: FSMContext, event_update: Update, known: bool = True) -> None:
    await actions.step(_chat_id(query), key, Jump(callback_data.flow, callback_data.step), lang, tr, state,
                    update_id=event_update.update_id, pressed_message_id=_message_id(query), known=known)


async def case_consent(query: CallbackQuery, callback_data: CaseConsent, actions: MigrantActions, key: str, lang: str,
                       tr: Translator, state: FSMContext) -> None:
    await actions.case_consent(_chat_id(query), _message_id(query), key, callback_data.yes, lang, tr, state)


async def rate(query: CallbackQuery, callback_data: Rate, actions: MigrantActions, key: str, tr: Translator) -> None:
    await actions.rate(_chat_id(query), _message_id(query), key, callback_data.case_id, callback_data.stars, tr)


async def relay(message: Message, actions: MigrantActions, key: str) -> None:
    """While a case is open, everything the migrant writes goes to their counsellor."""
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    if not await actions.relay(key, message.chat.id, message.message_id, reply_to):
        raise SkipHandler


async def edited(message: Message, actions: MigrantActions, key: str) -> None:
    if message.text:
        await actions.relay_edit(key, message.chat.id, message.message_id, message.text)


async def too_long(message: Message, actions: MigrantActions, key: str, lang: str, tr: Translator,
                   state: FSMContext) -> None:
    await actions.show_current(message.chat.id, key, lang, tr, state, note=texts.TOO_LONG)


async def typed(message: Message, actions: MigrantActions, key: str, lang: str, tr: Translator, state: FSMContext,
                event_update: Update, known: bool = True) -> None:
    await actions.step(message.chat.id, key, Text(message.text or ""), lang, tr, state,
                    update_id=event_update.update_id, known=known)


async def not_text(message: Message, actions: MigrantActions, key: str, lang: str, tr: Translator,
                   state: FSMContext) -> None:
    await actions.show_current(message.chat.id, key, lang, tr, state, note=texts.NOT_TEXT)


async def unknown_button(query: CallbackQuery, actions: MigrantActions, key: str, lang: str, tr: Translator,
                         state: FSMContext) -> None:
    """A forged or outdated payload: say so, and show where the conversation is."""
    await actions.show_current(_chat_id(query), key, lang, tr, state, note=texts.STALE_BUTTON)


def build_router() -> Router:
    """A fresh router with every migrant handler, in the order they are tried."""
    router = Router(name="migrant")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    router.callback_query.middleware(AnswerFirstMiddleware())
    router.message.register(start, CommandStart())
    router.message.register(language, Command("language"))
    router.callback_query.register(chose_language, SetLanguage.filter())
    router.callback_query.register(consented, Consent.filter())
    router.message.register(menu, Command("menu"))
    router.message.register(help_, Command("help"))
    router.message.register(privacy, Command("privacy"))
    router.message.register(forget, Command("forget"))
    router.callback_query.register(forget_answer, Forget.filter())
    router.callback_query.register(pick, Pick.filter())
    router.callback_query.register(navigate, Go.filter(F.action.in_({"back", "menu", "restart", "counsellor"})))
    router.callback_query.register(open_flow, OpenFlow.filter())
    router.callback_query.register(case_consent, CaseConsent.filter())
    router.callback_query.register(rate, Rate.filter())
    router.message.register(relay, ~F.text.startswith("/"))
    router.edited_message.filter(F.chat.type == "private")
    router.edited_message.register(edited)
    router.message.register(too_long, F.text.len() > LONGEST_ANSWER)
    router.message.register(typed, F.text)
    router.message.register(not_text)
    router.callback_query.register(unknown_button)
    return router
