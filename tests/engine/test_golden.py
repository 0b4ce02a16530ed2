"""Golden flow cases: every path through the shipped flows gives exactly the recorded events."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.registry import Registry
from bot.engine.schema import NODE_KINDS, QuestionNode

from .golden import GOLDEN_DIR, RecordingRegistry, load_case, replay, write_case

CASES = sorted(GOLDEN_DIR.glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case(path: Path, registry: Registry, request: pytest.FixtureRequest) -> None:
    case = load_case(path)
    result = replay(case, registry)
    if request.config.getoption("--update-golden"):
        write_case(path, case, result)
        return
    for expected, got in zip(case["steps"], result.steps, strict=True):
        assert got["at"] == expected.get("at"), f"{path.name}: after {expected['do']}"
        assert got["events"] == expected.get("events"), f"{path.name}: after {expected['do']}"


@pytest.fixture(scope="module")
def coverage(registry: Registry) -> tuple[RecordingRegistry, set[tuple[str, str, int]]]:
    recorder = RecordingRegistry(registry)
    chosen: set[tuple[str, str, int]] = set()
    for path in CASES:
        chosen |= replay(load_case(path), registry, recorder).chosen
    return recorder, chosen


def test_every_node_kind_has_a_golden_case(registry: Registry, coverage: tuple[RecordingRegistry, set]) -> None:
    recorder, _ = coverage
    kinds = {registry.node(f, n).type for f, n in recorder.visited}  # type: ignore[union-attr]
    assert set(NODE_KINDS) - kinds == set(), "node kinds that no golden case passes through"


def test_golden_cases_cover_every_node_and_option(registry: Registry, coverage: tuple[RecordingRegistry, set]) -> None:
    recorder, chosen = coverage
    missing_nodes = sorted(f"{f.id}/{n.id}" for f in registry.flows.values() for n in f.nodes
                           if (f.id, n.id) not in recorder.visited)
    missing_options = sorted(
        f"{f.id}/{n.id} option {i + 1}"
        for f in registry.flows.values() for n in f.nodes if isinstance(n, QuestionNode)
        for i in range(len(n.options)) if (f.id, n.id, i) not in chosen
    )
    assert missing_nodes == [], "nodes no golden case reaches: add a case in tests/golden/"
    assert missing_options == [], "options no golden case takes: add a case in tests/golden/"
