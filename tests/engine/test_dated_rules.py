"""Rules that change on a date: `check` fails when a text can be shown outside its rule's dates."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from bot.engine.registry import check_flows

from .test_validate import write_flows

ROOT = Path(__file__).resolve().parents[2]

DATED = """\
spec_version: 1
id: menu
title: "Menu"
start: topics
nodes:
  - id: topics
    type: question
    text: "Pick one"
    options:
      - label: "Registration"
        next: rules
  - id: rules
    type: branch
    cases:
      - when: {today: true, ge: 2026-07-01}
        next: new_rule
    default: old_rule
  - id: old_rule
    type: outcome
    valid_until: 2026-06-30
    text: "Your host notifies the police."
    sources: ["a source"]
    verified_on: 2026-06-01
  - id: new_rule
    type: outcome
    valid_from: 2026-07-01
    text: "You register yourself online."
    sources: ["a source"]
    verified_on: 2026-06-01
"""


def _errors(tmp_path: Path, menu: str, today: dt.date) -> list[str]:
    return [str(p) for p in check_flows(write_flows(tmp_path, menu), today=today).errors]


def test_a_rule_switched_by_date_passes_before_on_and_after_the_change(tmp_path: Path) -> None:
    for today in (dt.date(2026, 6, 10), dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2026, 12, 1)):
        assert _errors(tmp_path, DATED, today) == [], today


def test_a_reachable_text_whose_rule_has_ended_fails(tmp_path: Path) -> None:
    unguarded = DATED.replace("next: rules", "next: old_rule")  # the old text straight from the menu
    errors = _errors(tmp_path, unguarded, dt.date(2026, 12, 1))
    assert any("node 'old_rule': its rule ended on 2026-06-30, but it can still be reached today (2026-12-01)"
               in e for e in errors), errors
    assert any(e.startswith(str(tmp_path / "menu.yaml") + ":") or "menu.yaml:" in e for e in errors)


def test_a_text_shown_before_its_rule_holds_fails(tmp_path: Path) -> None:
    swapped = DATED.replace("ge: 2026-07-01", "ge: 2026-06-01")  # switches a month too early
    errors = _errors(tmp_path, swapped, dt.date(2026, 5, 1))
    assert any("node 'new_rule': can be reached on 2026-06-01, outside the dates of its rule" in e for e in errors)


def test_a_rule_that_will_end_without_a_switch_fails_before_it_ends(tmp_path: Path) -> None:
    unguarded = DATED.replace("next: rules", "next: old_rule")
    errors = _errors(tmp_path, unguarded, dt.date(2026, 6, 1))
    assert any("node 'old_rule': can be reached on 2026-07-01" in e for e in errors), errors


def test_dates_in_the_wrong_order_are_a_schema_error(tmp_path: Path) -> None:
    broken = DATED.replace("valid_until: 2026-06-30", "valid_from: 2026-08-01\n    valid_until: 2026-06-30")
    errors = _errors(tmp_path, broken, dt.date(2026, 6, 1))
    assert any("valid_from is after valid_until" in e for e in errors), errors


def test_the_shipped_household_path_switches_by_date() -> None:
    for today in (dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2026, 12, 1)):
        report = check_flows(ROOT / "flows", ROOT / "content", today=today, stale_after_days=10_000)
        assert [str(e) for e in report.errors if "verified_on" not in e.message] == [], today


def test_check_command_fails_on_the_old_household_text_left_reachable(tmp_path: Path) -> None:
    for f in (ROOT / "flows").glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    wp = tmp_path / "work_permit.yaml"
    wp.write_text(wp.read_text(encoding="utf-8").replace("next: household_rules", "next: how_to_get_permit_old"),
                  encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "bot", "check", str(tmp_path), "--today", "2026-12-01"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1
    assert "node 'how_to_get_permit_old': its rule ended on 2026-06-30" in run.stderr
