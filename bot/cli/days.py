"""``python -m bot days``: count days of stay (90 in any 180) from a visit history, as /days does.

Bad input gets one line on stderr and exit code 2, so scripts can tell it from a result.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NoReturn

from bot.cli.common import clock_from, settings_from

USAGE_CITIZENSHIPS = "uz|tj|kg|ru|by|am|other"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("days", help="days of stay in Kazakhstan (90 in any 180) from a visit history")
    p.add_argument("--citizenship", help=USAGE_CITIZENSHIPS)
    p.add_argument("--visit", action="append", default=[], metavar="DD.MM.YYYY-DD.MM.YYYY",
                   help="an earlier visit, entry and exit day both counted (repeat for several)")
    p.add_argument("--entry", metavar="DD.MM.YYYY", help="the current entry (the person is still here)")
    p.add_argument("--today", metavar="DD.MM.YYYY", help="the day to count for (default: today in TIMEZONE)")
    p.add_argument("--json", action="store_true", help="print days_used, last_day, days_over, "
                   "last_day_without_registration as JSON")

    def one_line_error(message: str) -> NoReturn:  # argparse prints the whole usage otherwise
        _fail(message)

    p.error = one_line_error
    p.set_defaults(func=run, fail=_fail)


def _fail(message: str) -> NoReturn:
    print(f"days: {message}", file=sys.stderr)
    raise SystemExit(2)


def run(args: argparse.Namespace) -> int:
    from bot.counselling.days import DaysInputError, describe, read_citizenship, read_date, read_visit
    from bot.engine.stay_calc import StayInputError, calculate
    from bot.i18n.catalogs import Catalogs

    if not args.citizenship or not args.entry:
        _fail(f"give --citizenship {USAGE_CITIZENSHIPS} and --entry DD.MM.YYYY")
    settings = settings_from(args)
    try:
        citizenship = read_citizenship(args.citizenship)
        entry = read_date(args.entry, "--entry")
        visits = [read_visit(v) for v in args.visit]
        today = read_date(args.today, "--today") if args.today else clock_from(settings).today()
        result = calculate(citizenship, visits, entry, today)
    except (DaysInputError, StayInputError) as exc:
        _fail(str(exc))
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(describe(result, citizenship, entry, visits, today, Catalogs(settings.locales_dir).get("en")))
    return 0
