"""A flow drawn as inline SVG, laid out here in Python: the review pack opens offline, so it
cannot load Mermaid (or anything else) from a CDN.

The layout is a small layered drawing: each node sits one layer below the deepest node that
leads to it (edges that go back up are drawn on the side), nodes in a layer are ordered by the
average position of their neighbours, and every edge is a curve with its button label.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from bot.engine.graph import describe
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

NODE_WIDTH = 190
LINE_HEIGHT = 15
CHARS_PER_LINE = 27
MAX_LINES = 4
H_GAP = 36
V_GAP = 78
MARGIN = 24
START = "__start__"


@dataclass
class Box:
    id: str
    kind: str
    lines: list[str]
    anchor: str | None = None
    title: str = ""
    layer: int = 0
    order: float = 0.0
    x: float = 0.0
    y: float = 0.0
    height: float = 0.0


@dataclass
class Edge:
    source: str
    target: str
    label: str = ""
    back: bool = False


@dataclass
class Graph:
    boxes: dict[str, Box] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def wrap(text: str, width: int = CHARS_PER_LINE, max_lines: int = MAX_LINES) -> list[str]:
    words = " ".join(text.split()).split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
        while len(current) > width:
            lines.append(current[: width - 1] + "-")
            current = current[width - 1:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines or [""]


def build_graph(flow: Flow, anchor: str = "e") -> Graph:
    """Boxes and edges of a flow; a box links to ``#{anchor}-{flow}-{node}``."""
    g = Graph()

    def box(node_id: str, kind: str, text: str, linked: bool = True, title: str = "") -> None:
        g.boxes[node_id] = Box(node_id, kind, wrap(text), f"#{anchor}-{flow.id}-{node_id}" if linked else None,
                               title or text)

    box(START, "start", flow.title, linked=False)
    g.edges.append(Edge(START, flow.start))
    for n in flow.nodes:
        if isinstance(n, QuestionNode):
            box(n.id, "question", n.text)
            g.edges.extend(Edge(n.id, o.next, o.label) for o in n.options)
        elif isinstance(n, DateRangesNode):
            box(n.id, "input", f"{n.text} (date ranges)")
            g.edges.extend(Edge(n.id, o.next, o.label) for o in n.options)
        elif isinstance(n, InputNode):
            box(n.id, "input", f"{n.text} ({n.input})")
            g.edges.append(Edge(n.id, n.next))
        elif isinstance(n, BranchNode):
            box(n.id, "branch", f"{n.id}?", linked=False, title=f"branch {n.id}")
            g.edges.extend(Edge(n.id, c.next, describe(c.when)) for c in n.cases)
            g.edges.append(Edge(n.id, n.default, "otherwise"))
        elif isinstance(n, InfoNode):
            box(n.id, "info", n.text)
            g.edges.append(Edge(n.id, n.next))
        elif isinstance(n, OutcomeNode):
            box(n.id, "outcome", "✔ " + n.text)
        elif isinstance(n, HandoffNode):
            mark = "‼ " if n.urgency == "urgent" else ""
            box(n.id, "handoff", f"{mark}counsellor: {n.category}", title=n.text)
        elif isinstance(n, GotoNode):
            target = f"{n.flow}.{n.node}" if n.node else n.flow
            box(n.id, "goto", f"→ {target}", linked=False)
    g.edges = [e for e in g.edges if e.source in g.boxes and e.target in g.boxes]
    _layer(g)
    _order(g)
    _place(g)
    return g


