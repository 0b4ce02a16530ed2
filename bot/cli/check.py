"""``python -m bot check``: validate the flow files and report every problem with file, line and node."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import clock_from, iso_date, settings_from


def add_parser(sub: Any) -> None:
    p = sub.add_parser("check", help="validate the flow files; every problem with file:line and node")
    p.add_argument("path", nargs="?", help="folder of flow files (default: flows/)")
    p.add_argument("--today", type=iso_date, help="date for the dated rules, next year's official values and the "
                   "verified_on age check (default: today in TIMEZONE)")
    p.add_argument("--stale-days", type=int, help="warn about outcomes checked longer ago than this")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.engine.registry import check_flows
    from bot.engine.schema import HandoffNode, OutcomeNode

    settings = settings_from(args)
    flows_dir = Path(args.path) if args.path else settings.flows_dir
    today = clock_from(settings, args.today).today()
    report = check_flows(flows_dir, settings.content_dir, today=today,
                         stale_after_days=args.stale_days or settings.stale_after_days)
    for problem in report.problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
    if report.registry is None:
        print(f"{len(report.errors)} problem(s) in {flows_dir}", file=sys.stderr)
        return 1
    flows = report.registry.flows.values()
    nodes = [n for f in flows for n in f.nodes]
    outcomes = sum(isinstance(n, OutcomeNode) for n in nodes)
    handoffs = sum(isinstance(n, HandoffNode) for n in nodes)
    print(f"ok: {len(report.registry.flows)} flows, {len(nodes)} nodes, {outcomes} outcomes, {handoffs} handoffs"
          + (f", {len(report.warnings)} warning(s)" if report.warnings else ""))
    return 0
