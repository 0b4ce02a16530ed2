"""A flow as a Mermaid diagram, to paste into a pull request or the docs."""

from __future__ import annotations

from bot.engine.conditions import All, Any_, Compare, Condition, Not
from bot.engine.schema import (
    BranchNode,
    DateRangesNode,
    Flow,
    GotoNode,
    HandoffNode,
    InfoNode,
    InputNode,
    OutcomeNode,
    QuestionNode,
)

TEXT_LIMIT = 48


def _label(text: str, limit: int = TEXT_LIMIT) -> str:
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat.replace('"', "#quot;").replace("{", "#123;").replace("}", "#125;")


def describe(cond: Condition) -> str:
    if isinstance(cond, All):
        return " and ".join(describe(c) for c in cond.all)
    if isinstance(cond, Any_):
        return " or ".join(describe(c) for c in cond.any)
    if isinstance(cond, Not):
        return f"not ({describe(cond.not_)})"
    assert isinstance(cond, Compare)
    subject = "today" if cond.today else (cond.answer or cond.value or "?")
    for name, sign in (("equals", "="), ("not_equals", "≠"), ("in_", "in"), ("lt", "<"), ("le", "≤"),
                       ("gt", ">"), ("ge", "≥"), ("is_set", "set:")):
        bound = getattr(cond, name)
        if bound is not None:
            if isinstance(bound, float) and bound.is_integer():
                bound = int(bound)
            return f"{subject} {sign} {bound}"
    return subject


def mermaid(flow: Flow) -> str:
    lines = ["flowchart TD", f'  start(("{_label(flow.title)}")) --> {flow.start}']
    for n in flow.nodes:
        if isinstance(n, QuestionNode):
            lines.append(f'  {n.id}{{"{_label(n.text)}"}}')
            lines.extend(f'  {n.id} -- "{_label(o.label, 30)}" --> {o.next}' for o in n.options)
        elif isinstance(n, DateRangesNode):
            lines.append(f'  {n.id}[/"{_label(n.text)} (date ranges: {n.save})"/]')
            lines.append(f"  {n.id} -- typed range --> {n.id}")
            lines.extend(f'  {n.id} -- "{_label(o.label, 30)}" --> {o.next}' for o in n.options)
        elif isinstance(n, InputNode):
            lines.append(f'  {n.id}[/"{_label(n.text)} ({n.input})"/]')
            lines.append(f"  {n.id} --> {n.next}")
        elif isinstance(n, BranchNode):
            lines.append(f'  {n.id}{{{{"{n.id}"}}}}')
            lines.extend(f'  {n.id} -- "{_label(describe(c.when), 40)}" --> {c.next}' for c in n.cases)
            lines.append(f'  {n.id} -- "otherwise" --> {n.default}')
        elif isinstance(n, InfoNode):
            lines.append(f'  {n.id}["{_label(n.text)}"]')
            lines.append(f"  {n.id} --> {n.next}")
        elif isinstance(n, OutcomeNode):
            lines.append(f'  {n.id}(["✔ {_label(n.text)}"])')
        elif isinstance(n, HandoffNode):
            mark = "‼ " if n.urgency == "urgent" else ""
            lines.append(f'  {n.id}[["{mark}counsellor: {n.category}"]]')
        elif isinstance(n, GotoNode):
            target = f"{n.flow}.{n.node}" if n.node else n.flow
            lines.append(f'  {n.id}>"→ {target}"]')
    lines.append("  classDef outcome fill:#e6f4ea,stroke:#2e7d32;")
    lines.append("  classDef handoff fill:#fdecea,stroke:#c62828;")
    outcomes = [n.id for n in flow.nodes if isinstance(n, OutcomeNode)]
    handoffs = [n.id for n in flow.nodes if isinstance(n, HandoffNode)]
    if outcomes:
        lines.append(f"  class {','.join(outcomes)} outcome;")
    if handoffs:
        lines.append(f"  class {','.join(handoffs)} handoff;")
    return "\n".join(lines) + "\n"
