"""Statistics an admin opens anywhere: the long CSV of every breakdown, and the real median answer time."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine.clock import Clock
from bot.i18n.catalogs import Catalogs
from bot.stats import build
from bot.stats.report import StatsService
from db.connection import make_db_engine, make_sessionmaker
from db.migrate import upgrade
from db.models import Case
from db.repositories.stats import StatsRepository
from db.unit_of_work import UnitsOfWork

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 20)
K = 5


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_db_engine(f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite")
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def add_facts(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Stay: 12 in Russian, 3 in Kyrgyz (a small cell), 8 in Kazakh; work permit: 7 in Russian."""
    async with sessions() as session:
        repo = StatsRepository(session)
        for flow, lang, n in (("stay", "ru", 12), ("stay", "ky", 3), ("stay", "kk", 8), ("work_permit", "ru", 7)):
            for _ in range(n):
                await repo.add(DAY, "started", flow=flow, lang=lang)
        for _ in range(6):
            await repo.add(DAY, "handoff", flow="stay", node="overstay", urgency="normal", lang="ru")
        await session.commit()


def read(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


async def test_csv_without_by_is_one_long_table_of_every_breakdown(sessions: async_sessionmaker[AsyncSession]) -> None:
    await add_facts(sessions)
    # "asker" is an answer category the standard breakdowns use
    service = StatsService(UnitsOfWork(sessions), ["asker"], K, Clock.for_zone("Asia/Almaty"))
    tr = Catalogs(ROOT / "content/locales").get("en")
    data = await build.export(service, DAY, DAY, list(build.STANDARD), "csv", tr)
    rows = read(data)
    assert list(rows[0]) == ["breakdown", "flow", "language", "month", "campaign", "node", "urgency", "asker",
                             "deadline", "measure", "count"]
    # every breakdown with facts (no reminders were set here, so theirs have no rows)
    assert {r["breakdown"] for r in rows} == {b.name for b in build.STANDARD if not b.what.startswith("reminders")}
    by_flow_lang = {(r["flow"], r["language"]): r["count"] for r in rows
                    if r["breakdown"] == "enquiries by flow, language"}
    assert by_flow_lang[("stay", "ru")] == "12" and by_flow_lang[("work_permit", "ru")] == "7"
    # 3 is below k; the stay total would give it away by subtraction, so the smallest other stay
    # cell (8) is hidden too, and the Kyrgyz total (3) as well: hidden counts are empty cells.
    assert by_flow_lang[("stay", "ky")] == by_flow_lang[("stay", "kk")] == by_flow_lang[("(all)", "ky")] == ""
    assert by_flow_lang[("stay", "(all)")] == "23"
    assert all(r["count"] not in ("3", "8") for r in rows)
    by_flow = {r["flow"]: r["count"] for r in rows if r["breakdown"] == "enquiries by flow"}
    assert by_flow == {"stay": "23", "work_permit": "7", "(all)": "30"}
    # Every count is the one the XLSX shows ("<5" there, empty here).
    xlsx = await build.export(service, DAY, DAY, list(build.STANDARD), "xlsx", tr)
    book = load_workbook(io.BytesIO(xlsx))
    for breakdown in build.STANDARD:
        sheet = [tuple("" if v is None else str(v) for v in r)
                 for r in book[breakdown.name].iter_rows(min_row=2, values_only=True)]
        mine = [(*(r[d] for d in breakdown.by), r["count"]) for r in rows if r["breakdown"] == breakdown.name]
        assert sorted(mine) == sorted((*r[:-1], "" if r[-1] == f"<{K}" else r[-1]) for r in sheet), breakdown.name
    handoffs = [r for r in rows if r["breakdown"] == "handoffs by flow, urgency"]
    assert {r["measure"] for r in handoffs} == {"handoffs"}
    assert {(r["flow"], r["urgency"], r["count"]) for r in handoffs} >= {("stay", "normal", "6")}
    # Columns a breakdown does not use are empty, and every row has every column.
    assert all(r["language"] == "" for r in rows if r["breakdown"] == "enquiries by flow")
    assert all(len(r) == 11 and None not in r for r in rows)


@pytest.mark.slow
def test_stats_export_csv_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "q1.csv"
    result = subprocess.run([sys.executable, "-m", "bot", "stats", "export", "--format", "csv", "--out", str(out),
                             "--database-url", f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = read(out.read_bytes())  # an empty database: only the zero grand totals
    assert out.read_bytes().decode("utf-8-sig").startswith("breakdown,flow,language,")
    assert rows and {r["count"] for r in rows} == {"0"}


async def test_median_answer_time_is_over_cases_not_categories(sessions: async_sessionmaker[AsyncSession]) -> None:
    """7 cases answered in 1 minute, 5 in 50 minutes: the median case waited 1 minute.

    The median of the two categories' medians (1 and 50) would be 50 (or 25.5), which is wrong.
    """
    opened = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    async with sessions() as session:
        for i, (category, minutes) in enumerate([("wages", 1)] * 7 + [("stay", 50)] * 5):
            session.add(Case(code=f"K-{i:04d}", lang="ru", flow="f", node="n", category=category, opened_at=opened,
                             first_response_at=opened + dt.timedelta(minutes=minutes)))
        await session.commit()
    service = StatsService(UnitsOfWork(sessions), [], K, Clock.for_zone("Asia/Almaty"))
    assert await service.response_median(DAY, DAY) == 1
    text = await build.summary(service, DAY, DAY, 1, Catalogs(ROOT / "content/locales").get("en"))
    assert text == "No data yet."  # no enquiries recorded: the summary says so rather than a lone median
    async with sessions() as session:
        for _ in range(K):
            await StatsRepository(session).add(DAY, "started", flow="stay", lang="ru")
        await session.commit()
    text = await build.summary(service, DAY, DAY, 1, Catalogs(ROOT / "content/locales").get("en"))
    assert "median first answer 1 minute" in text


async def test_median_answer_time_is_hidden_below_k_answered_cases(sessions: async_sessionmaker[AsyncSession]) -> None:
    opened = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    async with sessions() as session:
        for i in range(K - 1):
            session.add(Case(code=f"K-{i:04d}", lang="ru", flow="f", node="n", category="c", opened_at=opened,
                             first_response_at=opened + dt.timedelta(minutes=3)))
        await session.commit()
    service = StatsService(UnitsOfWork(sessions), [], K, Clock.for_zone("Asia/Almaty"))
    assert await service.response_median(DAY, DAY) is None


@pytest.mark.parametrize("action", ["summary", "chart", "export"])
@pytest.mark.parametrize("period", [("0001-01-01", "9999-12-31"), ("2026-12-01", "2026-01-01")],
                         ids=["0001-9999", "reversed"])
def test_the_command_line_refuses_a_period_it_cannot_report_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], action: str, period: tuple[str, str]) -> None:
    """/stats and /export refused these; the command line ended in an OverflowError traceback
    (summary, chart, XLSX) or silently reported a reversed period."""
    from bot.cli.main import main

    code = main(["stats", action, "--from", period[0], "--to", period[1], "--out", str(tmp_path / "out"),
                 "--database-url", f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "--from" in err and "--to" in err and period[0] in err
    assert not (tmp_path / "out").exists()
