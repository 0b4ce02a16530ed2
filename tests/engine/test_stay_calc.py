"""The 90-in-180 calculator against a day-by-day count, over random visit histories."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.events import Handoff
from bot.engine.inputs import Choose, Text
from bot.engine.registry import Registry
from bot.engine.runner import Engine
from bot.engine.schema import InfoNode
from bot.engine.stay_calc import EAEU, StayInputError, Visit, calculate
from bot.engine.validate import successors

from ..conftest import FIXED_TODAY

D = dt.date
MAX_EXAMPLES = 2000  # reported in the closing note


def reference(citizenship: str, visits: list[Visit], entry: dt.date, today: dt.date) -> dict[str, object]:
    """The rule read literally: a calendar of days present, each day's window counted day by day."""
    origin = min([entry, *(v.entry for v in visits)]) - dt.timedelta(days=180)
    horizon = (entry - origin).days + 400  # the current stay goes on past any last day
    present = [False] * horizon
    for v in visits:
        for i in range(v.days):
            present[(v.entry - origin).days + i] = True
    for i in range((entry - origin).days, horizon):
        present[i] = True
    running = [0]
    for here in present:
        running.append(running[-1] + here)

    def count(day: dt.date) -> int:  # days present among the 180 ending on ``day``
        end = (day - origin).days + 1
        return running[end] - running[end - 180]

    used = count(today)
    last_day = None
    if used <= 90:
        day = today  # walk on while every next day still has a count of 90 or less
        while count(day + dt.timedelta(days=1)) <= 90:
            day += dt.timedelta(days=1)
        last_day = day
    reg = None
    if citizenship not in EAEU and last_day is not None:
        reg = min(entry + dt.timedelta(days=29), last_day)
    return {"days_used": used, "last_day": last_day.isoformat() if last_day else None,
            "days_over": max(used - 90, 0),
            "last_day_without_registration": reg.isoformat() if reg else None}


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, list[Visit], dt.date, dt.date]:
    citizenship = draw(st.sampled_from(["uz", "tj", "kg", "ru", "by", "am", "other"]))
    today = D(2026, 12, 1) + dt.timedelta(days=draw(st.integers(-400, 400)))
    entry = today - dt.timedelta(days=draw(st.integers(0, 200)))
    visits: list[Visit] = []
    cursor = entry
    for _ in range(draw(st.integers(0, 6))):
        gap = draw(st.integers(0, 60))  # 0: left and came back on the same day
        length = draw(st.integers(1, 60))
        exit_day = cursor - dt.timedelta(days=gap)
        visits.append(Visit(exit_day - dt.timedelta(days=length - 1), exit_day))
        cursor = visits[-1].entry
    return citizenship, draw(st.permutations(visits)), entry, today


@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_matches_a_day_by_day_count(case: tuple[str, list[Visit], dt.date, dt.date]) -> None:
    citizenship, visits, entry, today = case
    assert calculate(citizenship, visits, entry, today).to_json() == reference(citizenship, visits, entry, today)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_staying_to_the_last_day_is_allowed_and_one_more_is_not(case: tuple[str, list[Visit], dt.date, dt.date]
                                                                ) -> None:
    citizenship, visits, entry, today = case
    result = calculate(citizenship, visits, entry, today)
    if result.last_day is None:
        assert result.days_over > 0
        return
    on_last = calculate(citizenship, visits, entry, result.last_day)
    after = calculate(citizenship, visits, entry, result.last_day + dt.timedelta(days=1))
    assert on_last.days_used <= 90 and on_last.days_over == 0
    assert after.days_over == 1 and after.last_day is None


def test_a_summer_visit_uses_up_the_days() -> None:
    # 80 days in the summer; back on 20 November: only 10 days are left, not 90.
    summer = Visit(D(2026, 7, 1), D(2026, 9, 18))
    result = calculate("kg", [summer], D(2026, 11, 20), D(2026, 11, 20))
    assert summer.days == 80
    assert result.days_used == 81
    assert result.last_day == D(2026, 11, 29)
    assert result.last_day_without_registration is None


