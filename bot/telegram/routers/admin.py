"""Admins: /export (an XLSX of the standard breakdowns) and /stats (a summary and a chart).

Allowed: users listed in ADMIN_IDS, and members of ADMIN_CHAT_ID writing there. Everyone else,
including anonymous group admins, is refused.
"""

from __future__ import annotations

import datetime as dt

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import BufferedInputFile, Message

from bot.engine.registry import Registry
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.stats import build
from bot.stats.report import StatsService

PERIOD_WEEKS = 12


class IsAdmin(Filter):
    """The router filter in front of every admin command."""

    def __init__(self, admin_ids: list[int], admin_chat_id: int | None):
        self.admin_ids = set(admin_ids)
        self.admin_chat_id = admin_chat_id

    async def __call__(self, message: Message, bot: Bot) -> bool:
        user = message.from_user
        if user is None or message.sender_chat is not None:
            return False
        if user.id in self.admin_ids:
            return True
        if self.admin_chat_id is not None and message.chat.id == self.admin_chat_id:
            try:
                member = await bot.get_chat_member(self.admin_chat_id, user.id)
            except TelegramBadRequest:
                return False
            return member.status in ("creator", "administrator", "member")
        return False


def _period(command: CommandObject | None, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """`/export 2026-01-01 2026-03-31`, or the last 12 weeks up to today (in Kazakhstan); None for a
    period that cannot be reported (reversed, or so long that weeks and dates around it overflow:
    0001-01-01 9999-12-31)."""
    parts = (command.args or "").split() if command else []
    try:
        last = dt.date.fromisoformat(parts[1]) if len(parts) > 1 else today
        first = dt.date.fromisoformat(parts[0]) if parts else last - dt.timedelta(weeks=PERIOD_WEEKS)
    except ValueError:
        last = today
        first = last - dt.timedelta(weeks=PERIOD_WEEKS)
    return (first, last) if build.reportable(first, last) else None


async def _refuse_period(message: Message, stats_tr: Translator) -> None:
    await message.reply(stats_tr(texts.STATS_BAD_PERIOD).format(years=build.LONGEST_PERIOD_YEARS))


async def export(message: Message, command: CommandObject, stats: StatsService, stats_tr: Translator) -> None:
    period = _period(command, stats.clock.today())
    if period is None:
        await _refuse_period(message, stats_tr)
        return
    first, last = period
    data = await build.export(stats, first, last, list(build.STANDARD), "xlsx", stats_tr)
    name = f"jol-statistics-{first.isoformat()}-{last.isoformat()}.xlsx"
    await message.reply_document(BufferedInputFile(data, filename=name))


async def summary(message: Message, command: CommandObject, stats: StatsService, stats_tr: Translator,
                  registry: Registry) -> None:
    period = _period(command, stats.clock.today())
    if period is None:
        await _refuse_period(message, stats_tr)
        return
    first, last = period
    text = await build.summary(stats, first, last, (last - first).days // 7, stats_tr,
                               registry.reference.gap(stats.clock.today()))
    png = await build.chart(stats, registry, first, last, stats_tr)
    await message.reply_photo(BufferedInputFile(png, filename="jol-weekly.png"), caption=text[:1024])


async def refuse(message: Message, stats_tr: Translator) -> None:
    await message.reply(stats_tr(texts.ADMINS_ONLY))


def build_router(admins: IsAdmin) -> Router:
    router = Router(name="admin")
    router.message.register(export, Command("export"), admins)
    router.message.register(summary, Command("stats"), admins)
    router.message.register(refuse, Command("export", "stats"))  # anyone else
    return router
