"""Checks on the flows as a whole, after each file passed the schema.

Every problem is collected (never the first one only) so an author fixes a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable

from bot.engine.compute import DatePlus, Official, Stay, answers_of
from bot.engine.conditions import All, Any_, Condition, Not, evaluate, referenced_names
from bot.engine.loader import LoadedFlow
from bot.engine.problems import Problem
from bot.engine.schema import (
    TERMINAL_KINDS,
    BranchNode,
    DateRangesNode,
    GotoNode,
    HandoffNode,
    InfoNode,
    InputNode,
    Node,
    OutcomeNode,
    QuestionNode,
    node_texts,
)

MESSAGE_LIMIT = 4096  # Telegram: characters of one message after entity parsing
BUTTON_LABEL_LIMIT = 40  # beyond this a phone cuts the button text off
MAX_OPTIONS = 12
STALE_AFTER_DAYS = 180


def successors(node: Node) -> list[str]:
    """Nodes of the same flow that ``node`` can lead to."""
    if isinstance(node, (QuestionNode, DateRangesNode)):
        return [o.next for o in node.options]
    if isinstance(node, (InputNode, InfoNode)):
        return [node.next]
    if isinstance(node, BranchNode):
        return [c.next for c in node.cases] + [node.default]
    return []


def placeholders(text: str) -> set[str]:
    names = set()
    try:
        for _, name, _, _ in string.Formatter().parse(text):
            if name is not None:
                names.add(name)
    except ValueError:
        names.add("{")  # unbalanced brace, reported below
    return names


def _answers_set(flows: Iterable[LoadedFlow]) -> set[str]:
    names: set[str] = set()
    for lf in flows:
        for n in lf.flow.nodes:
            if isinstance(n, (QuestionNode, DateRangesNode)):
                for o in n.options:
                    names |= set(o.set)
            if isinstance(n, (InputNode, DateRangesNode)):
                names.add(n.save)
    return names


class _Checker:
    def __init__(self, flows: dict[str, LoadedFlow], contacts: set[str] | None, official: set[str] | None,
                 today: dt.date | None, stale_after_days: int):
        self.flows = flows
        self.contacts = contacts
        self.official = official
        self.today = today
        self.stale_after = stale_after_days
        self.problems: list[Problem] = []
        self.broken: set[tuple[str, str]] = set()  # nodes with an unknown target: no dead-end noise
        self.all_answers = _answers_set(flows.values())
        self.date_answers = {n.save for lf in flows.values() for n in lf.flow.nodes
                             if isinstance(n, InputNode) and n.input == "date"}

    def add(self, lf: LoadedFlow, node: str, message: str, line: int | None = None, warn: bool = False) -> None:
        where = line if line is not None else lf.node_lines.get(node, lf.line_of("start"))
        self.problems.append(Problem(lf.file, where, node, message, "warning" if warn else "error"))

    def run(self) -> list[Problem]:
        for lf in self.flows.values():
            self.check_flow(lf)
        return sorted(set(self.problems), key=lambda p: (p.file, p.line, p.node, p.message))

    def check_flow(self, lf: LoadedFlow) -> None:
        flow = lf.flow
        ids: dict[str, int] = {}
        for i, n in enumerate(flow.nodes):
            if n.id in ids:
                self.add(lf, n.id, f"duplicate node id (first defined on line {ids[n.id]})", lf.line_of("nodes", i))
            else:
                ids[n.id] = lf.line_of("nodes", i)
        nodes = {n.id: n for n in flow.nodes}
        if flow.start not in nodes:
            self.add(lf, "", f"start points to unknown node '{flow.start}'", lf.line_of("start"))
        for name, comp in flow.compute.items():
            for needed in answers_of(comp):
                if needed not in self.all_answers:
                    self.add(lf, "", f"compute '{name}' reads unknown answer '{needed}'",
                             lf.line_of("compute", name))
            if isinstance(comp, Official) and self.official is not None and comp.official not in self.official:
                self.add(lf, "", f"compute '{name}' uses unknown official value '{comp.official}'",
                         lf.line_of("compute", name))
            if isinstance(comp, Official) and comp.after and comp.after in self.all_answers \
                    and comp.after not in self.date_answers:
                self.add(lf, "", f"compute '{name}' takes 'after' from '{comp.after}', which is not a typed date",
                         lf.line_of("compute", name))
        typed = {n.save for other in self.flows.values() for n in other.flow.nodes
                 if isinstance(n, (InputNode, DateRangesNode))}
        for stat in flow.stats:
            if stat not in self.all_answers:
                self.add(lf, "", f"stats names unknown answer '{stat}'", lf.line_of("stats"))
            elif stat in typed:
                self.add(lf, "", f"stats may only name answers set by buttons; '{stat}' is typed by the person",
                         lf.line_of("stats"))
        known_names = self.all_answers | set(flow.compute)
        for i, n in enumerate(flow.nodes):
            self.check_node(lf, n, i, nodes, known_names)
        self.check_graph(lf, nodes)

    @staticmethod
    def _target_paths(n: Node, i: int) -> list[tuple[str, tuple[str | int, ...]]]:
        """Each target of ``n`` with the document path of the key that names it."""
        if isinstance(n, (QuestionNode, DateRangesNode)):
            return [(o.next, ("nodes", i, "options", j, "next")) for j, o in enumerate(n.options)]
        if isinstance(n, BranchNode):
            return [(c.next, ("nodes", i, "cases", j, "next")) for j, c in enumerate(n.cases)] + [
                (n.default, ("nodes", i, "default"))]
        if isinstance(n, (InputNode, InfoNode)):
            return [(n.next, ("nodes", i, "next"))]
        return []

    def check_node(self, lf: LoadedFlow, n: Node, i: int, nodes: dict[str, Node], names: set[str]) -> None:
        for target, path in self._target_paths(n, i):
            if target not in nodes:
                self.add(lf, n.id, f"points to unknown node '{target}'", lf.line_of(*path))
                self.broken.add((lf.flow.id, n.id))
        if isinstance(n, GotoNode):
            other = self.flows.get(n.flow)
            if other is None:
                self.add(lf, n.id, f"jumps to unknown flow '{n.flow}'")
            elif n.node and other.flow.node(n.node) is None:
                self.add(lf, n.id, f"jumps to unknown node '{n.node}' in flow '{n.flow}'")
        for text in self._texts(n):
            if len(text) > MESSAGE_LIMIT:
                self.add(lf, n.id, f"text is {len(text)} characters; Telegram allows {MESSAGE_LIMIT}")
            for name in placeholders(text):
                if name == "{":
                    self.add(lf, n.id, "text has an unbalanced '{' or '}' (write '{{' for a literal brace)")
                elif not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                    self.add(lf, n.id, f"placeholder '{{{name}}}' must be a plain name")
                elif name not in names:
                    self.add(lf, n.id, f"placeholder '{{{name}}}' is neither an answer nor a computed value")
        if isinstance(n, DateRangesNode) and n.not_after is not None and n.not_after not in self.date_answers:
            self.add(lf, n.id, f"not_after names '{n.not_after}', which is not a typed date answer")
        if isinstance(n, (QuestionNode, DateRangesNode)):
            if len(n.options) > MAX_OPTIONS:
                self.add(lf, n.id, f"{len(n.options)} options; at most {MAX_OPTIONS} fit on a phone screen")
            for j, o in enumerate(n.options):
                if len(o.label) > BUTTON_LABEL_LIMIT:
                    self.add(lf, n.id, f"option {j + 1} label is {len(o.label)} characters; a phone shows "
                             f"about {BUTTON_LABEL_LIMIT}", lf.line_of("nodes", i, "options", j, "label"))
        if isinstance(n, BranchNode):
            for j, case in enumerate(n.cases):
                answers, values = referenced_names(case.when)
                for a in sorted(answers - self.all_answers):
                    self.add(lf, n.id, f"condition reads unknown answer '{a}'", lf.line_of("nodes", i, "cases", j))
                for v in sorted(values - set(lf.flow.compute)):
                    self.add(lf, n.id, f"condition reads unknown computed value '{v}'",
                             lf.line_of("nodes", i, "cases", j))
        if isinstance(n, OutcomeNode):
            self.check_deadlines(lf, n, i)
        if isinstance(n, (OutcomeNode, HandoffNode)) and self.contacts is not None:
            for c in n.contacts:
                if c not in self.contacts:
                    self.add(lf, n.id, f"unknown contact card '{c}'")
        if isinstance(n, (OutcomeNode, HandoffNode)) and n.verified_on is not None and self.today is not None:
            age = (self.today - n.verified_on).days
            if age > self.stale_after:
                self.add(lf, n.id, f"verified_on {n.verified_on} is {age} days old; re-check the facts",
                         lf.line_of("nodes", i, "verified_on"), warn=True)
            elif age < 0:
                self.add(lf, n.id, f"verified_on {n.verified_on} is in the future")

    def check_deadlines(self, lf: LoadedFlow, n: OutcomeNode, i: int) -> None:
        """A deadline names a date: a computed date (``date_plus``, a stay's last day) or a typed date answer."""
        typed_dates = {node.save for other in self.flows.values() for node in other.flow.nodes
                       if isinstance(node, InputNode) and node.input == "date"}
        for j, decl in enumerate(n.deadlines):
            line = lf.line_of("nodes", i, "deadlines", j)
            comp = lf.flow.compute.get(decl.date)
            gives_date = isinstance(comp, DatePlus) or (
                isinstance(comp, Stay) and comp.stay in ("last_day", "last_day_without_registration"))
            if comp is not None and not gives_date:
                self.add(lf, n.id, f"deadline '{decl.date}' is a computed value that is not a date", line)
            elif comp is None and decl.date not in typed_dates:
                self.add(lf, n.id, f"deadline '{decl.date}' is neither a computed date nor a typed date answer", line)
            if decl.when is not None:
                answers, values = referenced_names(decl.when)
                for a in sorted(answers - self.all_answers):
                    self.add(lf, n.id, f"deadline condition reads unknown answer '{a}'", line)
                for v in sorted(values - set(lf.flow.compute)):
                    self.add(lf, n.id, f"deadline condition reads unknown computed value '{v}'", line)
        kinds = [(d.kind, d.date) for d in n.deadlines]
        if len(set(kinds)) != len(kinds):
            self.add(lf, n.id, "the same deadline is declared twice")

    @staticmethod
    def _texts(n: Node) -> list[str]:
        return node_texts(n)

    def check_graph(self, lf: LoadedFlow, nodes: dict[str, Node]) -> None:
        flow = lf.flow
        # From the start, and from any node another flow jumps to.
        entries = [flow.start] + [n.node for other in self.flows.values() for n in other.flow.nodes
                                  if isinstance(n, GotoNode) and n.flow == flow.id and n.node]
        reachable: set[str] = set()
        todo = [e for e in entries if e in nodes]
        while todo:
            cur = todo.pop()
            if cur in reachable or cur not in nodes:
                continue
            reachable.add(cur)
            todo.extend(successors(nodes[cur]))
        for node_id in nodes:
            if node_id not in reachable:
                self.add(lf, node_id, "unreachable: no path from the start leads here")
        # Dead ends: nodes from which no outcome, handoff or jump can be reached.
        finishing = {nid for nid, n in nodes.items() if n.type in TERMINAL_KINDS}
        changed = True
        while changed:
            changed = False
            for nid, n in nodes.items():
                if nid not in finishing and any(s in finishing for s in successors(n)):
                    finishing.add(nid)
                    changed = True
        for nid in nodes:
            if nid not in finishing and (flow.id, nid) not in self.broken:
                self.add(lf, nid, "dead end: no outcome, handoff or jump can be reached from here")
        # A loop of nodes that show nothing and wait for nothing would spin forever.
        for nid, n in nodes.items():
            if isinstance(n, BranchNode) and self._silent_cycle(nid, nodes):
                self.add(lf, nid, "loop of branch/info nodes with no question in between")
        if self.today is not None:
            self.check_dates(lf, nodes, [e for e in entries if e in nodes], self.today)

    def check_dates(self, lf: LoadedFlow, nodes: dict[str, Node], entries: list[str], today: dt.date) -> None:
        """No node is reachable on a day its rule does not hold: today, and every day a rule changes."""
        days = {today} | {d for d in _rule_dates(nodes.values()) if d > today}
        for day in sorted(days):
            for nid in sorted(_reachable_on(nodes, entries, day)):
                n = nodes[nid]
                if n.holds_on(day):
                    continue
                if day == today and n.valid_until is not None and n.valid_until < today:
                    message = (f"its rule ended on {n.valid_until}, but it can still be reached today ({today}); "
                               "switch it off with a branch on today, or remove it")
                elif day == today:
                    message = f"its rule holds from {n.valid_from}, but it can be reached today ({today})"
                else:
                    message = (f"can be reached on {day}, outside the dates of its rule "
                               f"({n.valid_from or '…'} to {n.valid_until or '…'}); guard it with a branch on today")
                self.add(lf, nid, message, lf.line_of("nodes", list(nodes).index(nid),
                                                      "valid_until" if n.valid_until else "valid_from"))

    @staticmethod
    def _silent_cycle(start: str, nodes: dict[str, Node]) -> bool:
        seen: set[str] = set()
        todo = list(successors(nodes[start]))
        while todo:
            cur = todo.pop()
            if cur == start:
                return True
            if cur in seen or cur not in nodes or not isinstance(nodes[cur], (BranchNode, InfoNode)):
                continue
            seen.add(cur)
            todo.extend(successors(nodes[cur]))
        return False


def _may_hold(cond: Condition, day: dt.date) -> bool | None:
    """Whether ``cond`` holds on ``day``: True, False, or None when it depends on the answers."""
    if isinstance(cond, All):
        verdicts = [_may_hold(c, day) for c in cond.all]
        return False if False in verdicts else True if all(verdicts) else None
    if isinstance(cond, Any_):
        verdicts = [_may_hold(c, day) for c in cond.any]
        return True if True in verdicts else False if all(v is False for v in verdicts) else None
    if isinstance(cond, Not):
        inner = _may_hold(cond.not_, day)
        return None if inner is None else not inner
    if not cond.today:
        return None
    return evaluate(cond, lambda _: None, lambda _: None, day)


def _reachable_on(nodes: dict[str, Node], entries: list[str], day: dt.date) -> set[str]:
    """Nodes some answers can reach on ``day``, following only the branch cases that can hold then."""
    seen: set[str] = set()
    todo = list(entries)
    while todo:
        cur = todo.pop()
        if cur in seen or cur not in nodes:
            continue
        seen.add(cur)
        node = nodes[cur]
        if not isinstance(node, BranchNode):
            todo.extend(successors(node))
            continue
        for case in node.cases:
            verdict = _may_hold(case.when, day)
            if verdict is not False:
                todo.append(case.next)
            if verdict is True:
                break
        else:
            todo.append(node.default)
    return seen


def _condition_dates(cond: Condition) -> set[dt.date]:
    if isinstance(cond, (All, Any_)):
        return set().union(*(_condition_dates(c) for c in (cond.all if isinstance(cond, All) else cond.any)))
    if isinstance(cond, Not):
        return _condition_dates(cond.not_)
    if not cond.today:
        return set()
    bounds = [cond.lt, cond.le, cond.gt, cond.ge, cond.equals, cond.not_equals]
    return {d + dt.timedelta(days=k) for d in bounds if isinstance(d, dt.date) for k in (-1, 0, 1)}


def _rule_dates(nodes: Iterable[Node]) -> set[dt.date]:
    """Days on which something dated may change: a node's rule begins or ends, a branch on today flips."""
    out: set[dt.date] = set()
    for n in nodes:
        if n.valid_from:
            out |= {n.valid_from - dt.timedelta(days=1), n.valid_from}
        if n.valid_until:
            out |= {n.valid_until, n.valid_until + dt.timedelta(days=1)}
        if isinstance(n, BranchNode):
            for case in n.cases:
                out |= _condition_dates(case.when)
    return out


def validate(flows: dict[str, LoadedFlow], *, contacts: set[str] | None = None, official: set[str] | None = None,
             today: dt.date | None = None, stale_after_days: int = STALE_AFTER_DAYS) -> list[Problem]:
    """Every problem in ``flows`` (errors and warnings), sorted by file and line."""
    return _Checker(flows, contacts, official, today, stale_after_days).run()
