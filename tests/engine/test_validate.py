"""The loader and validator: a table of broken flows and the message each must produce."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.engine.registry import check_flows

ROOT = Path(__file__).resolve().parents[2]

START = """\
spec_version: 1
id: start
title: "Start"
start: ask
nodes:
  - id: ask
    type: question
    text: "Go on?"
    options:
      - label: "Yes"
        next: to_menu
  - id: to_menu
    type: goto
    flow: menu
"""

MENU = """\
spec_version: 1
id: menu
title: "Menu"
start: topics
nodes:
  - id: topics
    type: question
    text: "Pick one"
    options:
      - label: "Done"
        set: {topic: done}
        next: done
  - id: done
    type: outcome
    text: "All done."
    sources: ["a source"]
    verified_on: 2026-11-01
"""


def write_flows(tmp_path: Path, menu: str = MENU, **extra: str) -> Path:
    (tmp_path / "start.yaml").write_text(START, encoding="utf-8")
    (tmp_path / "menu.yaml").write_text(textwrap.dedent(menu), encoding="utf-8")
    for name, text in extra.items():
        (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def messages(tmp_path: Path) -> list[str]:
    report = check_flows(tmp_path, ROOT / "content")
    return [f"{Path(p.file).name}:{p.line}: {p.node}: {p.message}" for p in report.problems]


def test_a_valid_flow_set_has_no_problems(tmp_path: Path) -> None:
    assert messages(write_flows(tmp_path)) == []


BROKEN = [
    pytest.param(MENU.replace("next: done", "next: dnoe"),
                 "menu.yaml:12: topics: points to unknown node 'dnoe'", id="unknown-target"),
    pytest.param(MENU + "  - id: done\n    type: handoff\n    category: x\n    text: \"Again\"\n",
                 "menu.yaml:18: done: duplicate node id (first defined on line 13)", id="duplicate-id"),
    pytest.param(MENU + "  - id: orphan\n    type: handoff\n    category: x\n    text: \"Nobody comes here\"\n",
                 "menu.yaml:18: orphan: unreachable: no path from the start leads here", id="unreachable"),
    pytest.param(MENU.replace("next: done", "next: loop")
                 + "  - id: loop\n    type: question\n    text: \"Again?\"\n    options:\n"
                 "      - label: \"Again\"\n        next: loop\n",
                 "menu.yaml:18: loop: dead end: no outcome, handoff or jump can be reached from here", id="dead-end"),
    pytest.param(MENU.replace('text: "All done."', 'text: "' + "x" * 4100 + '"'),
                 "menu.yaml:13: done: text is 4100 characters; Telegram allows 4096", id="text-too-long"),
    pytest.param(MENU.replace('label: "Done"', 'label: "' + "A very long button label that a phone cuts" + '"'),
                 "menu.yaml:10: topics: option 1 label is 42 characters; a phone shows about 40", id="label-too-long"),
    pytest.param(MENU.replace("type: outcome", "type: outcom"),
                 "menu.yaml:13: done: unknown node type 'outcom'", id="unknown-kind"),
    pytest.param(MENU.replace("    sources: [\"a source\"]\n", ""),
                 "menu.yaml:13: done: sources: required key is missing", id="outcome-without-sources"),
    pytest.param(MENU.replace("verified_on: 2026-11-01", "verified_on: 2026-11-01\n    colour: red"),
                 "menu.yaml:18: done: colour: unknown key (typo?)", id="unknown-key"),
    pytest.param(MENU.replace('text: "All done."', 'text: "You owe {amount}."'),
                 "menu.yaml:13: done: placeholder '{amount}' is neither an answer nor a computed value",
                 id="unknown-placeholder"),
    pytest.param(MENU.replace("title: \"Menu\"", "title: !!python/object/apply:os.system [\"echo pwned\"]"),
                 "menu.yaml:3: : unsafe or unknown YAML tag", id="unsafe-tag"),
    pytest.param(MENU.replace("nodes:", "nodes: [oops"),
                 "menu.yaml:", id="yaml-syntax"),
    pytest.param(MENU.replace("id: done\n", "id: Done-Node\n").replace("next: done", "next: Done-Node"),
                 "menu.yaml:13: Done-Node: id: String should match pattern", id="bad-id"),
]


@pytest.mark.parametrize(("menu", "expected"), BROKEN)
def test_broken_flow_is_reported_with_file_line_and_node(tmp_path: Path, menu: str, expected: str) -> None:
    found = messages(write_flows(tmp_path, menu))
    assert any(m.startswith(expected) for m in found), found


def test_branch_conditions_and_jumps_are_checked(tmp_path: Path) -> None:
    extra = """\
    spec_version: 1
    id: topic
    title: "Topic"
    start: check
    compute:
      waited: {days_since: nowhere}
    nodes:
      - id: check
        type: branch
        cases:
          - when: {answer: colour, equals: red}
            next: away
          - when: {value: size, gt: 3}
            next: away
        default: away
      - id: away
        type: goto
        flow: elsewhere
    """
    found = messages(write_flows(tmp_path, topic=extra))
    assert "topic.yaml:6: : compute 'waited' reads unknown answer 'nowhere'" in found
    assert any("check: condition reads unknown answer 'colour'" in m for m in found)
    assert any("check: condition reads unknown computed value 'size'" in m for m in found)
    assert "topic.yaml:16: away: jumps to unknown flow 'elsewhere'" in found


def test_an_amount_after_a_date_needs_a_typed_date(tmp_path: Path) -> None:
    compute = "compute:\n  tax: {official: mrp, times: 4, after: topic}\n  fee: {official: mrp, after: gone}\n"
    menu = MENU.replace("nodes:", compute + "nodes:")
    found = messages(write_flows(tmp_path, menu))
    assert "menu.yaml:6: : compute 'tax' takes 'after' from 'topic', which is not a typed date" in found
    assert "menu.yaml:7: : compute 'fee' reads unknown answer 'gone'" in found


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    broken = MENU.replace("next: done", "next: nowhere") + (
        "  - id: orphan\n    type: handoff\n    category: x\n    text: \"Lost\"\n")
    found = messages(write_flows(tmp_path, broken))
    assert len(found) >= 3, found  # unknown target, unreachable 'done' and 'orphan'


def test_stale_verified_on_is_a_warning_not_an_error(tmp_path: Path) -> None:
    import datetime as dt

    report = check_flows(write_flows(tmp_path), ROOT / "content", today=dt.date(2027, 6, 1), stale_after_days=180)
    assert report.registry is not None
    assert [w.node for w in report.warnings if w.subject is None] == ["done"]  # also: no 2027 official values
    assert "days old; re-check" in str(report.warnings[-1])


def test_shipped_flows_pass(registry: object) -> None:
    report = check_flows(ROOT / "flows", ROOT / "content")
    assert report.errors == []


def test_check_command_fails_with_locations_on_a_broken_copy(tmp_path: Path) -> None:
    for f in (ROOT / "flows").glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    wp = tmp_path / "work_permit.yaml"
    wp.write_text(wp.read_text(encoding="utf-8").replace("next: has_permit", "next: has_permitt"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "bot", "check", str(tmp_path)], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 1
    assert "work_permit.yaml:" in run.stderr and "node 'employer': points to unknown node 'has_permitt'" in run.stderr
    ok = subprocess.run([sys.executable, "-m", "bot", "check"], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and ok.stdout.splitlines()[-1].startswith("ok: ") and " flows, " in ok.stdout
