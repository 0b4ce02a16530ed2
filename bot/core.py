"""The parts both doors share, built once from the settings: flows, engine, catalogues, database.

Importing this module does not import aiogram, so the console and the CLI start fast.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.conversation import ConversationService
from bot.engine.registry import Registry, load_registry
from bot.engine.runner import Clock, Engine, system_today
from bot.i18n.catalogs import Catalogs
from bot.screens import Presenter
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade


@dataclass
class Core:
    settings: Settings
    registry: Registry
    engine: Engine
    catalogs: Catalogs
    presenter: Presenter
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    conversations: ConversationService

    async def close(self) -> None:
        await self.db.dispose()


async def open_core(settings: Settings, today: Clock = system_today) -> Core:
    """Load and check the flows (FlowError if broken), migrate the database, wire services."""
    registry = load_registry(settings.flows_dir, settings.content_dir)
    engine = Engine(registry, today)
    catalogs = Catalogs(settings.locales_dir)
    db = make_engine(settings.database_url)
    await upgrade(db)
    sessions = make_sessionmaker(db)
    return Core(settings, registry, engine, catalogs, Presenter(registry.contacts), db, sessions,
                ConversationService(engine, sessions, catalogs))
