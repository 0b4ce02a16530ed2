"""The next monthly payment for a permit for a labour immigrant, against the rule read literally.

The rule (content brief A.3): the tax is paid in advance for every month of the permit, before
the permit is issued or extended, at 4 MRP a month. So for someone who pays month by month the
month they have paid for ends with the permit, and the next payment is due by that day; it is
4 MRP of the year the next month begins in, and while that year's MRP is not published the
answer says which year's value it uses.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.engine.compute import Money, Official, compute
from bot.engine.events import DeadlineDate, Notice, Outcome
from bot.engine.inputs import Choose, Text
from bot.engine.reference import OfficialValue, ReferenceTable
from bot.engine.registry import Registry
from bot.engine.runner import Engine

TODAY = dt.date(2026, 11, 26)
TO_THE_DATE = (Choose(1), Choose(0), Choose(0), Choose(2), Choose(0), Choose(0), Choose(0))  # a Tajik household worker
MONTHLY, SEVERAL = Choose(0), Choose(1)


def reference_next_payment(mrp: dict[int, float], paid_until: dt.date, today: dt.date) -> dict[str, object]:
    """What a counsellor would work out by hand, one day at a time: the payment is due on the last
    paid day; the first unpaid day is the one after it (or today, once that is past); its year's MRP
    times four, else the nearest earlier year's, flagged as not the year's own."""
    first_unpaid = paid_until
    while first_unpaid <= paid_until or first_unpaid < today:
        first_unpaid += dt.timedelta(days=1)
    year = first_unpaid.year
    used = year
    while used not in mrp:
        used -= 1
    return {"due": paid_until, "amount": round(mrp[used] * 4), "year": used, "flagged": used < year}


def ask(engine: Engine, pays: Choose, typed: dt.date) -> list:
    state, _ = engine.start()
    for step in (*TO_THE_DATE, pays):
        state, _ = engine.advance(state, step)
    state, events = engine.advance(state, Text(typed.strftime("%d.%m.%Y")))
    if events[-1].kind == "question":  # more than 10 days left: "changed employer?" No
        state, events = engine.advance(state, Choose(0))
    return events


def test_every_paid_day_for_a_year_and_more_gives_the_payment_the_rule_gives(registry: Registry) -> None:
    """Brute force over every date a monthly payer can type, from today to 400 days on."""
    engine = Engine(registry, lambda: TODAY)
    mrp = registry.reference.values["mrp"].values
    for offset in range(0, 401):
        paid_until = TODAY + dt.timedelta(days=offset)
        events = ask(engine, MONTHLY, paid_until)
        outcome = events[-1]
        expected = reference_next_payment(mrp, paid_until, TODAY)
        assert isinstance(outcome, Outcome), paid_until
        assert outcome.node == ("permit_renew_soon" if offset <= 10 else "permit_monthly"), paid_until
        assert outcome.deadlines == (DeadlineDate("permit_payment", expected["due"]),), paid_until  # type: ignore[arg-type]
        assert outcome.params["tax_next_month"] == Money(expected["amount"], "KZT", expected["year"],  # type: ignore[arg-type]
                                                         stale=bool(expected["flagged"])), paid_until
        assert (Notice("reference_outdated", 2026) in events) == expected["flagged"], paid_until


def test_someone_who_pays_for_several_months_is_reminded_of_the_permits_end(engine: Engine) -> None:
    soon, later = TODAY + dt.timedelta(days=5), TODAY + dt.timedelta(days=200)
    assert ask(engine, SEVERAL, soon)[-1].deadlines == (DeadlineDate("permit_end", soon),)
    assert ask(engine, SEVERAL, later)[-1].deadlines == (DeadlineDate("permit_end", later),)


def test_the_last_paid_day_in_december_flags_the_amount_for_january() -> None:
    table = ReferenceTable({"mrp": OfficialValue(title="MRP", unit="KZT", values={2025: 3932, 2026: 4325},
                                                 sources=["budget law"])})
    tax = Official(official="mrp", times=4, after="paid_until")
    today = dt.date(2026, 12, 1)
    assert compute(tax, {"paid_until": "2026-12-30"}, today, table) == Money(17300, "KZT", 2026)
    assert compute(tax, {"paid_until": "2026-12-31"}, today, table) == Money(17300, "KZT", 2026, stale=True)
    assert compute(tax, {}, today, table) == Money(17300, "KZT", 2026)  # not answered yet: today's value
    # A year ago, paying on 31 December 2025 for January: the 2026 MRP was already known.
    assert compute(tax, {"paid_until": "2025-12-31"}, dt.date(2025, 12, 1), table) == Money(17300, "KZT", 2026)


@settings(max_examples=500, deadline=None)
@given(years=st.dictionaries(st.integers(2018, 2032), st.integers(1000, 9000), min_size=1, max_size=8),
       today=st.dates(dt.date(2019, 1, 1), dt.date(2031, 12, 31)),
       offset=st.integers(-400, 800))
def test_the_amount_matches_the_rule_for_any_table_of_years(years: dict[int, int], today: dt.date,
                                                            offset: int) -> None:
    assume(min(years) <= today.year)  # the table always starts before today (2025 in content/reference.yaml)
    table = ReferenceTable({"mrp": OfficialValue(title="MRP", unit="KZT", values=dict(years), sources=["s"])})
    paid_until = today + dt.timedelta(days=offset)
    got = compute(Official(official="mrp", times=4, after="paid_until"), {"paid_until": paid_until.isoformat()},
                  today, table)
    expected = reference_next_payment(years, paid_until, today)
    assert got == Money(expected["amount"], "KZT", expected["year"], stale=bool(expected["flagged"]))  # type: ignore[arg-type]
