"""One migrant step, for both front ends (Telegram and the console): load the state, advance the
engine, save, hand back events.

The Telegram handlers and the console are thin adapters over this service, so what a migrant
experiences is decided here once. Each call is one short transaction; nothing here talks to
Telegram, so no transaction is ever held open across a network call.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.events import Event, InvalidInput, NotUnderstood, RedFlag, Suggestions
from bot.engine.inputs import Choose, Text, UserInput
from bot.engine.runner import Engine
from bot.engine.schema import DateRangesNode, QuestionNode
from bot.engine.search import FlowIndex
from bot.engine.state import State
from bot.i18n.catalogs import Catalogs
from bot.stats.recorder import StatsRecorder
from db.repositories.conversations import ConversationRecord
from db.unit_of_work import UnitOfWork, UnitsOfWork


@dataclass
class Reply:
    state: State
    events: list[Event]
    lang: str
    duplicate: bool = False  # the update was applied before: nothing changed, the current step is shown


class ConversationService:
    def __init__(self, engine: Engine, unit_of_work: UnitsOfWork, catalogs: Catalogs,
                 index: FlowIndex | None = None, recorder: StatsRecorder | None = None):
        self.engine = engine
        self.unit_of_work = unit_of_work
        self.catalogs = catalogs
        self.index = index
        self.recorder = recorder

    async def start(self, key: str, lang: str, *, counted: bool | None = None, update_id: int | None = None,
                    campaign: str | None = None) -> Reply:
        """Begin at the entry flow (``/start``), forgetting where an earlier conversation was."""
        state, events = self.engine.start()
        async with self.unit_of_work() as uow:
            row = await uow.conversations.get(key)
            current = State.from_json(row.state) if row else None
            if update_id is not None and not await uow.inbox.claim(update_id) \
                    and current is not None and row is not None:  # the same press again: no new start
                return Reply(current, self.engine.show(current), row.lang, duplicate=True)
            await uow.conversations.put(key, state.to_json(), lang, counted=counted, update_id=update_id,
                                        campaign=campaign)
            row = await uow.conversations.get(key)
            await self._record(uow, events, state, row)
        return Reply(state, events, lang)

    async def _record(self, uow: UnitOfWork, events: list[Event], state: State, row: ConversationRecord | None) -> None:
        if self.recorder is None or row is None:
            return
        await self.recorder.record(uow.stats, events, state.answers, lang=row.lang,
                                   campaign=row.campaign, counted=row.counted, today=self.engine.today())

    async def language(self, key: str) -> str | None:
        """The language this migrant chose, or None if they have not talked to the bot yet."""
        async with self.unit_of_work() as uow:
            row = await uow.conversations.get(key)
            return row.lang if row else None

    async def handle(self, key: str, inp: UserInput, default_lang: str, *, update_id: int | None = None) -> Reply:
        """Advance one step. With ``update_id``, an update applied before changes nothing.

        "Applied before" is read from the update's own inbox row, never by comparing ids:
        Telegram starts ids again after a week of silence, and deliveries can come out of order.
        """
        async with self.unit_of_work() as uow:
            row = await uow.conversations.get(key)
            lang = row.lang if row else default_lang
            state = State.from_json(row.state) if row else None
            if update_id is not None and not await uow.inbox.claim(update_id) and state is not None:
                return Reply(state, self.engine.show(state), lang, duplicate=True)
            if state is None:
                state, events = self.engine.start()
            else:
                state, events = self.engine.advance(state, self._understand(state, inp, lang))
            await uow.conversations.put(key, state.to_json(), lang, update_id=update_id)
            await self._record(uow, events, state, row or await uow.conversations.get(key))
        if isinstance(inp, Text):
            events = self._search(inp.text, state, events)
        return Reply(state, events, lang)

    def _search(self, text: str, state: State, events: list[Event]) -> list[Event]:
        """Typed text the step could not use: suggest topics, and offer help on red flags."""
        if self.index is None or not any(isinstance(e, (NotUnderstood, InvalidInput)) for e in events):
            return events
        if not any(ch.isalpha() for ch in text):  # a number or a date where it does not fit: no topic to find
            return events
        extra: list[Event] = []
        flows = self.engine.registry.flows
        alarm = self.index.alarm(text)
        found = [h.flow for h in self.index.suggest(text)]
        if alarm is not None:
            extra.append(RedFlag(alarm.about, alarm.urgent))
            if not alarm.suggest:
                found = []
            elif alarm.topic in flows:  # the topic for this emergency first (detention for "задержали")
                found = [alarm.topic, *(f for f in found if f != alarm.topic)][:3]
        hits = [f for f in found if f != state.flow]
        if hits and not any(isinstance(e, InvalidInput) for e in events):
            extra.append(Suggestions(tuple(hits), tuple(flows[f].title for f in hits)))
            events = [e for e in events if not isinstance(e, NotUnderstood)]
        return extra + events

    async def current(self, key: str) -> Reply | None:
        """The current step again, without changing anything."""
        async with self.unit_of_work() as uow:
            row = await uow.conversations.get(key)
            state = State.from_json(row.state) if row else None
            if row is None or state is None:
                return None
            return Reply(state, self.engine.show(state), row.lang)

    async def set_language(self, key: str, lang: str) -> Reply | None:
        """Switch language; the current step again (None when there is no conversation yet)."""
        async with self.unit_of_work() as uow:
            row = await uow.conversations.get(key)
            state = State.from_json(row.state) if row else None
            if row is None or state is None:
                return None
            await uow.conversations.put(key, row.state, lang)
        return Reply(state, self.engine.show(state), lang)

    async def forget(self, key: str, update_id: int | None = None) -> None:
        """Erase the conversation and what is left of the person's updates (the content of the
        one asking to forget included); updates still waiting keep theirs, to be handled."""
        async with self.unit_of_work() as uow:
            await uow.conversations.delete(key)
            await uow.inbox.erase_payloads(key, update_id)

    async def settle_erasure(self) -> None:
        """After every erasure of a /forget: nothing of it left on disk."""
        await self.unit_of_work.settle_erasure()

    def _understand(self, state: State, inp: UserInput, lang: str) -> UserInput:
        """Typed text that equals a button's label (in the reader's language) is that button."""
        if not isinstance(inp, Text):
            return inp
        node = self.engine.registry.node(state.flow, state.node)
        if not isinstance(node, (QuestionNode, DateRangesNode)):
            return inp
        tr = self.catalogs.get(lang)
        typed = inp.text.strip().casefold()
        for i, option in enumerate(node.options):
            if typed in (tr(option.label).casefold(), option.label.casefold()):
                return Choose(i)
        return inp
