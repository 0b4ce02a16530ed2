"""What each migrant action on Telegram does, in terms of the shared services.

Handlers stay one line long; this class turns a migrant's action into service calls and the
reply into Telegram messages. It holds no per-user state of its own.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation.reminders import CHOICES, ReminderService, day_code, from_day_code
from bot.conversation.screens import DatePicker, Presenter, Screen
from bot.conversation.service import ConversationService, Reply
from bot.counselling.cases import CaseLifecycle, CaseRequest
from bot.counselling.housekeeping import CaseHousekeeping
from bot.counselling.relay import Relay
from bot.counselling.working_hours import WorkingHours
from bot.engine.compute import Hours
from bot.engine.events import CounsellorRequested, DeadlineDate, Handoff, Outcome
from bot.engine.inputs import Text, UserInput
from bot.i18n import texts
from bot.i18n.catalogs import Catalogs, Translator
from bot.i18n.format import fill, format_value, short_date
from bot.i18n.languages import native_name
from bot.telegram.callbacks import CalendarPage, CaseConsent, Consent, Forget, RemindCancel, RemindSet, SetLanguage
from bot.telegram.middlewares.context import UpdateContext
from bot.telegram.render import Outgoing, calendar_rows, deliver, edit_markup, keyboard, parse_ymd, to_messages
from db.statuses import Urgency

CAMPAIGN_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
UNKNOWN_CAMPAIGN = "unknown"


def load_campaigns(path: Path) -> frozenset[str]:
    """The campaign codes listed in ``content/campaigns.yaml`` (none if the file is missing)."""
    if not path.exists():
        return frozenset()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    codes = [str(code) for code in data.get("codes") or []]
    bad = [code for code in codes if not CAMPAIGN_CODE.match(code) or code.isdigit()]
    if bad:
        raise ValueError(f"{path}: campaign codes are 1-32 letters, digits, _ or - and not only digits: {bad}")
    return frozenset(codes)


@dataclass
class Escalation:
    """What migrant actions need to hand migrants to counsellors (absent without COUNSELLOR_CHAT_ID)."""

    cases: CaseLifecycle
    relay: Relay
    housekeeping: CaseHousekeeping  # forgetting a migrant's cases
    hours: WorkingHours
    expected_wait_hours: int
    retention_days: int


@dataclass
class MigrantActions:
    bot: Bot
    conversations: ConversationService
    presenter: Presenter
    catalogs: Catalogs
    languages: list[str]
    retention_days: int
    escalation: Escalation | None = None
    campaigns: frozenset[str] = frozenset()  # the codes in content/campaigns.yaml
    reminders: ReminderService | None = None

    async def ask_language(self, ctx: UpdateContext, campaign: str | None = None) -> None:
        if campaign:  # only a listed code is kept: a phone number or a name typed after /start is not
            await ctx.fsm.update_data(campaign=campaign if campaign in self.campaigns else UNKNOWN_CAMPAIGN)
        if ctx.superseded:  # they acted after this (a /start handled again after a crash): that shows the step
            return
        suggested = ctx.lang
        order = [suggested] + [code for code in self.languages if code != suggested]
        rows = [[InlineKeyboardButton(text=("✓ " if code == suggested else "") + native_name(code),
                                      callback_data=SetLanguage(lang=code).pack())] for code in order]
        await self.bot.send_message(chat_id=ctx.chat_id, text=ctx.tr(texts.CHOOSE_LANGUAGE),
                                    reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))

    async def chose_language(self, ctx: UpdateContext, lang: str) -> None:
        if lang not in self.languages:
            return
        tr = self.catalogs.get(lang)
        reply = await self.conversations.set_language(ctx.key, lang)
        if reply is not None:  # a returning migrant: the step they were at, in the new language
            if not ctx.superseded:
                await self._remove_buttons(ctx)
                await self.send(ctx, reply)
            return
        await ctx.fsm.update_data(lang=lang)
        if ctx.superseded:  # already answered the notice (handled again after a crash), or chose again
            return
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=tr(texts.CONSENT_YES), callback_data=Consent(counted=True).pack())],
            [InlineKeyboardButton(text=tr(texts.CONSENT_NO_STATS), callback_data=Consent(counted=False).pack())],
        ])
        await self._edit_or_send(ctx, tr(texts.PRIVACY_SHORT), markup)

    async def consented(self, ctx: UpdateContext, counted: bool) -> None:
        data = await ctx.fsm.get_data()
        lang = data.get("lang") or ctx.lang
        campaign = data.get("campaign")
        await ctx.fsm.clear()
        await self._remove_buttons(ctx)
        reply = await self.conversations.start(ctx.key, lang, counted=counted, update_id=ctx.update_id,
                                               campaign=campaign if isinstance(campaign, str) else None)
        if reply.duplicate:
            await self._show_again(ctx, reply, in_place=False)  # the notice keeps its place and text
            return
        await self.send(ctx, reply, at_start=True)

    async def step(self, ctx: UpdateContext, inp: UserInput) -> None:
        if not ctx.known:  # never started, or erased with /forget
            await self.ask_language(ctx)
            return
        reply = await self.conversations.handle(ctx.key, inp, ctx.lang, update_id=ctx.update_id)
        if reply.duplicate:
            await self._show_again(ctx, reply, in_place=True)
            return
        await self.send(ctx, reply, in_place=True, offer_case=True)

    async def _show_again(self, ctx: UpdateContext, reply: Reply, *, in_place: bool) -> None:
        """An update applied before a crash, its reply maybe lost or cut short: show where the
        conversation is, as a new message at the end of the chat, and take the buttons off the
        pressed message (``in_place``) so that only the current step can be answered. Not when the
        person has already acted after it: their next update shows the step."""
        if ctx.superseded:
            return
        await self.send(ctx, reply, in_place=in_place, again=True)

    async def pick_date(self, ctx: UpdateContext, day: dt.date | None, step: int) -> None:
        """A day pressed on a calendar: the date as if typed, if the calendar is still the current step."""
        current = await self.conversations.current(ctx.key) if ctx.known else None
        if day is None or current is None or current.state.step != step:
            await self.show_current(ctx, note=texts.STALE_BUTTON)
            return
        await self.step(ctx, Text(day.isoformat()))

    async def calendar_page(self, ctx: UpdateContext, page: CalendarPage) -> None:
        """Another month on the same message; nothing changes in the conversation."""
        today = parse_ymd(page.today)
        month = parse_ymd(page.month + "01")
        if today is None or month is None or ctx.pressed_message_id is None:
            return
        picker = DatePicker(today, parse_ymd(page.earliest), parse_ymd(page.latest))
        current = await self.conversations.current(ctx.key) if ctx.known else None
        if current is None or current.state.step != page.step:
            await self.show_current(ctx, note=texts.STALE_BUTTON)
            return
        rows = calendar_rows(picker, month, current.lang, page.step)
        screens = self.presenter.screens(current.events, self.catalogs.get(current.lang))
        nav = keyboard(Screen("", nav=screens[-1].nav), page.step) if screens else None
        markup = InlineKeyboardMarkup(inline_keyboard=rows + (nav.inline_keyboard if nav else []))
        await edit_markup(self.bot, ctx.chat_id, ctx.pressed_message_id, markup)

    async def show_current(self, ctx: UpdateContext, note: str | None = None) -> None:
        reply = await self.conversations.current(ctx.key)
        if note:
            await self.bot.send_message(chat_id=ctx.chat_id, text=ctx.tr(note))
        if reply is None:
            await self.ask_language(ctx)
        else:
            await self.send(ctx, reply)

    async def send(self, ctx: UpdateContext, reply: Reply, *, in_place: bool = False, at_start: bool = False,
                   offer_case: bool = False, again: bool = False) -> None:
        """Show ``reply``; ``in_place``: may edit the message whose button was pressed (with
        ``again``, only take its buttons off: the step goes in a new message)."""
        tr = self.catalogs.get(reply.lang)
        screens = self.presenter.screens(reply.events, tr, at_start=at_start)
        messages = to_messages(screens, reply.state.step, reply.lang)
        handoff = next((e for e in reply.events if isinstance(e, (Handoff, CounsellorRequested))), None)
        if handoff is not None and self.escalation is None:
            messages.append(Outgoing(tr(texts.NO_COUNSELLORS)))
        await deliver(self.bot, ctx.chat_id, messages, pressed_message_id=ctx.pressed_message_id if in_place else None,
                      edit=not again)
        if handoff is not None and self.escalation is not None and offer_case:
            await self.offer_case(ctx, reply, handoff, tr)

    # -- counsellors --------------------------------------------------------------------------
    async def offer_case(self, ctx: UpdateContext, reply: Reply, event: Handoff | CounsellorRequested,
                         tr: Translator) -> None:
        assert self.escalation is not None
        case = await self.escalation.cases.open_case_of(ctx.key)
        if case is not None:
            await self.bot.send_message(chat_id=ctx.chat_id, text=tr(texts.CASE_ALREADY_OPEN).format(code=case.code))
            return
        urgent = event.urgency == "urgent" if isinstance(event, Handoff) else event.urgent
        category = event.category if isinstance(event, Handoff) else "user_request"
        await ctx.fsm.update_data(handoff={"flow": event.flow, "node": event.node, "category": category,
                                         "urgency": Urgency.URGENT if urgent else Urgency.NORMAL,
                                         "answers": reply.state.answers})
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=tr(texts.CASE_CONSENT_YES), callback_data=CaseConsent(yes=True).pack())],
            [InlineKeyboardButton(text=tr(texts.CASE_CONSENT_NO), callback_data=CaseConsent(yes=False).pack())]])
        await self.bot.send_message(chat_id=ctx.chat_id, reply_markup=markup,
                                    text=tr(texts.CASE_CONSENT).format(days=self.escalation.retention_days))

    async def case_consent(self, ctx: UpdateContext, yes: bool) -> None:
        tr, lang = ctx.tr, ctx.lang
        data = (await ctx.fsm.get_data()).get("handoff")
        if self.escalation is None or not yes or not isinstance(data, dict):
            await self._edit_or_send(ctx, tr(texts.CASE_NOT_CONNECTED), None)
            return
        handoff = CaseRequest(data["flow"], data["node"], data["category"], data["urgency"], data["answers"])
        case, _created = await self.escalation.cases.open_case(ctx.key, ctx.chat_id, lang, handoff)
        await ctx.fsm.update_data(handoff=None)
        if case.urgency == Urgency.URGENT:
            text = tr(texts.CASE_ACK_URGENT).format(code=case.code)
        elif self.escalation.hours.open_now():
            wait = format_value(Hours(self.escalation.expected_wait_hours), lang, tr)
            text = tr(texts.CASE_ACK).format(code=case.code, wait=wait)
        else:
            text = tr(texts.CASE_OFF_HOURS).format(code=case.code, hours=self.escalation.hours.describe())
        cards = self.presenter.cards(("emergency", "helpline"), tr) if case.urgency == Urgency.URGENT or \
            not self.escalation.hours.open_now() else []
        await self._edit_or_send(ctx, "\n\n".join([text, *cards]), None)

    async def relay(self, ctx: UpdateContext, message_id: int, reply_to: int | None) -> bool:
        """Pass a migrant's message to their open case; False when there is none."""
        return self.escalation is not None and \
            await self.escalation.relay.relay_in(ctx.key, ctx.chat_id, message_id, reply_to)

    async def relay_edit(self, ctx: UpdateContext, message_id: int, text: str) -> None:
        if self.escalation is not None:
            await self.escalation.relay.mirror_edit(ctx.chat_id, message_id, text, user_key=ctx.key)

    async def rate(self, ctx: UpdateContext, case_id: int, stars: int) -> None:
        if self.escalation is not None:
            await self.escalation.cases.rate(case_id, ctx.key, stars)
        await self._edit_or_send(ctx, ctx.tr(texts.CASE_THANKS), None)

    async def info(self, ctx: UpdateContext, text: str, **params: object) -> None:
        tr = ctx.tr
        await self.bot.send_message(chat_id=ctx.chat_id, text=tr(text).format(**params) if params else tr(text))

    async def ask_forget(self, ctx: UpdateContext) -> None:
        tr = ctx.tr
        asked = secrets.token_urlsafe(6)
        await ctx.fsm.update_data(forget_asked=asked)
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=tr(texts.FORGET_YES), callback_data=Forget(confirm=True, asked=asked).pack()),
             InlineKeyboardButton(text=tr(texts.FORGET_NO), callback_data=Forget(confirm=False, asked=asked).pack())],
        ])
        await self.bot.send_message(chat_id=ctx.chat_id, text=tr(texts.FORGET_ASK), reply_markup=markup)

    async def forget(self, ctx: UpdateContext, confirm: bool, asked: str) -> None:
        if not asked or (await ctx.fsm.get_data()).get("forget_asked") != asked:
            await self.show_current(ctx, note=texts.STALE_BUTTON)  # not the question that asked: erase nothing
            return
        await ctx.fsm.update_data(forget_asked=None)
        tr = ctx.tr
        text = tr(texts.FORGET_DONE if confirm else texts.FORGET_KEPT)
        if confirm:
            await self.conversations.forget(ctx.key, ctx.update_id)
            await ctx.fsm.clear()
            if self.reminders is not None:
                await self.reminders.forget(ctx.key)
            if self.escalation is not None and await self.escalation.housekeeping.forget(ctx.key):
                text = f"{text}\n\n{tr(texts.FORGET_CASES)}"
            await self.conversations.settle_erasure()
        await self._edit_or_send(ctx, text, None)

    # -- reminders ----------------------------------------------------------------------------
    async def _deadline(self, key: str, index: int, step: int) -> tuple[str, DeadlineDate] | None:
        """Deadline ``index`` of the answer the migrant is at, if it is still the one shown at ``step``."""
        reply = await self.conversations.current(key)
        if reply is None or reply.state.step != step:
            return None
        outcome = next((e for e in reply.events if isinstance(e, Outcome)), None)
        if outcome is None or not 0 <= index < len(outcome.deadlines):
            return None
        return outcome.flow, outcome.deadlines[index]

    async def remind_offer(self, ctx: UpdateContext, index: int, step: int) -> None:
        """Ask when to remind, with the two lines on what is kept."""
        tr = ctx.tr
        found = await self._deadline(ctx.key, index, step) if self.reminders is not None else None
        if found is None or self.reminders is None:
            await self.bot.send_message(chat_id=ctx.chat_id, text=tr(texts.REMIND_GONE))
            return
        deadline = found[1]
        ask = tr(texts.REMIND_ASK).format(what=self.reminders.what(deadline.kind, tr),
                                          date=format_value(deadline.date, tr.lang, tr))
        rows = [[InlineKeyboardButton(text=("✓ " if i == 0 else "") + tr(label),
                                      callback_data=RemindSet(index=index, step=step, choice=i).pack())]
                for i, (label, _days) in enumerate(CHOICES)]
        await self.bot.send_message(chat_id=ctx.chat_id, text=f"{ask}\n\n{tr(texts.REMIND_PRIVACY)}",
                                    reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))

    async def remind_set(self, ctx: UpdateContext, index: int, step: int, choice: int) -> None:
        tr = ctx.tr
        found = await self._deadline(ctx.key, index, step) if self.reminders is not None else None
        if found is None or self.reminders is None:
            await self._edit_or_send(ctx, tr(texts.REMIND_GONE), None)
            return
        flow, deadline = found
        days = await self.reminders.set(ctx.key, ctx.chat_id, ctx.lang, flow, deadline, choice)
        if not days:
            text = fill(tr(texts.REMIND_TOO_LATE), {"date": deadline.date}, tr)
        else:
            listed = ", ".join(format_value(d, ctx.lang, tr) for d in days)
            text = tr(texts.REMIND_SET).format(time=self.reminders.time_label(), days=listed)
        await self._edit_or_send(ctx, text, None)

    async def list_reminders(self, ctx: UpdateContext) -> None:
        """/reminders: what is set, with a cancel button for each deadline."""
        tr, lang = ctx.tr, ctx.lang
        found = await self.reminders.listing(ctx.key) if self.reminders is not None else []
        if not found or self.reminders is None:
            await self.bot.send_message(chat_id=ctx.chat_id, text=tr(texts.REMINDERS_NONE))
            return
        lines = [tr(texts.REMINDERS_LIST)]
        rows = []
        for item in found:
            lines.append(tr(texts.REMINDERS_ITEM).format(
                what=self.reminders.what(item.kind, tr), date=format_value(item.date, lang, tr),
                days=", ".join(format_value(d, lang, tr) for d in item.days)))
            rows.append([InlineKeyboardButton(text=tr(texts.REMINDERS_CANCEL).format(date=short_date(item.date, lang)),
                                              callback_data=RemindCancel(kind=item.kind,
                                                                         day=day_code(item.date)).pack())])
        await self.bot.send_message(chat_id=ctx.chat_id, text="\n".join(lines),
                                    reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))

    async def remind_cancel(self, ctx: UpdateContext, kind: str, day: int, *, done: bool) -> None:
        """Cancel one deadline's reminders: from /reminders, or "done, stop reminding" on a reminder."""
        tr = ctx.tr
        date = from_day_code(day)
        if self.reminders is not None and date is not None:
            await self.reminders.cancel(ctx.key, kind, date)
        await self._remove_buttons(ctx)
        if done or self.reminders is None or date is None:
            text = tr(texts.REMINDER_STOPPED)
        else:
            text = tr(texts.REMINDERS_CANCELLED).format(what=self.reminders.what(kind, tr),
                                                        date=format_value(date, ctx.lang, tr))
        await self.bot.send_message(chat_id=ctx.chat_id, text=text)

    async def _edit_or_send(self, ctx: UpdateContext, text: str, markup: InlineKeyboardMarkup | None) -> None:
        await deliver(self.bot, ctx.chat_id, [Outgoing(text, markup, editable=True)],
                      pressed_message_id=ctx.pressed_message_id)

    async def _remove_buttons(self, ctx: UpdateContext) -> None:
        if ctx.pressed_message_id is not None:
            await deliver(self.bot, ctx.chat_id, [], pressed_message_id=ctx.pressed_message_id)
