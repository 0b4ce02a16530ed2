"""Admins: /export (an XLSX of the standard breakdowns) and /stats (a summary and a chart).

Allowed: users listed in ADMIN_IDS, and members of ADMIN_CHAT_ID writing there. Everyone else,
including anonymous group admins, is refused.
"""

from __future__ import annotations

import datetime as dt

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message

from bot.engine.registry import Registry
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.stats import build
from bot.stats.report import StatsService

PERIOD_WEEKS = 12


class AdminCheck:
    def __init__(self, admin_ids: list[int], admin_chat_id: int | None):
        self.admin_ids = set(admin_ids)
        self.admin_chat_id = admin_chat_id

    async def allowed(self, bot: Bot, message: Message) -> bool:
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


def _period(command: CommandObject | None) -> tuple[dt.date, dt.date]:
    """`/export 2026-01-01 2026-03-31`, or the last 12 weeks."""
    parts = (command.args or "").split() if command else []
    try:
        last = dt.date.fromisoformat(parts[1]) if len(parts) > 1 else dt.date.today()
        first = dt.date.fromisoformat(parts[0]) if parts else last - dt.timedelta(weeks=PERIOD_WEEKS)
    except ValueError:
        last = dt.date.today()
        first = last - dt.timedelta(weeks=PERIOD_WEEKS)
    return first, last


async def export(message: Message, command: CommandObject, bot: Bot, admins: AdminCheck, stats: StatsService,
                 stats_tr: Translator) -> None:
    if not await admins.allowed(bot, message):
        await message.reply(stats_tr(texts.ADMINS_ONLY))
        return
    first, last = _period(command)
    data = await build.export(stats, first, last, list(build.STANDARD), "xlsx", stats_tr)
    name = f"jol-statistics-{first.isoformat()}-{last.isoformat()}.xlsx"
    await message.reply_document(BufferedInputFile(data, filename=name))


async def summary(message: Message, command: CommandObject, bot: Bot, admins: AdminCheck, stats: StatsService,
                  stats_tr: Translator, registry: Registry) -> None:
    if not await admins.allowed(bot, message):
        await message.reply(stats_tr(texts.ADMINS_ONLY))
        return
    first, last = _period(command)
    text = await build.summary(stats, first, last, (last - first).days // 7, stats_tr)
    png = await build.chart(stats, registry, first, last, stats_tr)
    await message.reply_photo(BufferedInputFile(png, filename="jol-weekly.png"), caption=text[:1024])


def build_router() -> Router:
    router = Router(name="admin")
    router.message.register(export, Command("export"))
    router.message.register(summary, Command("stats"))
    return router
