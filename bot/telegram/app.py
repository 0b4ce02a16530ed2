"""Builds the Telegram application from one settings object. No globals, nothing at import time."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, KeyBuilder, StorageKey
from aiogram.types import BotCommand, Update

from bot.config import Settings
from bot.conversation.reminders import ReminderService
from bot.conversation.runtime import Runtime, open_runtime
from bot.counselling.relay import load_canned
from bot.counselling.service import Counselling
from bot.counselling.working_hours import WorkingHours
from bot.engine.clock import Clock
from bot.i18n import texts
from bot.i18n.languages import LANGUAGES
from bot.privacy.pseudonyms import Pseudonymizer, load_or_create_secret
from bot.stats.report import StatsService
from bot.telegram.fsm_storage import ConversationFsmMiddleware, SQLStorage
from bot.telegram.health import Health
from bot.telegram.intake.inbox import Inbox
from bot.telegram.intake.isolation import PerUserIsolation
from bot.telegram.intake.worker import UpdateWorker
from bot.telegram.keyboards import CaseKeyboards
from bot.telegram.liveness import BackgroundTasks, Liveness
from bot.telegram.middlewares.context import ContextMiddleware
from bot.telegram.migrant_actions import Escalation, MigrantActions, load_campaigns
from bot.telegram.outbox.rate_limits import RateLimiter
from bot.telegram.outbox.sender import OutboxSender
from bot.telegram.outbox.shared_limits import SharedLimits
from bot.telegram.pacing import PacingMiddleware
from bot.telegram.replica import Replica
from bot.telegram.retry import RetryMiddleware
from bot.telegram.routers import admin, counsellor, migrant
from bot.telegram.routers.admin import IsAdmin
from bot.telegram.session import BotApiSession, bot_api_session
from db.repositories.outbox import lane_of

COMMANDS = (("start", texts.CMD_START), ("menu", texts.CMD_MENU), ("language", texts.CMD_LANGUAGE),
            ("help", texts.CMD_HELP), ("reminders", texts.CMD_REMINDERS), ("privacy", texts.CMD_PRIVACY),
            ("forget", texts.CMD_FORGET))


class MissingToken(Exception):
    pass


@dataclass
class App:
    settings: Settings
    runtime: Runtime
    bot: Bot
    dispatcher: Dispatcher
    actions: MigrantActions
    inbox: Inbox
    worker: UpdateWorker
    counselling: Counselling | None = None  # only with a counsellors' group (COUNSELLOR_CHAT_ID)
    sender: OutboxSender | None = None
    reminders: ReminderService | None = None
    clock: Clock | None = None
    tasks: BackgroundTasks = field(default_factory=BackgroundTasks)
    health: Health | None = None
    replica: Replica | None = None  # set when several replicas may share the database (PostgreSQL)

    @property
    def liveness(self) -> Liveness:
        """Plain data for health checks and metrics: background tasks alive, updates given up."""
        return Liveness(self.tasks, self.worker)

    async def handle(self, payload: dict[str, Any]) -> None:
        update = Update.model_validate(payload, context={"bot": self.bot})
        superseded = self.worker.has_newer(self.inbox.key_of(payload))
        if self.health is None:
            await self.dispatcher.feed_update(self.bot, update, superseded=superseded)
            return
        with self.health.timer():
            await self.dispatcher.feed_update(self.bot, update, superseded=superseded)

    async def set_commands(self) -> None:
        """The command menu in each language Telegram can tell apart (two-letter codes)."""
        for lang in [lang for lang in LANGUAGES if "_" not in lang]:
            tr = self.runtime.catalogs.get(lang)
            commands = [BotCommand(command=name, description=tr(text)) for name, text in COMMANDS]
            await self.bot.set_my_commands(commands, language_code=lang)
        tr = self.runtime.catalogs.get(self.settings.default_language)
        await self.bot.set_my_commands([BotCommand(command=n, description=tr(t)) for n, t in COMMANDS])

    async def close(self) -> None:
        await self.dispatcher.storage.close()
        await self.bot.session.close()
        if self.sender is not None:
            await self.sender.bot.session.close()
            if self.sender.shared is not None:
                await self.sender.shared.close()
        await self.runtime.close()


class PseudonymousKeys(KeyBuilder):
    """Redis keys for aiogram's FSM named by a keyed pseudonym (like the SQL storage's rows)."""

    def __init__(self, pseudonymize: Pseudonymizer):
        self.pseudonymize = pseudonymize

    def build(self, key: StorageKey, part: Literal["data", "state", "lock"] | None = None) -> str:
        name = self.pseudonymize("fsm", key.bot_id, key.chat_id, key.user_id, key.thread_id or "",
                                 key.business_connection_id or "", key.destiny)
        return f"fsm:{name}:{part}" if part else f"fsm:{name}"


def _storage(settings: Settings, runtime: Runtime,
             pseudonymize: Pseudonymizer) -> tuple[BaseStorage, BaseEventIsolation]:
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        # keys by pseudonym, never fsm:<telegram id>; they expire with the conversation's retention
        ttl = dt.timedelta(days=settings.conversation_retention_days)
        storage = RedisStorage.from_url(settings.redis_url, key_builder=PseudonymousKeys(pseudonymize),
                                        state_ttl=ttl, data_ttl=ttl)
        # One person at a time is already kept by the worker's queue per person, and across replicas by the
        # person leases in the database; a lock in Redis would add nothing but a stall of up to a minute
        # for whoever held one when Redis went away.
        return storage, PerUserIsolation()
    return SQLStorage(runtime.unit_of_work, pseudonymize), PerUserIsolation()


async def build_app(settings: Settings, clock: Clock | None = None) -> App:
    """The application. ``clock`` defaults to the real one in TIMEZONE, or one started at
    CLOCK_START (tests): it is the engine's "today" and schedules the reminders."""
    if settings.bot_token is None or not settings.bot_token.get_secret_value():
        raise MissingToken(
            "BOT_TOKEN is not set. Create a bot with @BotFather in Telegram, then put its token in .env "
            "(see .env.example) or the environment. To try the bot without Telegram, run 'make demo'."
        )
    if settings.shared_database and settings.pseudonym_secret is None:
        raise RuntimeError("PSEUDONYM_SECRET must be set on PostgreSQL: every replica needs the same one")
    if settings.shared_database and settings.chat_key is None:  # else each replica seals chat ids with its own key
        raise RuntimeError("CHAT_KEY must be set on PostgreSQL: every replica needs the same one")
    replica = Replica() if settings.shared_database else None
    runtime = await open_runtime(settings, clock or _clock(settings))
    clock = runtime.clock
    secret = settings.pseudonym_secret.get_secret_value() if settings.pseudonym_secret else None
    pseudonymize = Pseudonymizer(load_or_create_secret(secret, settings.data_dir / "pseudonym.key"))
    limiter = RateLimiter(settings.rate_private_per_second, settings.rate_group_per_minute,
                          settings.rate_global_per_second)  # the replies' and the outbox's, one per process
    shared = _shared_limits(settings)
    session = _session(settings)
    session.middleware(RetryMiddleware())
    # inside the retries, so each attempt waits its turn; a person's chat counted as the outbox counts it
    session.middleware(PacingMiddleware(limiter, shared, lambda chat_id: lane_of(pseudonymize.user(chat_id))))
    bot = Bot(settings.bot_token.get_secret_value(), session=session)
    storage, isolation = _storage(settings, runtime, pseudonymize)
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True)
    dispatcher.update.outer_middleware(ConversationFsmMiddleware(storage, isolation))  # aiogram's, one read less
    languages = [lang for lang in LANGUAGES if lang in runtime.catalogs.available()]
    actions = MigrantActions(bot, runtime.conversations, runtime.presenter, runtime.catalogs, languages,
                             settings.conversation_retention_days,
                             campaigns=load_campaigns(settings.content_dir / "campaigns.yaml"))
    dispatcher["actions"] = actions
    dispatcher.update.middleware(ContextMiddleware(runtime.conversations, runtime.catalogs, pseudonymize, languages))
    categories = sorted({name for flow in runtime.registry.flows.values() for name in flow.stats})
    dispatcher["stats"] = StatsService(runtime.unit_of_work, categories, settings.stats_min_cell, runtime.clock)
    dispatcher["clock"] = runtime.clock
    dispatcher["stats_tr"] = runtime.catalogs.get(settings.stats_language)
    dispatcher["registry"] = runtime.registry
    dispatcher.include_router(admin.build_router(IsAdmin(settings.admin_ids, settings.admin_chat_id)))
    dispatcher.include_router(migrant.build_router())
    reminders = ReminderService(runtime.unit_of_work, runtime.catalogs, runtime.sealer, clock,
                                settings.reminder_hour)
    actions.reminders = reminders
    # The sender has its own Bot, without the retrying middleware: one slow chat never holds up others.
    sender = OutboxSender(Bot(settings.bot_token.get_secret_value(), session=_session(settings)),
                          runtime.unit_of_work, None, limiter, runtime.sealer, on_sent=reminders.sent, replica=replica,
                          shared=shared)
    runtime.unit_of_work.on_outbox_written(sender.wake)  # every commit that queues a message wakes it
    counselling = None
    if settings.counsellor_chat_id is not None:
        counselling = _escalation(settings, runtime, actions, dispatcher, sender)
    inbox = Inbox(runtime.unit_of_work, pseudonymize)
    worker = UpdateWorker(inbox, lambda p: app.handle(p), replica=replica)
    app = App(settings, runtime, bot, dispatcher, actions, inbox, worker, counselling, sender, replica=replica,
              reminders=reminders, clock=clock)
    redis = getattr(storage, "redis", None)  # RedisStorage: a load balancer stops sending while Redis is away
    app.health = Health(runtime.unit_of_work.sessions, app.liveness,
                        rate_limited=lambda: sender.rate_limited if sender is not None else 0,
                        redis_ping=redis.ping if redis is not None else None)
    app.health.gauge("jol_reminders_due", "Reminders due and not yet queued for sending", reminders.due_count)
    return app


