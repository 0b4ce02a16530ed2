"""``python -m bot stats``: anonymous statistics: exports, a chart, a summary."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import clock_from, iso_date, settings_from
from bot.privacy.sealing import sealer_for
from bot.stats.report import WHAT


def add_parser(sub: Any) -> None:
    p = sub.add_parser("stats", help="anonymous statistics: export (CSV/XLSX), chart (PNG) or a summary")
    p.add_argument("action", choices=["export", "chart", "summary"])
    p.add_argument("--from", dest="from_", type=iso_date, help="first day (default: 12 weeks before --to)")
    p.add_argument("--to", type=iso_date, help="last day (default: today)")
    p.add_argument("--by", action="append", help="a breakdown such as flow,language (repeat for several sheets); "
                   "dimensions: flow, node, language, campaign, urgency, deadline, day, week, month, answer categories")
    p.add_argument("--what", default="enquiries", choices=sorted(WHAT))
    p.add_argument("--format", default="xlsx", choices=["csv", "xlsx"])
    p.add_argument("--out", default="stats.xlsx", help="file to write (export, chart)")
    p.add_argument("--k", type=int, help="smallest count shown (default STATS_MIN_CELL, 10; at least 5)")
    p.add_argument("--lang", help="language of column names and notes (default STATS_LANGUAGE)")
    p.add_argument("--database-url")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.engine.registry import load_registry
    from bot.i18n.catalogs import Catalogs
    from bot.stats import build
    from bot.stats.report import Breakdown, StatsService
    from db.connection import make_db_engine
    from db.migrate import upgrade
    from db.unit_of_work import UnitsOfWork

    settings = settings_from(args)
    registry = load_registry(settings.flows_dir, settings.content_dir)
    tr = Catalogs(settings.locales_dir).get(args.lang or settings.stats_language)
    clock = clock_from(settings)
    last = args.to or clock.today()
    first = args.from_ or last - dt.timedelta(weeks=12)
    if not build.reportable(first, last):  # the same limits as /stats and /export in Telegram
        print(f"--from {first} --to {last} cannot be reported: expected the first day not after the last, at most "
              f"{build.LONGEST_PERIOD_YEARS} years apart, in the years 2000-2999", file=sys.stderr)
        return 2
    categories = sorted({name for flow in registry.flows.values() for name in flow.stats})

    async def main() -> int:
        db_engine = make_db_engine(settings.database_url)
        try:
            await upgrade(db_engine, chat_sealer=sealer_for(
                settings.chat_key.get_secret_value() if settings.chat_key else None, settings.data_dir))
            service = StatsService(UnitsOfWork.over(db_engine), categories, args.k or settings.stats_min_cell, clock)
            if args.action == "export":
                breakdowns = [Breakdown.parse(b, args.what) for b in args.by] if args.by else list(build.STANDARD)
                data = await build.export(service, first, last, breakdowns, args.format, tr)
                Path(args.out).write_bytes(data)
                print(f"wrote {args.out} ({len(data)} bytes; {', '.join(b.name for b in breakdowns)})")
            elif args.action == "chart":
                Path(args.out).write_bytes(await build.chart(service, registry, first, last, tr))
                print(f"wrote {args.out}")
            else:
                print(await build.summary(service, first, last, (last - first).days // 7, tr,
                                          registry.reference.gap(clock.today())))
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        finally:
            await db_engine.dispose()
        return 0

    return asyncio.run(main())
