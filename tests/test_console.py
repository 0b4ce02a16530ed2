"""The console demo, driven through a pipe as a person would type."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def console(tmp_path: Path, answers: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/console.sqlite")
    return subprocess.run([sys.executable, "-m", "bot", "console", "--today", "2026-11-26", *args],
                          input=answers, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


def test_console_walks_to_an_outcome_in_russian(tmp_path: Path) -> None:
    run = console(tmp_path, "2\n1\n1\n2\n1\n2\n", "--lang", "ru")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "Вам угрожает опасность" in out or "опасност" in out
    assert "разрешение трудовому иммигранту" in out.lower() or "разрешени" in out
    assert "17\xa0300\xa0₸" in out  # 4 MRP of 2026, formatted for Russian
    assert "Проверено: 1 декабря 2026" in out
    assert "Источники:" in out
    assert "До свидания" in out


def test_console_navigation_words_and_bad_input(tmp_path: Path) -> None:
    run = console(tmp_path, "2\n1\n1\n2\n1\n1\n1\n1\nyesterday\nb\nm\nq\n", "--lang", "en")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "Please write the date as day.month.year" in out
    assert out.count("What is your question about?") == 2  # once at the start, once after "m"
    assert "Goodbye" in out


def test_console_handoff_explains_the_demo(tmp_path: Path) -> None:
    run = console(tmp_path, "1\n", "--lang", "en")
    assert "call 112" in run.stdout
    assert "[URGENT]" in run.stdout
    assert "Demo: in Telegram this opens a conversation with a counsellor" in run.stdout


def test_console_rejects_an_unknown_language(tmp_path: Path) -> None:
    run = console(tmp_path, "", "--lang", "xx")
    assert run.returncode == 2 and "unknown language 'xx'" in run.stderr


def test_graph_prints_mermaid() -> None:
    run = subprocess.run([sys.executable, "-m", "bot", "graph", "work_permit"], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert run.returncode == 0
    assert run.stdout.startswith("flowchart TD")
    assert 'citizenship -- "Uzbekistan" --> visa_free' in run.stdout
    assert 'permit_check -- "days_to_expiry < 0" --> permit_expired' in run.stdout


def test_console_starts_by_asking_the_language_like_telegram(tmp_path: Path) -> None:
    env_lang = "DEFAULT_LANGUAGE"
    env = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/console.sqlite", **{env_lang: "ru"})
    run = subprocess.run([sys.executable, "-m", "bot", "console", "--today", "2026-11-26"], input="klingon\n7\n2\n",
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.startswith("Выберите язык:\n  1. ✓ Русский\n")  # the default first, as Telegram offers the guess
    assert "  7. English" in out
    assert out.count("Выберите язык:") == 2  # an answer that is no language asks again
    assert "Are you in danger now" in out and "Who is asking?" in out  # then English, from the start


def test_console_numbers_the_buttons_at_the_end_of_a_topic(tmp_path: Path) -> None:
    # English; not in danger; working in Kazakhstan; work permit; Uzbekistan; ... an answer.
    run = console(tmp_path, "2\n1\n1\n2\n1\n2\n2\n", "--lang", "en")
    assert run.returncode == 0, run.stderr
    end = run.stdout.split("Rules change, so check with a counsellor or the official source.", 1)[1]
    assert end.startswith("\n  1. « Back\n  2. Menu\n  3. Talk to a counsellor\n")
    assert "use the buttons below" not in end.casefold()
    assert "What is your question about?" in end  # "2" opened the menu
