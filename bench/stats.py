"""How long the statistics export takes with years of data.

Fills a fresh SQLite database with --facts anonymous enquiry facts (default 1,000,000: about
three years of a busy deployment) spread over --days days, with answer categories on the
outcomes, then times:

* the baseline: one bare ``SELECT count(*)`` over the whole table, in the same process;
* the admin export: every standard breakdown (6 sheets), the case figures and the notes, as XLSX,
  over the last year, with suppression;
* a CSV of one breakdown (flow x language) over the whole period.

    python bench/stats.py                # about 20 seconds, most of it filling the database
    python bench/stats.py --facts 200000 # quicker
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bot.engine.clock import Clock
from bot.i18n.catalogs import Catalogs
from bot.stats import build
from bot.stats.report import Breakdown, StatsService
from db.connection import make_db_engine, make_sessionmaker
from db.migrate import upgrade
from db.models import EnquiryFact
from db.unit_of_work import UnitsOfWork

FLOWS = ["work_permit", "stay", "labour_rights", "trafficking", "remittances", "russia", "hotlines"]
LANGS = ["ru", "uz", "uz_Cyrl", "tg", "ky", "kk", "en"]
CAMPAIGNS = [None, None, "BORDER_1", "CON_ALMATY", "MARKET_3"]


def fill(path: str, facts: int, days: int, end: dt.date, rng: random.Random) -> None:
    """Plain sqlite3 executemany: the ORM would take minutes for a million rows, and only the
    export is measured here."""
    rows, cats = [], []
    for fact_id in range(1, facts + 1):
        kind = rng.choices(["started", "outcome", "handoff"], [5, 4, 1])[0]
        rows.append((fact_id, (end - dt.timedelta(days=rng.randrange(days))).isoformat(), kind, rng.choice(FLOWS),
                     f"node_{rng.randrange(8)}" if kind != "started" else None,
                     rng.choice(["normal", "urgent"]) if kind == "handoff" else None, rng.choice(LANGS),
                     rng.choice(CAMPAIGNS)))
        if kind != "started":
            cats.append((fact_id, "citizenship", rng.choice(["uz", "tj", "eaeu"])))
    with sqlite3.connect(path) as conn:
        conn.executemany("insert into enquiry_facts (id, day, kind, flow, node, urgency, lang, campaign) "
                         "values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany("insert into fact_categories (fact_id, name, value) values (?, ?, ?)", cats)


async def main(args: argparse.Namespace) -> int:
    rng = random.Random(7)
    end = dt.date(2026, 11, 26)
    with tempfile.TemporaryDirectory() as tmp:
        db_engine = make_db_engine(f"sqlite+aiosqlite:///{tmp}/stats.sqlite")
        await upgrade(db_engine)
        sessions = make_sessionmaker(db_engine)
        started = time.perf_counter()
        fill(f"{tmp}/stats.sqlite", args.facts, args.days, end, rng)
        filled = time.perf_counter() - started
        service = StatsService(UnitsOfWork(sessions), ["citizenship"], 10, Clock.for_zone("Asia/Almaty"))
        tr = Catalogs(Path(__file__).resolve().parent.parent / "content" / "locales").get("en")

        started = time.perf_counter()
        async with sessions() as session:
            total = (await session.execute(select(func.count()).select_from(EnquiryFact))).scalar_one()
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        xlsx = await build.export(service, end - dt.timedelta(days=365), end, list(build.STANDARD), "xlsx", tr)
        year_export = time.perf_counter() - started

        started = time.perf_counter()
        csv = await build.export(service, end - dt.timedelta(days=args.days), end,
                                 [Breakdown.parse("flow,language")], "csv", tr)
        all_csv = time.perf_counter() - started
        await db_engine.dispose()

    print(f"Statistics export with {total:,} facts over {args.days} days (SQLite, one process)")
    print(f"  filling the database            {filled:7.2f} s")
    print(f"  baseline: count(*) of all facts {baseline:7.3f} s")
    print(f"  XLSX, 6 breakdowns, last year   {year_export:7.3f} s  ({year_export / baseline:,.0f}x the baseline, "
          f"{len(xlsx):,} bytes)")
    print(f"  CSV, flow x language, all days  {all_csv:7.3f} s  ({all_csv / baseline:,.0f}x the baseline, "
          f"{len(csv):,} bytes)")
    print(f"  target: seconds, not minutes: {'met' if max(year_export, all_csv) < 30 else 'missed'}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=3 * 365)
    sys.exit(asyncio.run(main(parser.parse_args())))
