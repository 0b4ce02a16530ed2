"""Kazakhstan's calendar: between 00:00 and 05:00 there (19:00-24:00 UTC the day before) every
count uses Kazakhstan's date, never the server's; "in 0 days" reads "today" in every language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.conversation.runtime import open_runtime
from bot.counselling.working_hours import WorkingHours
from bot.engine.clock import Clock, zone_for
from bot.engine.compute import DaysFromToday
from bot.engine.events import Handoff, Outcome, Question
from bot.engine.inputs import Choose, Jump, Text
from bot.engine.problems import Problem
from bot.engine.reference import ReferenceTable
from bot.engine.registry import Registry, check_flows
from bot.engine.runner import Engine
from bot.i18n.catalogs import Catalogs
from bot.i18n.format import fill, format_value
from bot.i18n.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
UTC = dt.UTC
# Late evening in UTC on 30 November is already 1 December in Kazakhstan (UTC+5).
EVENINGS_UTC = [dt.datetime(2026, 11, 30, h, m, tzinfo=UTC) for h, m in ((19, 0), (21, 30), (23, 59))]


def almaty_at(moment: dt.datetime) -> Clock:
    return Clock.for_zone("Asia/Almaty", lambda: moment)


@pytest.mark.parametrize("moment", EVENINGS_UTC, ids=lambda m: f"{m:%H:%M}UTC")
def test_today_is_kazakhstans_date_between_midnight_and_five(moment: dt.datetime) -> None:
    assert moment.date() == dt.date(2026, 11, 30)
    assert almaty_at(moment).today() == dt.date(2026, 12, 1)


def test_the_day_changes_at_midnight_in_almaty() -> None:
    assert almaty_at(dt.datetime(2026, 11, 30, 18, 59, tzinfo=UTC)).today() == dt.date(2026, 11, 30)
    assert almaty_at(dt.datetime(2026, 11, 30, 19, 0, tzinfo=UTC)).today() == dt.date(2026, 12, 1)
    clock = almaty_at(dt.datetime(2026, 12, 1, 3, tzinfo=UTC))
    assert clock.start_of(dt.date(2026, 12, 1)) == dt.datetime(2026, 11, 30, 19, tzinfo=UTC)
    assert clock.date_of(dt.datetime(2026, 11, 30, 20, 0)) == dt.date(2026, 12, 1)  # naive = UTC, as stored


def test_an_old_tz_database_still_gets_utc_plus_5() -> None:
    # Before 1 March 2024 Almaty was UTC+6; a tz database that still says so must not be trusted.
    stale = ZoneInfo("Asia/Dhaka")  # UTC+6 all year, standing in for an outdated Asia/Almaty
    assert zone_for("Asia/Almaty", stale).utcoffset(None) == dt.timedelta(hours=5)
    assert zone_for("Asia/Dhaka", stale) is stale  # other zones are used as they are
    assert Clock.for_zone("Asia/Almaty").zone.utcoffset(dt.datetime(2026, 6, 1)) == dt.timedelta(hours=5)


def _permit_walk(engine: Engine, last_day: str) -> list[object]:
    state, _ = engine.start("work_permit")
    for choice in (2, 1, 1, 1, 2):  # Uzbekistan, a family, has a permit, the right region, pays for months at once
        state, _ = engine.advance(state, Choose(choice - 1))
    state, events = engine.advance(state, Text(last_day))
    return events


@pytest.mark.parametrize("moment", EVENINGS_UTC, ids=lambda m: f"{m:%H:%M}UTC")
def test_a_permit_that_ended_yesterday_has_ended(registry: Registry, moment: dt.datetime) -> None:
    engine = Engine(registry, almaty_at(moment).today)
    events = _permit_walk(engine, "30.11.2026")  # the server's "today", but yesterday in Kazakhstan
    assert any(isinstance(e, Handoff) and e.node == "permit_expired" for e in events)


@pytest.mark.parametrize("moment", EVENINGS_UTC, ids=lambda m: f"{m:%H:%M}UTC")
def test_a_permit_ending_on_kazakhstans_today_ends_today(registry: Registry, moment: dt.datetime) -> None:
    engine = Engine(registry, almaty_at(moment).today)
    outcome = next(e for e in _permit_walk(engine, "01.12.2026") if isinstance(e, Outcome))
    assert outcome.params["days_to_expiry"] == DaysFromToday(0)
    tomorrow = next(e for e in _permit_walk(engine, "02.12.2026") if isinstance(e, Outcome))
    assert tomorrow.params["days_to_expiry"] == DaysFromToday(1)


@pytest.mark.parametrize("moment", EVENINGS_UTC, ids=lambda m: f"{m:%H:%M}UTC")
def test_stay_counts_use_kazakhstans_date(registry: Registry, moment: dt.datetime) -> None:
    engine = Engine(registry, almaty_at(moment).today)
    state, _ = engine.start("stay")
    for choice in (2, 4):  # Uzbekistan, no document
        state, _ = engine.advance(state, Choose(choice - 1))
    state, events = engine.advance(state, Text("01.12.2026"))  # entered today: not "in the future"
    assert state.node == "visits", events
    state, events = engine.advance(state, Text("01.11.2026-10.11.2026"))
    assert isinstance(events[-1], Question) and events[-1].params["days_used"] == 11  # 10 days + today


def test_relative_days_read_today_and_tomorrow_in_every_language() -> None:
    catalogs = Catalogs(ROOT / "content" / "locales")
    seen = set()
    for lang in LANGUAGES:
        tr = catalogs.get(lang)
        today, tomorrow = format_value(DaysFromToday(0), lang, tr), format_value(DaysFromToday(1), lang, tr)
        in_five = format_value(DaysFromToday(5), lang, tr)
        assert "0" not in today and "1" not in tomorrow, lang
        assert today == tr("today") and tomorrow == tr("tomorrow"), lang
        assert "5" in in_five and in_five not in (today, tomorrow), lang
        seen.add(today)
    assert len(seen) == len(LANGUAGES)  # translated, not English everywhere
    ru = catalogs.get("ru")
    assert [format_value(DaysFromToday(n), "ru", ru) for n in (0, 1, 2, 5, 21, -1, -3)] == [
        "сегодня", "завтра", "через 2 дня", "через 5 дней", "через 21 день", "вчера", "3 дня назад"]


def test_working_hours_open_at_nine_in_almaty() -> None:
    monday_0830 = dt.datetime(2026, 11, 30, 3, 30, tzinfo=UTC)  # 08:30 in Almaty
    monday_0930 = dt.datetime(2026, 11, 30, 4, 30, tzinfo=UTC)
    assert not WorkingHours.parse("09:00-18:00", "mon,tue,wed,thu,fri", almaty_at(monday_0830)).open_now()
    assert WorkingHours.parse("09:00-18:00", "mon,tue,wed,thu,fri", almaty_at(monday_0930)).open_now()
    sunday_night_utc = dt.datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Monday 04:00 in Almaty
    assert WorkingHours.parse("00:00-05:00", "mon", almaty_at(sunday_night_utc)).open_now()


async def test_statistics_record_kazakhstans_day(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/s.sqlite", data_dir=tmp_path,
                        _env_file=None)  # type: ignore[call-arg]
    runtime = await open_runtime(settings, almaty_at(EVENINGS_UTC[1]))
    try:
        await runtime.conversations.start("k", "en")
        await runtime.conversations.handle("k", Jump("stay"), "en")  # a topic opened: one fact
        async with runtime.db_engine.connect() as conn:
            days = {r[0] for r in (await conn.execute(text("select day from enquiry_facts"))).all()}
    finally:
        await runtime.close()
    assert {str(d) for d in days} == {"2026-12-01"}


def test_official_values_missing_for_next_year_are_flagged_from_1_december() -> None:
    table = ReferenceTable.load(ROOT / "content" / "reference.yaml")
    assert table.gap(dt.date(2026, 11, 30)) is None
    december = table.gap(dt.date(2026, 12, 1))
    assert december is not None and december.upcoming
    assert (december.year, december.latest, "mrp" in december.names) == (2027, 2026, True)
    january = table.gap(dt.date(2027, 1, 15))
    assert january is not None and not january.upcoming and january.year == 2027


def test_check_warns_from_1_december_that_next_years_values_are_missing() -> None:
    def official(today: dt.date) -> list[Problem]:
        report = check_flows(ROOT / "flows", ROOT / "content", today=today, stale_after_days=10_000)
        return [p for p in report.problems if p.subject == "official values"]

    assert official(dt.date(2026, 11, 30)) == []
    warned, = official(dt.date(2026, 12, 1))
    assert warned.severity == "warning" and "no 2027 values yet for min_wage, mrp" in warned.message
    assert str(warned).startswith("content/reference.yaml:")
    january, = official(dt.date(2027, 1, 2))
    assert january.severity == "warning" and "amounts use the 2026 values and say which year" in january.message


def test_a_russian_date_at_the_end_of_a_sentence_has_one_full_stop() -> None:
    ru = Catalogs(ROOT / "content" / "locales").get("ru")
    assert fill("Последний день: {day}.", {"day": dt.date(2026, 12, 9)}, ru) == "Последний день: 9 декабря 2026\u202fг."
    shown = fill("До {day} (через {n}).", {"day": dt.date(2026, 12, 9), "n": 5}, ru)
    assert shown == "До 9 декабря 2026\u202fг. (через 5)."


# Asking the system for the date gives the server's date (often UTC), a day behind Kazakhstan
# between 00:00 and 05:00 there. Only bot/engine/clock.py may read the system time; an instant in
# UTC (``datetime.now(dt.UTC)``) is fine, a date or a naive local time is not.
SYSTEM_DATE = re.compile(r"\b(?:date|datetime)\.today\(|\bdatetime\.now\(\s*\)|\btime\.(?:localtime|strftime)\(")


def test_nothing_but_the_clock_asks_the_system_for_the_date() -> None:
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for folder in ("bot", "db") for path in sorted((ROOT / folder).rglob("*.py"))
                 if path != ROOT / "bot" / "engine" / "clock.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if SYSTEM_DATE.search(line)]
    assert not offenders, "use the clock (bot/engine/clock.py, or clock_from() on the command line):\n" + \
        "\n".join(offenders)
