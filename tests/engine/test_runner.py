"""The engine's behaviour that golden cases do not show on their own."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.engine.compute import DaysLeft, DaysSince, Money, compute
from bot.engine.events import Notice, Outcome, Question
from bot.engine.inputs import Choose, Nav, Text, parse_date, parse_number
from bot.engine.reference import ReferenceTable
from bot.engine.registry import Registry
from bot.engine.runner import Engine
from bot.engine.state import State


def walk(engine: Engine, *inputs: object) -> tuple[State, list]:
    state, events = engine.start()
    for inp in inputs:
        state, events = engine.advance(state, inp)  # type: ignore[arg-type]
    return state, events


def test_state_survives_a_json_round_trip_and_continues_identically(engine: Engine) -> None:
    state, _ = walk(engine, Choose(1), Choose(0), Choose(0), Choose(1), Choose(0))
    raw = state.to_json()
    assert len(raw) < 2000 and json.loads(raw)["v"] == 1
    restored = State.from_json(raw)
    assert restored is not None
    assert engine.advance(restored, Choose(1))[1] == engine.advance(state, Choose(1))[1]


def test_advance_does_not_modify_the_given_state(engine: Engine) -> None:
    state, _ = walk(engine, Choose(1), Choose(0))
    before = state.to_json()
    engine.advance(state, Choose(0))
    assert state.to_json() == before


def test_a_state_from_an_edited_flow_restarts_the_topic_with_a_notice(engine: Engine) -> None:
    state = State("work_permit", "node_that_was_removed", {"citizenship": "uz"}, [], 7)
    new_state, events = engine.advance(state, Choose(0))
    assert events[0] == Notice("flow_changed")
    assert (new_state.flow, new_state.node) == ("work_permit", "citizenship")
    assert new_state.answers == {}


def test_a_state_from_a_removed_flow_goes_to_the_menu(engine: Engine) -> None:
    state = State("old_topic", "x", {}, [], 3)
    new_state, events = engine.advance(state, Text("hello"))
    assert events[0] == Notice("flow_changed")
    assert new_state.flow == "menu"


def test_unknown_state_versions_are_not_trusted() -> None:
    assert State.from_json('{"v": 99, "flow": "menu", "node": "topics"}') is None
    assert State.from_json("not json") is None
    assert State.from_json('{"v": 1}') is None


def test_back_restores_the_answers_of_that_step(engine: Engine) -> None:
    state, _ = walk(engine, Choose(1), Choose(0), Choose(0), Choose(1))  # Uzbekistan
    assert state.answers["citizenship"] == "uz"
    state, _ = engine.advance(state, Nav("back"))
    assert state.node == "citizenship" and "citizenship" not in state.answers
    state, _ = engine.advance(state, Choose(2))  # Tajikistan this time
    assert state.answers["citizenship"] == "tj"


def test_a_repeated_button_press_has_no_second_effect(engine: Engine) -> None:
    state, _ = walk(engine, Choose(1), Choose(0))
    press = Choose(0, step=state.step)
    once, _ = engine.advance(state, press)
    twice, events = engine.advance(once, press)
    assert (twice.flow, twice.node, twice.step) == (once.flow, once.node, once.step)
    assert events[0] == Notice("stale_button")


def test_days_left_and_dates_use_the_injected_clock(registry: Registry) -> None:
    day = {"value": dt.date(2026, 12, 20)}
    engine = Engine(registry, lambda: day["value"])
    state, _ = walk(engine, Choose(1), Choose(0), Choose(0), Choose(1), Choose(0), Choose(0), Choose(0), Choose(1))
    state, events = engine.advance(state, Text("25.12.2026"))
    outcome = events[-1]
    assert isinstance(outcome, Outcome) and outcome.node == "permit_renew_soon"
    assert outcome.params["days_to_expiry"] == 5
    assert outcome.params["tax_next_month"] == Money(17300, "KZT", 2026)
    day["value"] = dt.date(2026, 12, 28)
    state, _ = engine.advance(state, Nav("back"))
    state, events = engine.advance(state, Text("25.12.2026"))
    assert events[-1].node == "permit_expired"


def test_future_dates_are_refused_unless_the_node_allows_them(registry: Registry) -> None:
    engine = Engine(registry, lambda: dt.date(2026, 11, 26))
    state, _ = walk(engine, Choose(1), Choose(0), Choose(0), Choose(1), Choose(0), Choose(0), Choose(0), Choose(1))
    _, events = engine.advance(state, Text("01.01.2027"))
    assert events[-1].kind == "question"  # permit end dates may be in the future


@pytest.mark.parametrize(("text", "expected"), [
    ("25.11.2026", dt.date(2026, 11, 25)), ("5/3/26", dt.date(2026, 3, 5)), ("2026-11-25", dt.date(2026, 11, 25)),
    ("25 11 2026", dt.date(2026, 11, 25)), ("31.02.2026", None), ("tomorrow", None), ("", None),
])
def test_dates_are_read_day_first(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1 200", 1200.0), ("1200,5", 1200.5), ("\u00a085\u00a0000", 85000.0), ("12a", None), ("", None),
])
def test_numbers_accept_local_spacing_and_commas(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


def test_computations() -> None:
    today = dt.date(2026, 3, 10)
    answers = {"entry": "2026-03-01"}
    ref = ReferenceTable()
    assert compute(DaysSince(days_since="entry"), answers, today, ref) == 10  # entry day counts
    assert compute(DaysLeft(days_left="entry", limit=30), answers, today, ref) == 20
    assert compute(DaysLeft(days_left="entry", limit=5), answers, today, ref) == 0
    assert compute(DaysSince(days_since="missing"), answers, today, ref) is None


def test_typed_label_or_number_chooses_an_option(engine: Engine) -> None:
    state, _ = walk(engine, Choose(1), Choose(0))
    by_number, _ = engine.advance(state, Text("1"))
    by_label, _ = engine.advance(state, Text("  work PERMIT "))
    assert by_number.flow == by_label.flow == "work_permit"


def test_menu_from_anywhere_and_back_returns(engine: Engine) -> None:
    state, _ = walk(engine, Choose(1), Choose(0), Choose(0), Choose(1))
    state, events = engine.advance(state, Nav("menu"))
    assert isinstance(events[-1], Question) and events[-1].node == "topics"
    state, _ = engine.advance(state, Nav("back"))
    assert state.node == "employer"
