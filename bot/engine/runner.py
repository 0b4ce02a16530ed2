"""The pure state machine: ``start`` and ``advance`` turn (state, input) into (state, events).

No I/O happens here: the clock is injected and everything the front ends must show comes back as
events. Navigation (back, menu, restart, counsellor) works at every step without being written
into the flows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.engine.compute import Money, compute
from bot.engine.conditions import evaluate
from bot.engine.events import (
    AskInput,
    CounsellorRequested,
    DeadlineDate,
    Event,
    FlowStarted,
    Handoff,
    Info,
    InvalidInput,
    Notice,
    NotUnderstood,
    Outcome,
    Param,
    Question,
)
from bot.engine.inputs import Choose, Jump, Nav, Text, UserInput, parse_date, parse_date_range, parse_number
from bot.engine.registry import ENTRY_FLOW, MENU_FLOW, Registry
from bot.engine.schema import (
    BranchNode,
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
from bot.engine.state import State
from bot.engine.validate import placeholders

Today = Callable[[], dt.date]  # the date in Kazakhstan: ``Clock.today`` (bot/engine/clock.py)
MAX_HOPS = 100  # nodes passed without waiting for the migrant; the validator rejects loops


class Engine:
    def __init__(self, registry: Registry, today: Today):
        self.registry = registry
        self.today = today
        # Answers given in the start and menu flows (who is asking, the safety answer) are about the
        # person, not the topic: restarting a topic keeps them.
        self.profile = frozenset(key for fid in (ENTRY_FLOW, MENU_FLOW) if (f := registry.flow(fid))
                                 for node in f.nodes if isinstance(node, QuestionNode)
                                 for option in node.options for key in option.set)

    # -- public API -------------------------------------------------------------------------
    def start(self, flow_id: str = ENTRY_FLOW, answers: dict[str, object] | None = None) -> tuple[State, list[Event]]:
        flow = self._flow(flow_id)
        state = State(flow.id, flow.start, dict(answers or {}))
        events: list[Event] = [FlowStarted(flow.id)]
        self._enter(state, flow.id, flow.start, events)
        return state, events

    def advance(self, state: State, inp: UserInput) -> tuple[State, list[Event]]:
        """The next state and what to show. ``state`` itself is never modified."""
        state = State.from_dict(state.to_dict()) or state
        node = self.registry.node(state.flow, state.node)
        if node is None:
            return self._fallback(state)
        events: list[Event] = []
        step = getattr(inp, "step", None)
        if step is not None and step != state.step:
            events.append(Notice("stale_button"))
            events.extend(self.show(state))
            return state, events
        if isinstance(inp, Nav):
            return self._navigate(state, node, inp, events)
        if isinstance(inp, Jump) and inp.flow in self.registry.flows and inp.flow not in (ENTRY_FLOW, MENU_FLOW):
            state.push()
            self._transition(state, inp.flow, self._flow(inp.flow).start, events, started=True)
            return state, events
        if isinstance(inp, Text) and isinstance(node, (QuestionNode, DateRangesNode)):
            index = self._match_text(node, inp.text)
            if index is not None:
                inp = Choose(index)
        if isinstance(inp, Choose) and isinstance(node, (QuestionNode, DateRangesNode)) \
                and 0 <= inp.index < len(node.options):
            option = node.options[inp.index]
            state.push()
            state.answers.update(option.set)
            self._transition(state, state.flow, option.next, events)
            return state, events
        if isinstance(inp, Text) and isinstance(node, InputNode):
            value = self._parse_input(node, inp.text)
            if value is None:
                events.append(InvalidInput(state.flow, node.id, node.reask))
                return state, events
            state.push()
            state.answers[node.save] = value
            self._transition(state, state.flow, node.next, events)
            return state, events
        if isinstance(inp, Text) and isinstance(node, DateRangesNode):
            ranges = self._add_range(node, state.answers, inp.text)
            if ranges is None:  # say what is expected, and show the buttons again
                events.append(InvalidInput(state.flow, node.id, node.reask))
                events.extend(self.show(state))
                return state, events
            state.push()
            state.answers[node.save] = ranges
            state.step += 1
            self._present(state, node, events)
            return state, events
        waiting = isinstance(node, (QuestionNode, InputNode, DateRangesNode))
        events.append(NotUnderstood(state.flow, node.id, at_end=not waiting))
        if waiting:
            events.extend(self.show(state))
        return state, events

    def show(self, state: State) -> list[Event]:
        """The events that present the current step again (for 'repeat' and after a restart)."""
        node = self.registry.node(state.flow, state.node)
        if node is None:
            return []
        events: list[Event] = []
        self._present(state, node, events)
        return events

    # -- navigation -------------------------------------------------------------------------
    def _navigate(self, state: State, node: Node, inp: Nav, events: list[Event]) -> tuple[State, list[Event]]:
        if inp.action == "repeat":
            events.extend(self.show(state))
            return state, events
        if inp.action in ("counsellor", "counsellor_urgent"):
            events.append(CounsellorRequested(state.flow, node.id, urgent=inp.action == "counsellor_urgent"))
            return state, events
        if inp.action == "back":
            if not state.history:
                events.append(Notice("nothing_to_go_back"))
                events.extend(self.show(state))
                return state, events
            prev = state.history.pop()
            state.flow, state.node, state.answers = prev.flow, prev.node, dict(prev.answers)
            state.step += 1
            events.extend(self.show(state))
            return state, events
        if inp.action == "menu":
            state.push()
            self._transition(state, MENU_FLOW, self._flow(MENU_FLOW).start, events, started=True)
            return state, events
        # restart: the current topic from its first question, remembering only who is asking
        flow = self._flow(state.flow)
        kept = {k: v for k, v in state.answers.items() if k in self.profile}
        state.answers.clear()
        state.answers.update(kept)
        state.history.clear()
        self._transition(state, flow.id, flow.start, events, started=True)
        return state, events

    def _fallback(self, state: State) -> tuple[State, list[Event]]:
        flow = self.registry.flow(state.flow) or self._flow(MENU_FLOW)
        fresh = State(flow.id, flow.start, {}, [], state.step + 1)
        events: list[Event] = [Notice("flow_changed"), FlowStarted(flow.id)]
        self._enter(fresh, flow.id, flow.start, events)
        return fresh, events

    # -- moving through nodes ---------------------------------------------------------------
    def _transition(self, state: State, flow_id: str, node_id: str, events: list[Event],
                    started: bool = False) -> None:
        state.step += 1
        if started:
            events.append(FlowStarted(flow_id))
        self._enter(state, flow_id, node_id, events)

    def _enter(self, state: State, flow_id: str, node_id: str, events: list[Event]) -> None:
        for _ in range(MAX_HOPS):
            node = self.registry.node(flow_id, node_id)
            if node is None:  # only possible with unchecked flows
                raise LookupError(f"flow '{flow_id}' has no node '{node_id}'")
            state.flow, state.node = flow_id, node_id
            if isinstance(node, BranchNode):
                node_id = self._branch(state, node)
            elif isinstance(node, InfoNode):
                events.append(Info(flow_id, node.id, node.text, self._params(state, node.text, events)))
                node_id = node.next
            elif isinstance(node, GotoNode):
                target = self._flow(node.flow)
                flow_id, node_id = target.id, node.node or target.start
                events.append(FlowStarted(flow_id))
            else:
                self._present(state, node, events)
                return
        raise RuntimeError(f"more than {MAX_HOPS} nodes without a question in flow '{flow_id}'")

    def _present(self, state: State, node: Node, events: list[Event]) -> None:
        flow = state.flow
        if isinstance(node, QuestionNode):
            events.append(Question(flow, node.id, node.text, tuple(o.label for o in node.options),
                                   self._params(state, node.text, events)))
        elif isinstance(node, DateRangesNode):
            text = node.more if state.answers.get(node.save) else node.text
            events.append(Question(flow, node.id, text, tuple(o.label for o in node.options),
                                   self._params(state, text, events)))
        elif isinstance(node, InputNode):
            events.append(AskInput(flow, node.id, node.text, node.input, self._params(state, node.text, events)))
        elif isinstance(node, OutcomeNode):
            events.append(Outcome(flow, node.id, node.text, tuple(node.sources), node.verified_on,
                                  tuple(node.contacts), node.offer_counsellor, self._params(state, node.text, events),
                                  self._deadlines(state, node)))
        elif isinstance(node, HandoffNode):
            events.append(Handoff(flow, node.id, node.text, node.urgency, node.category, tuple(node.contacts),
                                  self._params(state, node.text, events), tuple(node.sources), node.verified_on))

    def _branch(self, state: State, node: BranchNode) -> str:
        flow = self._flow(state.flow)
        today = self.today()
        for case in node.cases:
            if evaluate(case.when, state.answers.get, lambda name: self._value(flow, state, name, today), today):
                return case.next
        return node.default

    def _deadlines(self, state: State, node: OutcomeNode) -> tuple[DeadlineDate, ...]:
        """The outcome's declared deadlines that hold for these answers and are still ahead."""
        if not node.deadlines:
            return ()
        flow = self._flow(state.flow)
        today = self.today()
        out: list[DeadlineDate] = []
        for decl in node.deadlines:
            if decl.when is not None and not evaluate(
                    decl.when, state.answers.get, lambda name: self._value(flow, state, name, today), today):
                continue
            raw = self._value(flow, state, decl.date, today) if decl.date in flow.compute \
                else state.answers.get(decl.date)
            if isinstance(raw, str):
                try:
                    raw = dt.date.fromisoformat(raw)
                except ValueError:
                    raw = None
            if isinstance(raw, dt.date) and raw >= today:
                out.append(DeadlineDate(decl.kind, raw))
        return tuple(out)

    def _value(self, flow: Flow, state: State, name: str | None, today: dt.date) -> object:
        comp = flow.compute.get(name or "")
        if comp is None:
            return None
        return compute(comp, state.answers, today, self.registry.reference)

    def _params(self, state: State, text: str, events: list[Event]) -> dict[str, Param]:
        names = placeholders(text)
        if not names:
            return {}
        flow = self._flow(state.flow)
        today = self.today()
        params: dict[str, Param] = {}
        for name in sorted(names):
            value = self._value(flow, state, name, today) if name in flow.compute else state.answers.get(name)
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    pass
            outdated = Notice("reference_outdated", value.year) if isinstance(value, Money) else None
            if outdated and isinstance(value, Money) and value.stale and outdated not in events:
                events.append(outdated)
            params[name] = value if value is not None else "?"  # type: ignore[assignment]
        return params

    # -- typed answers ----------------------------------------------------------------------
    @staticmethod
    def _match_text(node: QuestionNode | DateRangesNode, text: str) -> int | None:
        cleaned = text.strip().rstrip(".)").strip()
        if cleaned.isdigit() and 1 <= int(cleaned) <= len(node.options):
            return int(cleaned) - 1
        folded = cleaned.casefold()
        for i, option in enumerate(node.options):
            if option.label.casefold() == folded:
                return i
        return None

    def _parse_input(self, node: InputNode, text: str) -> str | int | float | None:
        if node.input == "date":
            day = parse_date(text)
            if day is None:
                return None
            today = self.today()
            if day > today and not node.allow_future:
                return None
            if node.past_days is not None and (today - day).days > node.past_days:
                return None
            return day.isoformat()
        number = parse_number(text)
        if number is None:
            return None
        if (node.min is not None and number < node.min) or (node.max is not None and number > node.max):
            return None
        return int(number) if number.is_integer() else number

    def _add_range(self, node: DateRangesNode, answers: dict[str, object], text: str) -> list[list[str]] | None:
        """The list with the typed range added, or None when it cannot be right."""
        parsed = parse_date_range(text)
        if parsed is None:
            return None
        first, last = parsed
        today = self.today()
        raw = answers.get(node.save)
        ranges = [list(r) for r in raw] if isinstance(raw, list) else []
        limit = answers.get(node.not_after) if node.not_after else None
        if first > last or last > today or len(ranges) >= node.max_ranges:
            return None
        if isinstance(limit, str) and last.isoformat() > limit:
            return None
        if node.past_days is not None and (today - first).days > node.past_days:
            return None
        for a, b in ranges:  # sharing a day (out and back in on the same day) is fine, overlapping is not
            if first.isoformat() < b and a < last.isoformat():
                return None
        return [*ranges, [first.isoformat(), last.isoformat()]]

    def _flow(self, flow_id: str) -> Flow:
        flow = self.registry.flow(flow_id)
        if flow is None:
            raise LookupError(f"unknown flow '{flow_id}'")
        return flow