def _layer(g: Graph) -> None:
    """Longest-path layers after turning edges that close a cycle into back edges."""
    out: dict[str, list[Edge]] = {b: [] for b in g.boxes}
    for e in g.edges:
        out[e.source].append(e)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    topo: list[str] = []

    def visit(start: str) -> None:
        stack = [(start, iter(out[start]))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            for e in it:
                if state.get(e.target) == 1:
                    e.back = True
                elif e.target not in state:
                    state[e.target] = 1
                    stack.append((e.target, iter(out[e.target])))
                    break
            else:
                state[node] = 2
                topo.append(node)
                stack.pop()

    for b in [START, *g.boxes]:
        if b not in state:
            visit(b)
    layer = {b: 0 for b in g.boxes}
    for node in reversed(topo):
        for e in out[node]:
            if not e.back:
                layer[e.target] = max(layer[e.target], layer[node] + 1)
    for b, box in g.boxes.items():
        box.layer = layer[b]


def _order(g: Graph, sweeps: int = 4) -> None:
    layers: dict[int, list[str]] = {}
    for box in g.boxes.values():
        layers.setdefault(box.layer, []).append(box.id)
    for row in layers.values():
        for i, node_id in enumerate(row):
            g.boxes[node_id].order = i
    forward = [e for e in g.edges if not e.back]
    parents = {b: [e.source for e in forward if e.target == b] for b in g.boxes}
    children = {b: [e.target for e in forward if e.source == b] for b in g.boxes}
    for sweep in range(sweeps):
        near_of = parents if sweep % 2 == 0 else children
        for depth in sorted(layers, reverse=sweep % 2 == 1):
            def key(b: str, near_of: dict[str, list[str]] = near_of) -> tuple[float, float]:
                near = [g.boxes[n].order for n in near_of[b]]
                return (sum(near) / len(near) if near else g.boxes[b].order, g.boxes[b].order)
            ordered = sorted(layers[depth], key=key)
            for i, node_id in enumerate(ordered):
                g.boxes[node_id].order = i
            layers[depth] = ordered


def _place(g: Graph) -> None:
    layers: dict[int, list[Box]] = {}
    for b in g.boxes.values():
        b.height = LINE_HEIGHT * len(b.lines) + 16
        layers.setdefault(b.layer, []).append(b)
    widest = max(len(v) for v in layers.values())
    total = widest * NODE_WIDTH + (widest - 1) * H_GAP
    y: float = MARGIN
    for depth in sorted(layers):
        row = sorted(layers[depth], key=lambda b: b.order)
        row_width = len(row) * NODE_WIDTH + (len(row) - 1) * H_GAP
        x = MARGIN + (total - row_width) / 2
        tallest = max(b.height for b in row)
        for b in row:
            b.x, b.y = x, y + (tallest - b.height) / 2
            x += NODE_WIDTH + H_GAP
        y += tallest + V_GAP


def svg(flow: Flow, anchor: str = "e") -> str:
    """The flow as an ``<svg>`` element (no scripts, no external references)."""
    g = build_graph(flow, anchor)
    width = max(b.x + NODE_WIDTH for b in g.boxes.values()) + MARGIN + 60
    height = max(b.y + b.height for b in g.boxes.values()) + MARGIN
    parts = [f'<svg class="flow-diagram" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'data-flow="{html.escape(flow.id)}" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}">',
             f"<title>{html.escape(flow.title)}: flow diagram</title>",
             '<defs><marker id="arrow-' + html.escape(flow.id) + '" viewBox="0 0 10 10" refX="9" refY="5" '
             'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
             '<path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"/></marker></defs>']
    labels: list[str] = []
    for e in g.edges:
        parts.append(_edge(g, e, flow.id, labels))
    parts.extend(labels)
    for b in g.boxes.values():
        parts.append(_box(b))
    parts.append("</svg>")
    return "\n".join(parts)


def _edge(g: Graph, e: Edge, flow_id: str, labels: list[str]) -> str:
    s, t = g.boxes[e.source], g.boxes[e.target]
    sx, sy = s.x + NODE_WIDTH / 2, s.y + s.height
    tx, ty = t.x + NODE_WIDTH / 2, t.y
    if e.back:  # up again: leave and enter on the right side
        sx, sy = s.x + NODE_WIDTH, s.y + s.height / 2
        tx, ty = t.x + NODE_WIDTH, t.y + t.height / 2
        bend = 60 + 10 * abs(s.layer - t.layer)
        d = f"M {sx:.1f} {sy:.1f} C {sx + bend:.1f} {sy:.1f}, {tx + bend:.1f} {ty:.1f}, {tx:.1f} {ty:.1f}"
        mx, my = max(sx, tx) + bend * 0.75, (sy + ty) / 2
    else:
        mid = (sy + ty) / 2
        d = f"M {sx:.1f} {sy:.1f} C {sx:.1f} {mid:.1f}, {tx:.1f} {mid:.1f}, {tx:.1f} {ty:.1f}"
        # the label sits two thirds down the curve, so labels of one question's buttons spread out
        f = 0.68
        mx = (1 - f) ** 3 * sx + 3 * (1 - f) ** 2 * f * sx + 3 * (1 - f) * f ** 2 * tx + f ** 3 * tx
        my = (1 - f) ** 3 * sy + 3 * (1 - f) ** 2 * f * mid + 3 * (1 - f) * f ** 2 * mid + f ** 3 * ty
    if e.label:
        text = wrap(e.label, 24, 2)
        w = max(len(line) for line in text) * 6.2 + 8
        h = 13 * len(text) + 4
        spans = "".join(f'<tspan x="{mx:.1f}" dy="{13 if i else 0}">{html.escape(line)}</tspan>'
                        for i, line in enumerate(text))
        labels.append(f'<g class="edge-label"><rect x="{mx - w / 2:.1f}" y="{my - 11:.1f}" width="{w:.1f}" '
                      f'height="{h}" rx="3"/><text x="{mx:.1f}" y="{my:.1f}" text-anchor="middle">{spans}</text>'
                      f"<title>{html.escape(e.label)}</title></g>")
    cls = "edge back" if e.back else "edge"
    return f'<path class="{cls}" d="{d}" marker-end="url(#arrow-{html.escape(flow_id)})"/>'


def _box(b: Box) -> str:
    cx = b.x + NODE_WIDTH / 2
    spans = "".join(f'<tspan x="{cx:.1f}" dy="{LINE_HEIGHT if i else 0}">{html.escape(line)}</tspan>'
                    for i, line in enumerate(b.lines))
    rx = 14 if b.kind in ("outcome", "start") else 4
    inner = (f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{NODE_WIDTH}" height="{b.height:.1f}" rx="{rx}"/>'
             f'<text x="{cx:.1f}" y="{b.y + 8 + LINE_HEIGHT - 3:.1f}" text-anchor="middle">{spans}</text>'
             f"<title>{html.escape(b.title)}</title>")
    group = f'<g class="node {b.kind}" data-node="{html.escape(b.id)}">{inner}</g>'
    if b.anchor:
        return f'<a href="{html.escape(b.anchor)}">{group}</a>'
    return group