def test_entry_and_exit_days_both_count() -> None:
    # In on 1 Oct and out on 1 Oct is one day; in on the 1st, out on the 2nd is two.
    assert calculate("uz", [Visit(D(2026, 10, 1), D(2026, 10, 1))], D(2026, 11, 1), D(2026, 11, 1)).days_used == 2
    assert calculate("uz", [Visit(D(2026, 10, 1), D(2026, 10, 2))], D(2026, 11, 1), D(2026, 11, 1)).days_used == 3


def test_over_the_limit() -> None:
    result = calculate("uz", [Visit(D(2026, 6, 10), D(2026, 8, 27))], D(2026, 10, 1), D(2026, 10, 20))
    assert result.days_used == 79 + 20
    assert (result.days_over, result.last_day, result.last_day_without_registration) == (9, None, None)


def test_thirty_days_without_registration_never_after_the_last_day() -> None:
    uz = calculate("uz", [], D(2026, 11, 1), D(2026, 11, 5))
    assert uz.last_day_without_registration == D(2026, 11, 30)
    assert uz.last_day == D(2027, 1, 29)
    tight = calculate("tj", [Visit(D(2026, 8, 1), D(2026, 10, 19))], D(2026, 11, 1), D(2026, 11, 1))
    assert tight.last_day == D(2026, 11, 10)
    assert tight.last_day_without_registration == D(2026, 11, 10)


@pytest.mark.parametrize("visits, entry, today, message", [
    ([Visit(D(2026, 5, 2), D(2026, 5, 1))], D(2026, 11, 1), D(2026, 11, 1), "before it starts"),
    ([Visit(D(2026, 10, 1), D(2026, 11, 3))], D(2026, 11, 1), D(2026, 11, 5), "after the current entry"),
    ([Visit(D(2026, 5, 1), D(2026, 5, 10)), Visit(D(2026, 5, 5), D(2026, 5, 20))], D(2026, 11, 1), D(2026, 11, 1),
     "overlap"),
    ([], D(2026, 11, 2), D(2026, 11, 1), "after the day checked"),
])
def test_impossible_histories_are_refused(visits: list[Visit], entry: dt.date, today: dt.date, message: str) -> None:
    with pytest.raises(StayInputError, match=message):
        calculate("uz", visits, entry, today)


# What a count in the stay topic shows, and the step that says how it was counted (issue 9: both
# the entry and the exit day count, the safe reading of an unverified rule, "and say so").
COUNTS = re.compile(r"\{(days_used|days_over|last_day|last_day_unregistered|until_last_day)\}")
HOW_COUNTED = "The day you came and the day you left both count as full days."


def test_every_count_the_stay_topic_tells_says_how_days_were_counted(registry: Registry) -> None:
    nodes = {n.id: n for n in registry.flows["stay"].nodes}
    seen: set[str] = set()
    todo = [registry.flows["stay"].start]
    told_without_saying = []
    while todo:
        node = nodes.get(todo.pop())
        if node is None or node.id in seen:
            continue
        seen.add(node.id)
        text = getattr(node, "text", "") or ""
        if HOW_COUNTED in text:
            continue  # paths through here have been told
        following = [nodes[s] for s in successors(node) if s in nodes]
        said_next = isinstance(node, InfoNode) and any(HOW_COUNTED in (getattr(f, "text", "") or "") for f in following)
        if COUNTS.search(text) and not said_next:  # an info step is followed at once by the next one
            told_without_saying.append(node.id)
        todo.extend(successors(node))
    assert told_without_saying == []


def test_an_overstay_says_how_days_were_counted(engine: Engine) -> None:
    state, _ = engine.start("stay")
    for choice in (2, 4):  # Uzbekistan, no document
        state, _ = engine.advance(state, Choose(choice - 1))
    state, _ = engine.advance(state, Text(f"{FIXED_TODAY - dt.timedelta(days=20):%d.%m.%Y}"))
    summer = (FIXED_TODAY - dt.timedelta(days=120), FIXED_TODAY - dt.timedelta(days=40))  # 81 days
    state, _ = engine.advance(state, Text(f"{summer[0]:%d.%m.%Y}-{summer[1]:%d.%m.%Y}"))
    state, events = engine.advance(state, Choose(0))  # no other visits
    texts = [getattr(e, "text", "") for e in events]
    assert isinstance(events[-1], Handoff) and events[-1].node == "over_limit"
    assert any(HOW_COUNTED in t for t in texts[:-1]), texts
