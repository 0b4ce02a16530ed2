"""The parts both front ends share, built once from the settings: flows, engine, catalogues, database.

Importing this module does not import aiogram, so the console and the CLI start fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.conversation.screens import DateInputs, Presenter
from bot.conversation.service import ConversationService
from bot.engine.alarms import load_alarms
from bot.engine.clock import Clock
from bot.engine.registry import ENTRY_FLOW, MENU_FLOW, Registry, load_registry
from bot.engine.runner import Engine
from bot.engine.schema import (
    DateRangesNode,
    Flow,
    GotoNode,
    HandoffNode,
    InfoNode,
    InputNode,
    Node,
    OutcomeNode,
    QuestionNode,
)
from bot.engine.search import FlowIndex, SearchableFlow
from bot.i18n.catalogs import Catalogs
from bot.privacy.sealing import ChatSealer, sealer_for
from bot.stats.recorder import StatsRecorder
from db.connection import make_db_engine
from db.migrate import upgrade
from db.unit_of_work import UnitsOfWork


@dataclass
class Runtime:
    settings: Settings
    registry: Registry
    engine: Engine
    catalogs: Catalogs
    presenter: Presenter
    db_engine: AsyncEngine
    unit_of_work: UnitsOfWork
    conversations: ConversationService
    index: FlowIndex
    clock: Clock
    sealer: ChatSealer

    async def close(self) -> None:
        await self.db_engine.dispose()


def _texts_with_target(flow: Flow, node: Node) -> list[tuple[str, str | None]]:
    """A node's texts, each with the flow its button jumps to (None when it stays in this flow)."""
    if isinstance(node, (QuestionNode, DateRangesNode)):
        out: list[tuple[str, str | None]] = [(node.text, None)]
        for option in node.options:
            target = flow.node(option.next)
            out.append((option.label, target.flow if isinstance(target, GotoNode) else None))
        return out
    if isinstance(node, (InputNode, InfoNode, OutcomeNode, HandoffNode)):
        return [(node.text, None)]
    return []


def build_index(registry: Registry, catalogs: Catalogs, content_dir: Path) -> FlowIndex:
    """Search over every topic (not the start and menu flows), in every language we have."""
    texts: dict[str, list[str]] = {fid: [] for fid in registry.flows if fid not in (ENTRY_FLOW, MENU_FLOW)}
    for fid, flow in registry.flows.items():
        for node in flow.nodes:
            for text, leads_to in _texts_with_target(flow, node):
                owner = leads_to if leads_to in texts else fid  # a button that opens another topic speaks for it
                if owner in texts:
                    texts[owner].append(text)
    search: dict[str, Any] = {}
    search_file = content_dir / "search.yaml"
    if search_file.exists():
        search = yaml.safe_load(search_file.read_text(encoding="utf-8")) or {}
    # The red-flag phrases (a passport taken, beaten, locked in) also lead search to the topic that
    # screens for them, so a new topic that mentions passports or the police does not outrank it.
    # Single words ("ұрады") are left out: inside longer words ("турады") they would match anything.
    flagged = search.get("red_flag_topic")
    phrases = [p for p in search.get("red_flags", []) if len(p.split()) > 1]
    topics = {fid: SearchableFlow(registry.flows[fid].title,
                                  registry.flows[fid].keywords + (phrases if fid == flagged else []), found)
              for fid, found in texts.items()}
    alarms = load_alarms(search.get("alarms"), search.get("alarm_words"))
    return FlowIndex.build(topics, [catalogs.get(lang) for lang in catalogs.available()],
                            search.get("red_flags", []), alarms)


async def open_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    """Load and check the flows (FlowError if broken), migrate the database, wire services.

    ``clock`` is the one clock of the process, by default the real one in ``TIMEZONE``.
    """
    clock = clock or Clock.for_zone(settings.timezone)
    registry = load_registry(settings.flows_dir, settings.content_dir)
    engine = Engine(registry, clock.today)
    catalogs = Catalogs(settings.locales_dir)
    index = build_index(registry, catalogs, settings.content_dir)
    sealer = sealer_for(settings.chat_key.get_secret_value() if settings.chat_key else None, settings.data_dir)
    db_engine = make_db_engine(settings.database_url)
    await upgrade(db_engine, chat_sealer=sealer)
    unit_of_work = UnitsOfWork.over(db_engine)
    presenter = Presenter(registry.contacts, DateInputs(registry, engine.today))
    return Runtime(settings, registry, engine, catalogs, presenter, db_engine, unit_of_work,
                   ConversationService(engine, unit_of_work, catalogs, index, StatsRecorder.for_registry(registry)),
                   index, clock, sealer)
