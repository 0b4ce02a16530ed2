"""Turning a conversation step into anonymous facts, in the step's own transaction.

Only values from the closed codebook reach the statistics: the answer categories a flow lists in
``stats``, with the values its buttons set. Typed answers (dates, numbers) are never categories,
and nothing here knows who the person is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot.engine.events import Event, FlowStarted, Handoff, Outcome
from bot.engine.registry import ENTRY_FLOW, MENU_FLOW, Registry
from bot.engine.schema import DateRangesNode, QuestionNode
from db.repositories.stats import StatsRepository

Codebook = frozenset[tuple[str, str]]


def codebook(registry: Registry) -> Codebook:
    """Every (answer, value) a button can set, for the answers some flow marks as statistical."""
    names = {name for flow in registry.flows.values() for name in flow.stats}
    pairs: set[tuple[str, str]] = set()
    for flow in registry.flows.values():
        for node in flow.nodes:
            if isinstance(node, (QuestionNode, DateRangesNode)):
                for option in node.options:
                    pairs.update((k, str(v)) for k, v in option.set.items() if k in names)
    return frozenset(pairs)


class StatsRecorder:
    def __init__(self, book: Codebook, own: dict[str, frozenset[str]] | None = None,
                 skip_flows: Iterable[str] = (ENTRY_FLOW, MENU_FLOW)):
        self.book = book
        self.skip = frozenset(skip_flows)
        # Which categories belong to a fact of each flow: its own, and those of the start and menu.
        own = own or {}
        shared = frozenset().union(*(own.get(f, frozenset()) for f in self.skip))
        self.allowed = {flow: names | shared for flow, names in own.items()}
        # A topic opened carries only what the start and the menu asked (who is asking, the menu
        # topic, the safety answer): the topic's own questions are not answered yet.
        self.shared = {flow: shared for flow in own}

    @classmethod
    def for_registry(cls, registry: Registry) -> StatsRecorder:
        return cls(codebook(registry), {fid: frozenset(f.stats) for fid, f in registry.flows.items()})

    def categories(self, answers: dict[str, object], flow: str | None = None,
                   opened: bool = False) -> list[tuple[str, str]]:
        allowed = (self.shared if opened else self.allowed).get(flow or "") if self.allowed else None
        return sorted((k, str(v)) for k, v in answers.items()
                      if (k, str(v)) in self.book and (allowed is None or k in allowed))

    async def record(self, repo: StatsRepository, events: list[Event], answers: dict[str, object], *, lang: str,
                     campaign: str | None, counted: bool, today: dt.date) -> None:
        for event in events:
            if isinstance(event, FlowStarted) and event.flow not in self.skip:
                if not counted:
                    await repo.add(today, "uncounted")  # a bare total, nothing else
                else:
                    await repo.add(today, "started", flow=event.flow, lang=lang, campaign=campaign,
                                   categories=self.categories(answers, event.flow, opened=True))
            elif counted and isinstance(event, Outcome):
                await repo.add(today, "outcome", flow=event.flow, node=event.node, lang=lang, campaign=campaign,
                               categories=self.categories(answers, event.flow))
            elif counted and isinstance(event, Handoff):
                await repo.add(today, "handoff", flow=event.flow, node=event.node, urgency=event.urgency, lang=lang,
                               campaign=campaign, categories=self.categories(answers, event.flow))
