"""The parts both doors share, built once from the settings: flows, engine, catalogues, database.

Importing this module does not import aiogram, so the console and the CLI start fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.conversation import ConversationService
from bot.engine.registry import ENTRY_FLOW, MENU_FLOW, Registry, load_registry
from bot.engine.runner import Clock, Engine, system_today
from bot.engine.search import Topic, TopicIndex
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
    index: TopicIndex

    async def close(self) -> None:
        await self.db.dispose()


def build_index(registry: Registry, catalogs: Catalogs, content_dir: Path) -> TopicIndex:
    """Search over every topic (not the start and menu flows), in every language we have."""
    topics = {fid: Topic(f.title, f.keywords, [text for _, text in f.texts()])
              for fid, f in registry.flows.items() if fid not in (ENTRY_FLOW, MENU_FLOW)}
    red_flags: list[str] = []
    search_file = content_dir / "search.yaml"
    if search_file.exists():
        red_flags = list((yaml.safe_load(search_file.read_text(encoding="utf-8")) or {}).get("red_flags", []))
    return TopicIndex.build(topics, [catalogs.get(lang) for lang in catalogs.available()], red_flags)


async def open_core(settings: Settings, today: Clock = system_today) -> Core:
    """Load and check the flows (FlowError if broken), migrate the database, wire services."""
    registry = load_registry(settings.flows_dir, settings.content_dir)
    engine = Engine(registry, today)
    catalogs = Catalogs(settings.locales_dir)
    index = build_index(registry, catalogs, settings.content_dir)
    db = make_engine(settings.database_url)
    await upgrade(db)
    sessions = make_sessionmaker(db)
    return Core(settings, registry, engine, catalogs, Presenter(registry.contacts), db, sessions,
                ConversationService(engine, sessions, catalogs, index), index)
