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
from bot.config import Settings
from bot.core import Core, open_core
from bot.door import TelegramDoor
from bot.engine.runner import Clock, system_today
from bot.handlers import migrant
from bot.i18n.languages import LANGUAGES
from bot.inbox import Inbox
from bot.isolation import PerUserIsolation
from bot.middlewares.answer import AnswerFirstMiddleware
from bot.middlewares.context import ContextMiddleware
from bot.pseudonym import Pseudonymizer, load_or_create_secret
from bot.retry import RetryMiddleware
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
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url)) if settings.bot_api_url \
        else AiohttpSession()
    session.middleware(RetryMiddleware())
    bot = Bot(settings.bot_token.get_secret_value(), session=session)
    storage, isolation = _storage(settings, core, pseudonymize)
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation)
    languages = [lang for lang in LANGUAGES if lang in core.catalogs.available()]
    door = TelegramDoor(bot, core.conversations, core.presenter, core.catalogs, languages,
                        settings.conversation_retention_days)
    dispatcher["door"] = door
    dispatcher.update.middleware(ContextMiddleware(core.conversations, core.catalogs, pseudonymize, languages))
    dispatcher.callback_query.middleware(AnswerFirstMiddleware())
    dispatcher.include_router(migrant.build_router())
    inbox = Inbox(core.sessions, pseudonymize)
    app = App(settings, core, bot, dispatcher, door, inbox, UpdateWorker(inbox, lambda p: app.handle(p)))
    return app
