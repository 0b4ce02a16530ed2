"""Migrants in a private chat: commands, buttons and typed answers. Each handler is one call."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.engine.inputs import Jump, Nav, Text
from bot.i18n import texts
from bot.telegram.callbacks import (
    CalendarPage,
    CaseConsent,
    Consent,
    EngineButton,
    Forget,
    Go,
    Inert,
    OpenFlow,
    Pick,
    PickDate,
    Rate,
    RemindCancel,
    RemindCounsellor,
    RemindOffer,
    RemindSet,
    RemindStop,
    RemindTopic,
    SetLanguage,
)
from bot.telegram.middlewares.answer_first import AnswerFirstMiddleware
from bot.telegram.middlewares.context import UpdateContext
from bot.telegram.migrant_actions import MigrantActions
from bot.telegram.render import parse_ymd

LONGEST_ANSWER = 500  # characters; anything longer is a story for a person, not an answer


async def start(message: Message, command: CommandObject, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.ask_language(ctx, campaign=command.args)


async def language(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.ask_language(ctx)


async def chose_language(query: CallbackQuery, callback_data: SetLanguage, actions: MigrantActions,
                         ctx: UpdateContext) -> None:
    await actions.chose_language(ctx, callback_data.lang)


async def consented(query: CallbackQuery, callback_data: Consent, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.consented(ctx, callback_data.counted)


async def menu(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.step(ctx, Nav("menu"))


async def help_(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.info(ctx, texts.HELP)


async def privacy(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.info(ctx, texts.PRIVACY_FULL, days=actions.retention_days)


async def forget(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.ask_forget(ctx)


async def forget_answer(query: CallbackQuery, callback_data: Forget, actions: MigrantActions,
                        ctx: UpdateContext) -> None:
    await actions.forget(ctx, callback_data.confirm, callback_data.asked)


async def press(query: CallbackQuery, callback_data: EngineButton, actions: MigrantActions, ctx: UpdateContext) -> None:
    """A button of a step (an option, navigation, a suggested flow): the engine input it carries."""
    await actions.step(ctx, callback_data.to_input())


async def pick_date(query: CallbackQuery, callback_data: PickDate, actions: MigrantActions,
                    ctx: UpdateContext) -> None:
    await actions.pick_date(ctx, parse_ymd(callback_data.day), callback_data.step)


async def calendar_page(query: CallbackQuery, callback_data: CalendarPage, actions: MigrantActions,
                        ctx: UpdateContext) -> None:
    await actions.calendar_page(ctx, callback_data)


async def inert(query: CallbackQuery) -> None:
    """A weekday name or a day the question does not accept: nothing happens (the spinner stops)."""


async def case_consent(query: CallbackQuery, callback_data: CaseConsent, actions: MigrantActions,
                       ctx: UpdateContext) -> None:
    await actions.case_consent(ctx, callback_data.yes)


async def rate(query: CallbackQuery, callback_data: Rate, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.rate(ctx, callback_data.case_id, callback_data.stars)


async def reminders(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.list_reminders(ctx)


async def remind_offer(query: CallbackQuery, callback_data: RemindOffer, actions: MigrantActions,
                       ctx: UpdateContext) -> None:
    await actions.remind_offer(ctx, callback_data.index, callback_data.step)


async def remind_set(query: CallbackQuery, callback_data: RemindSet, actions: MigrantActions,
                     ctx: UpdateContext) -> None:
    await actions.remind_set(ctx, callback_data.index, callback_data.step, callback_data.choice)


async def remind_cancel(query: CallbackQuery, callback_data: RemindCancel, actions: MigrantActions,
                        ctx: UpdateContext) -> None:
    await actions.remind_cancel(ctx, callback_data.kind, callback_data.day, done=False)


async def remind_stop(query: CallbackQuery, callback_data: RemindStop, actions: MigrantActions,
                      ctx: UpdateContext) -> None:
    await actions.remind_cancel(ctx, callback_data.kind, callback_data.day, done=True)


async def remind_topic(query: CallbackQuery, callback_data: RemindTopic, actions: MigrantActions,
                       ctx: UpdateContext) -> None:
    await actions.step(ctx, Jump(callback_data.flow))


async def remind_counsellor(query: CallbackQuery, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.step(ctx, Nav("counsellor"))


async def relay(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    """While a case is open, everything the migrant writes goes to their counsellor."""
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    if not await actions.relay(ctx, message.message_id, reply_to):
        raise SkipHandler


async def edited(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    if message.text:
        await actions.relay_edit(ctx, message.message_id, message.text)


async def too_long(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.show_current(ctx, note=texts.TOO_LONG)


async def typed(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.step(ctx, Text(message.text or ""))


async def not_text(message: Message, actions: MigrantActions, ctx: UpdateContext) -> None:
    await actions.show_current(ctx, note=texts.NOT_TEXT)


async def unknown_button(query: CallbackQuery, actions: MigrantActions, ctx: UpdateContext) -> None:
    """A forged or outdated payload: say so, and show where the conversation is."""
    await actions.show_current(ctx, note=texts.STALE_BUTTON)


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
    router.message.register(reminders, Command("reminders"))
    router.callback_query.register(remind_offer, RemindOffer.filter())
    router.callback_query.register(remind_set, RemindSet.filter())
    router.callback_query.register(remind_cancel, RemindCancel.filter())
    router.callback_query.register(remind_stop, RemindStop.filter())
    router.callback_query.register(remind_topic, RemindTopic.filter())
    router.callback_query.register(remind_counsellor, RemindCounsellor.filter())
    router.callback_query.register(press, Pick.filter())
    router.callback_query.register(press, Go.filter(F.action.in_({"back", "menu", "restart", "counsellor",
                                                                  "counsellor_urgent"})))
    router.callback_query.register(press, OpenFlow.filter())
    router.callback_query.register(pick_date, PickDate.filter())
    router.callback_query.register(calendar_page, CalendarPage.filter())
    router.callback_query.register(inert, Inert.filter())
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
