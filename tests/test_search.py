"""Free-text search: the measured accuracy, the examples from the issue, and the conversation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation.runtime import Runtime, build_index, open_runtime
from bot.engine.clock import Clock
from bot.engine.events import RedFlag, Suggestions
from bot.engine.inputs import Jump, Text
from bot.engine.normalize import fold, layout_variants
from bot.engine.registry import Registry
from bot.engine.search import FlowIndex
from bot.engine.search_eval import evaluate, read_table
from bot.i18n.catalogs import Catalogs

from .conftest import FIXED_TODAY, ROOT

TOP1_FLOOR = 0.78  # the README reports the measured figures; these floors catch regressions
TOP3_FLOOR = 0.88


@pytest.fixture(scope="module")
def index(registry: Registry) -> FlowIndex:
    return build_index(registry, Catalogs(ROOT / "content" / "locales"), ROOT / "content")


@pytest.mark.parametrize(("query", "topic"), [
    ("patent", "work_permit"), ("патент", "work_permit"), ("ruxsatnoma", "work_permit"),
    ("registratsiya", "stay"), ("паспорт забрали", "trafficking"), ("pasport olib qo'yishdi", "trafficking"),
    ("gfcgjhn", "passport"),  # "паспорт" on the wrong layout: the passport topic (a withheld one goes to the check)
    ("gfcgjhn pf,hfkb", "trafficking"),  # "паспорт забрали"
])
def test_the_issues_examples_find_their_topic(index: FlowIndex, query: str, topic: str) -> None:
    assert [h.flow for h in index.search(query)][:1] == [topic]


def test_accuracy_over_the_query_table(index: FlowIndex) -> None:
    queries = read_table(ROOT / "tests" / "search_queries.tsv")
    assert len(queries) >= 150
    assert {q.lang for q in queries} >= {"ru", "uz", "uz_Cyrl", "tg", "ky", "kk"}
    report = evaluate(index, queries)
    assert report.top1 / report.total >= TOP1_FLOOR, report.summary() + "\n" + "\n".join(report.misses)
    assert report.top3 / report.total >= TOP3_FLOOR, report.summary()


def test_accuracy_over_the_new_topics_queries(index: FlowIndex) -> None:
    """Queries for the section-J topics, kept apart from any tuning (measured: top-1 64 %, top-3 98 %)."""
    queries = read_table(ROOT / "tests" / "search_queries_new_topics.tsv")
    assert {q.expected for q in queries} == {"passport", "detention", "permit_refused", "iin"}
    assert {q.lang for q in queries} >= {"ru", "uz", "uz_Cyrl", "tg", "ky", "kk", "en"}
    report = evaluate(index, queries)
    assert report.top1 / report.total >= 0.55, report.summary() + "\n" + "\n".join(report.misses)
    assert report.top3 / report.total >= 0.90, report.summary() + "\n" + "\n".join(report.misses)


@pytest.mark.parametrize(("query", "topic"), [
    ("how do I check an agency", "departure"), ("qaytib ketyapman", "return_home"),
    ("связь с сыном пропала", "lost_contact"),
])
def test_the_migration_cycle_examples_find_their_topic(index: FlowIndex, query: str, topic: str) -> None:
    assert [h.flow for h in index.search(query)][:1] == [topic]


def test_accuracy_over_the_migration_cycle_queries(index: FlowIndex) -> None:
    """Queries for the cycle topics, written before their keywords (measured: top-1 83 %, top-3 92 %)."""
    queries = read_table(ROOT / "tests" / "search_queries_cycle.tsv")
    assert {q.expected for q in queries} == {"departure", "return_home", "lost_contact", "receiving_money"}
    assert {q.lang for q in queries} >= {"ru", "uz", "uz_Cyrl", "tg", "ky", "kk", "en", "translit", "layout"}
    report = evaluate(index, queries)
    assert report.top1 / report.total >= 0.75, report.summary() + "\n" + "\n".join(report.misses)
    assert report.top3 / report.total >= 0.88, report.summary() + "\n" + "\n".join(report.misses)


@pytest.mark.parametrize("phrase", ["паспорт забрали", "Pasportimni olib qo‘yishdi", "меня заперли",
                                    "не платят уже 3 месяца", "бьют на работе", "i am locked in",
                                    "шиносномаамро гирифтанд", "карыз"])
def test_red_flags_are_recognised(index: FlowIndex, phrase: str) -> None:
    assert index.is_red_flag(phrase)


@pytest.mark.parametrize("phrase", ["сколько стоит патент", "registratsiya", "hello", "1", "да"])
def test_ordinary_questions_are_not_red_flags(index: FlowIndex, phrase: str) -> None:
    assert not index.is_red_flag(phrase)


def test_folding_equates_scripts_and_spellings() -> None:
    assert fold("Рухсатнома") == fold("ruxsatnoma") == fold("Ruxsatnoma!")
    assert fold("ro‘yxatdan o‘tish") == fold("royxatdan otish")
    assert "паспорт" in layout_variants("gfcgjhn")


@pytest.fixture
async def runtime(tmp_path: Path) -> Runtime:
    opened = await open_runtime(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/s.sqlite", data_dir=tmp_path,
                                      _env_file=None), Clock.fixed(FIXED_TODAY))  # type: ignore[call-arg]
    yield opened  # type: ignore[misc]
    await opened.close()


async def test_typed_text_at_a_question_suggests_topics_and_a_suggestion_opens_one(runtime: Runtime) -> None:
    await runtime.conversations.start("k", "ru")
    reply = await runtime.conversations.handle("k", Text("ruxsatnoma kerak"), "ru")
    suggestion = next(e for e in reply.events if isinstance(e, Suggestions))
    assert suggestion.flows[0] == "work_permit"
    assert reply.events[-1].kind == "question"  # the step is shown again below the suggestions
    opened = await runtime.conversations.handle("k", Jump("work_permit", reply.state.step), "ru")
    assert (opened.state.flow, opened.state.node) == ("work_permit", "citizenship")


async def test_numbers_and_dates_are_not_searched(runtime: Runtime) -> None:
    await runtime.conversations.start("k", "en")
    await runtime.conversations.handle("k", Jump("russia"), "en")  # ends at once, in a handoff
    for typed in ("2", "20.11.2026", "112"):
        reply = await runtime.conversations.handle("k", Text(typed), "en")
        assert [e.kind for e in reply.events] == ["not_understood"], typed


async def test_a_red_flag_offers_help_even_when_a_date_is_expected(runtime: Runtime) -> None:
    await runtime.conversations.start("k", "ru")
    for inp in (Jump("stay"), Text("3"), Text("4")):  # Tajikistan, no document
        reply = await runtime.conversations.handle("k", inp, "ru")
    assert reply.state.node == "entry_date"
    reply = await runtime.conversations.handle("k", Text("хозяин забрал паспорт"), "ru")
    assert isinstance(reply.events[0], RedFlag)
    assert reply.state.node == "entry_date"  # nothing else changed


def test_search_command_prints_three_topics(tmp_path: Path) -> None:
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "bot", "search", "патент"], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    lines = run.stdout.strip().splitlines()
    assert run.returncode == 0 and len(lines) == 3
    assert lines[0].split("\t")[0] == "work_permit" and float(lines[0].split("\t")[1]) >= float(lines[1].split("\t")[1])
