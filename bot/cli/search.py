"""``python -m bot search``: which topics free text finds, and how accurate search is."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import settings_from


def add_parser(sub: Any) -> None:
    p = sub.add_parser("search", help="which topics free text finds: the three best, with scores")
    p.add_argument("query", nargs="*")
    p.add_argument("--evaluate", metavar="TSV", help="accuracy over a table of queries (tests/search_queries.tsv)")
    p.add_argument("--verbose", action="store_true", help="with --evaluate: list the misses")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.conversation.runtime import build_index
    from bot.engine.registry import load_registry
    from bot.i18n.catalogs import Catalogs

    settings = settings_from(args)
    registry = load_registry(settings.flows_dir, settings.content_dir)
    index = build_index(registry, Catalogs(settings.locales_dir), settings.content_dir)
    if args.evaluate:
        from bot.engine.search_eval import evaluate, read_table

        report = evaluate(index, read_table(Path(args.evaluate)))
        print(report.summary())
        for line in report.misses if args.verbose else []:
            print(line)
        return 0
    if not args.query:
        print("give a query, e.g. python -m bot search \"патент\"", file=sys.stderr)
        return 2
    query = " ".join(args.query)
    for hit in index.search(query):
        print(f"{hit.flow}\t{hit.score:.1f}")
    if index.is_red_flag(query):
        print("red flag: the bot offers a counsellor and the help lines")
    return 0
