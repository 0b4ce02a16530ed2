"""Golden flow cases, in the manner of goflow: a file of inputs and the events they must give.

Each case in ``tests/golden/*.yaml`` names its inputs (``start``, ``choose: N`` with N counted
from 1 as on screen, ``text: ...``, ``nav: back|menu|restart|counsellor|repeat``, optionally with
``step`` to press a button from an older message). Running the tests with ``--update-golden``
rewrites the expected events from the engine; review the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.engine.inputs import Choose, Nav, Text, UserInput
from bot.engine.registry import Registry
from bot.engine.runner import Engine
from bot.engine.schema import Node
from bot.engine.state import State

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden"


class RecordingRegistry:
    """A registry that remembers every node the engine passed through."""

    def __init__(self, inner: Registry):
        self.inner = inner
        self.visited: set[tuple[str, str]] = set()

    def node(self, flow_id: str, node_id: str) -> Node | None:
        found = self.inner.node(flow_id, node_id)
        if found is not None:
            self.visited.add((flow_id, node_id))
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def to_input(spec: Any) -> UserInput | None:
    if spec == "start":
        return None
    if "choose" in spec:
        return Choose(int(spec["choose"]) - 1, spec.get("step"))
    if "text" in spec:
        return Text(str(spec["text"]))
    return Nav(spec["nav"], spec.get("step"))


@dataclass
class Replay:
    steps: list[dict[str, Any]] = field(default_factory=list)
    chosen: set[tuple[str, str, int]] = field(default_factory=set)


def replay(case: dict[str, Any], registry: Registry, recorder: RecordingRegistry | None = None) -> Replay:
    today = case.get("today", dt.date(2026, 11, 26))
    if isinstance(today, str):
        today = dt.date.fromisoformat(today)
    engine = Engine(recorder or registry, lambda: today)  # type: ignore[arg-type]
    state: State | None = None
    out = Replay()
    for step in case["steps"]:
        inp = to_input(step["do"])
        if inp is None or state is None:
            state, events = engine.start(case.get("flow", "start"))
        else:
            if isinstance(inp, Choose):
                out.chosen.add((state.flow, state.node, inp.index))
            state, events = engine.advance(state, inp)
        out.steps.append({"do": step["do"], "at": f"{state.flow}/{state.node}",
                          "events": [e.to_dict() for e in events]})
    return out


def load_case(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path}: a golden case is a mapping"
    return data


def write_case(path: Path, case: dict[str, Any], result: Replay) -> None:
    header = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    body = {k: v for k, v in case.items() if k != "steps"}
    body["steps"] = result.steps
    text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
    path.write_text("\n".join(header) + ("\n" if header else "") + text, encoding="utf-8")