def _clock(settings: Settings) -> Clock:
    """The real clock in TIMEZONE, or (CLOCK_START, for tests) one that starts at that instant and runs on."""
    if not settings.clock_start:
        return Clock.for_zone(settings.timezone)
    start, began = dt.datetime.fromisoformat(settings.clock_start).astimezone(dt.UTC), time.monotonic()
    return Clock.for_zone(settings.timezone, lambda: start + dt.timedelta(seconds=time.monotonic() - began))


def _session(settings: Settings) -> BotApiSession:
    return bot_api_session(settings.bot_api_url)


def _shared_limits(settings: Settings) -> SharedLimits | None:
    """With Redis, Telegram's sending limits are counted for every replica together."""
    if not settings.redis_url:
        return None
    return SharedLimits(settings.redis_url, settings.rate_private_per_second, settings.rate_group_per_minute,
                        settings.rate_global_per_second)


def _escalation(settings: Settings, runtime: Runtime, actions: MigrantActions, dispatcher: Dispatcher,
                sender: OutboxSender) -> Counselling:
    """Counsellors: the counselling parts and the group's router. Only built when COUNSELLOR_CHAT_ID is set."""
    assert settings.counsellor_chat_id is not None and settings.bot_token is not None
    group_tr = runtime.catalogs.get(settings.counsellor_language)
    counselling = Counselling.build(runtime.unit_of_work, runtime.registry, runtime.catalogs,
                                    settings.counsellor_chat_id, settings.counsellor_language,
                                    load_canned(settings.content_dir / "canned.yaml"), runtime.sealer,
                                    keyboards=CaseKeyboards(group_tr))
    sender.cases = counselling.view
    hours = WorkingHours.parse(settings.working_hours, settings.working_days, runtime.clock)
    actions.escalation = Escalation(counselling.cases, counselling.relay, counselling.housekeeping, hours,
                                    settings.expected_wait_hours, settings.case_retention_days)
    dispatcher["cases"] = counselling.cases
    dispatcher["relay"] = counselling.relay
    dispatcher["group_tr"] = group_tr
    dispatcher.include_router(counsellor.build_router(settings.counsellor_chat_id, group_tr))
    return counselling
