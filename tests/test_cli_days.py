"""``python -m bot days``: the stay calculator on the command line, with exact JSON and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def days(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "days", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)


def test_json_counts_every_visit() -> None:
    run = days("--citizenship", "uz", "--visit", "01.07.2026-15.09.2026", "--visit", "20.09.2026-25.09.2026",
               "--entry", "10.11.2026", "--today", "26.11.2026", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"days_used": 77 + 6 + 17, "last_day": None, "days_over": 10,
                                      "last_day_without_registration": None}


def test_json_for_eaeu_and_for_uzbek_citizens() -> None:
    kg = json.loads(days("--citizenship", "kg", "--visit", "01.09.2026-30.09.2026", "--entry", "20.11.2026",
                         "--today", "26.11.2026", "--json").stdout)
    assert kg == {"days_used": 37, "last_day": "2027-01-18", "days_over": 0, "last_day_without_registration": None}
    tj = json.loads(days("--citizenship", "tj", "--entry", "20.11.2026", "--today", "26.11.2026", "--json").stdout)
    assert tj == {"days_used": 7, "last_day": "2027-02-17", "days_over": 0,
                  "last_day_without_registration": "2026-12-19"}
    assert list(tj) == ["days_used", "last_day", "days_over", "last_day_without_registration"]


def test_text_says_how_days_are_counted() -> None:
    run = days("--citizenship", "other", "--entry", "20.11.2026", "--today", "26.11.2026")
    assert run.returncode == 0
    assert "7 days (the limit is 90)" in run.stdout and "February 17, 2027" in run.stdout
    assert "both count as full days" in run.stdout


@pytest.mark.parametrize("args, says", [
    (("--citizenship", "xx", "--entry", "20.11.2026"), "citizenship must be one of"),
    (("--citizenship", "uz", "--entry", "31.02.2026"), "--entry must be a date"),
    (("--citizenship", "uz",), "give --citizenship"),
    (("--citizenship", "uz", "--entry", "20.11.2026", "--visit", "01.11.2026"), "a visit must be two dates"),
    (("--citizenship", "uz", "--entry", "20.11.2026", "--visit", "01.11.2026-25.11.2026", "--today", "26.11.2026"),
     "after the current entry"),
    (("--citizenship", "uz", "--entry", "20.11.2026", "--today", "19.11.2026"), "after the day checked"),
    (("--citizenship", "uz", "--entry", "20.11.2026", "--bogus"), "unrecognized arguments: --bogus"),
])
def test_bad_input_is_one_clear_line_and_exit_code_2(args: tuple[str, ...], says: str) -> None:
    run = days(*args)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("days: ") and says in run.stderr, run.stderr
