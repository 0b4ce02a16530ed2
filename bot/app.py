"""Builds the Telegram application from one settings object. No globals, nothing at import time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.types import BotCommand, Update

from bot import texts
from bot.cases import CaseService, load_canned
from bot.config import Settings
from bot.core import Core, open_core
from bot.door import CaseDesk, TelegramDoor
from bot.engine.runner import Clock, system_today
from bot.handlers import admin, counsellor, migrant
from bot.handlers.admin import AdminCheck
from bot.hours import WorkingHours
from bot.i18n.languages import LANGUAGES
from bot.inbox import Inbox
from bot.isolation import PerUserIsolation
from bot.middlewares.context import ContextMiddleware
from bot.pseudonym import Pseudonymizer, load_or_create_secret
from bot.ratelimit import RateLimiter
from bot.retry import RetryMiddleware
from bot.sender import Sender
from bot.stats.report import StatsService
from bot.storage import SQLStorage
from bot.worker import UpdateWorker

COMMANDS = (("start", texts.CMD_START), ("menu", texts.CMD_MENU), ("language", texts.CMD_LANGUAGE),
            ("help", texts.CMD_HELP), ("privacy", texts.CMD_PRIVACY), ("forget", texts.CMD_FORGET))


class MissingToken(Exception):
    pass


@dataclass
class App:
    settings: Settings
    core: Core
    bot: Bot
    dispatcher: Dispatcher
    door: TelegramDoor
    inbox: Inbox
    worker: UpdateWorker
    cases: CaseService | None = None
    sender: Sender | None = None

    async def handle(self, payload: dict[str, Any]) -> None:
        update = Update.model_validate(payload, context={"bot": self.bot})
        await self.dispatcher.feed_update(self.bot, update)

    async def set_commands(self) -> None:
        """The command menu in each language Telegram can tell apart (two-letter codes)."""
        for lang in [lang for lang in LANGUAGES if "_" not in lang]:
            tr = self.core.catalogs.get(lang)
            commands = [BotCommand(command=name, description=tr(text)) for name, text in COMMANDS]
            await self.bot.set_my_commands(commands, language_code=lang)
        tr = self.core.catalogs.get(self.settings.default_language)
        await self.bot.set_my_commands([BotCommand(command=n, description=tr(t)) for n, t in COMMANDS])

    async def close(self) -> None:
        await self.dispatcher.storage.close()
        await self.bot.session.close()
        if self.sender is not None:
            await self.sender.bot.session.close()
        await self.core.close()


def _storage(settings: Settings, core: Core, pseudonymize: Pseudonymizer) -> tuple[BaseStorage, BaseEventIsolation]:
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

        storage = RedisStorage.from_url(settings.redis_url)
        return storage, RedisEventIsolation(storage.redis)
    return SQLStorage(core.sessions, pseudonymize), PerUserIsolation()


async def build_app(settings: Settings, today: Clock = system_today) -> App:
    if settings.bot_token is None or not settings.bot_token.get_secret_value():
        raise MissingToken(
            "BOT_TOKEN is not set. Create a bot with @BotFather in Telegram, then put its token in .env "
            "(see .env.example) or the environment. To try the bot without Telegram, run 'make demo'."
        )
    core = await open_core(settings, today)
    secret = settings.pseudonym_secret.get_secret_value() if settings.pseudonym_secret else None
    pseudonymize = Pseudonymizer(load_or_create_secret(secret, settings.data_dir / "pseudonym.key"))
    session = _session(settings)
    session.middleware(RetryMiddleware())
    bot = Bot(settings.bot_token.get_secret_value(), session=session)
    storage, isolation = _storage(settings, core, pseudonymize)
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation)
    languages = [lang for lang in LANGUAGES if lang in core.catalogs.available()]
    door = TelegramDoor(bot, core.conversations, core.presenter, core.catalogs, languages,
                        settings.conversation_retention_days)
    dispatcher["door"] = door
    dispatcher.update.middleware(ContextMiddleware(core.conversations, core.catalogs, pseudonymize, languages))
    categories = sorted({name for flow in core.registry.flows.values() for name in flow.stats})
    dispatcher["admins"] = AdminCheck(settings.admin_ids, settings.admin_chat_id)
    dispatcher["stats"] = StatsService(core.sessions, categories, settings.stats_min_cell)
    dispatcher["stats_tr"] = core.catalogs.get(settings.stats_language)
    dispatcher["registry"] = core.registry
    dispatcher.include_router(admin.build_router())
    dispatcher.include_router(migrant.build_router())
    cases, sender = None, None
    if settings.counsellor_chat_id is not None:
        cases, sender = _case_desk(settings, core, bot, door, dispatcher)
    inbox = Inbox(core.sessions, pseudonymize)
    app = App(settings, core, bot, dispatcher, door, inbox, UpdateWorker(inbox, lambda p: app.handle(p)), cases,
              sender)
    return app


def _session(settings: Settings) -> AiohttpSession:
    if settings.bot_api_url:
        return AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
    return AiohttpSession()


def _case_desk(settings: Settings, core: Core, bot: Bot, door: TelegramDoor,
               dispatcher: Dispatcher) -> tuple[CaseService, Sender]:
    """Counsellors: the case service, the outbox sender (its own Bot: no blocking retries) and the
    group's router. Only built when COUNSELLOR_CHAT_ID is set."""
    assert settings.counsellor_chat_id is not None and settings.bot_token is not None
    group_tr = core.catalogs.get(settings.counsellor_language)
    cases = CaseService(core.sessions, core.registry, core.catalogs, settings.counsellor_chat_id,
                        settings.counsellor_language, load_canned(settings.content_dir / "canned.yaml"))
    limiter = RateLimiter(settings.rate_private_per_second, settings.rate_group_per_minute,
                          settings.rate_global_per_second)
    sender = Sender(Bot(settings.bot_token.get_secret_value(), session=_session(settings)), core.sessions, cases,
                    limiter)
    hours = WorkingHours.parse(settings.working_hours, settings.working_days, settings.timezone)
    door.desk = CaseDesk(cases, hours, settings.expected_wait_hours, settings.case_retention_days, sender.wake)
    dispatcher["cases"], dispatcher["sender"] = cases, sender
    dispatcher["group_tr"] = group_tr
    dispatcher.include_router(counsellor.build_router(settings.counsellor_chat_id, group_tr))
    return cases, sender
