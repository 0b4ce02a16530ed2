"""One command line for everything: ``python -m bot COMMAND``.

Each command imports only what it needs, so the ones that never talk to Telegram (check,
console, graph, i18n) start without paying for aiogram.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


def _settings(args: argparse.Namespace) -> Any:
    from bot.config import Settings

    overrides: dict[str, Any] = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    if getattr(args, "flows", None):
        overrides["flows_dir"] = Path(args.flows)
    return Settings(**overrides)


def cmd_check(args: argparse.Namespace) -> int:
    from bot.engine.registry import check_flows
    from bot.engine.schema import HandoffNode, OutcomeNode

    settings = _settings(args)
    flows_dir = Path(args.path) if args.path else settings.flows_dir
    today = args.today or dt.date.today()
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


def cmd_console(args: argparse.Namespace) -> int:
    from bot.console import run_console
    from bot.core import open_core
    from bot.engine.problems import FlowError
    from bot.i18n.languages import LANGUAGES

    settings = _settings(args)
    lang = args.lang or settings.default_language
    if lang not in LANGUAGES:
        print(f"unknown language '{lang}'; choose one of: {', '.join(LANGUAGES)}", file=sys.stderr)
        return 2
    clock = (lambda: args.today) if args.today else None

    async def main() -> int:
        try:
            core = await open_core(settings, clock) if clock else await open_core(settings)
        except FlowError as exc:
            print(f"the flows have problems; run 'python -m bot check':\n{exc}", file=sys.stderr)
            return 1
        return await run_console(core, lang)

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        return 130


def cmd_graph(args: argparse.Namespace) -> int:
    from bot.engine.graph import mermaid
    from bot.engine.registry import check_flows

    settings = _settings(args)
    report = check_flows(settings.flows_dir, settings.content_dir)
    if report.registry is None:
        for p in report.errors:
            print(p, file=sys.stderr)
        return 1
    flows = report.registry.flows
    if args.all:
        out = Path(args.out or "docs/flows")
        out.mkdir(parents=True, exist_ok=True)
        for flow_id, flow in sorted(flows.items()):
            (out / f"{flow_id}.md").write_text(f"# Flow `{flow_id}`: {flow.title}\n\n```mermaid\n{mermaid(flow)}```\n",
                                               encoding="utf-8")
        print(f"wrote {len(flows)} diagrams to {out}/")
        return 0
    if not args.flow or args.flow not in flows:
        print(f"name a flow: {', '.join(sorted(flows))} (or --all)", file=sys.stderr)
        return 2
    sys.stdout.write(mermaid(flows[args.flow]))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from bot.engine.registry import load_registry
    from bot.i18n.catalogs import Catalogs
    from bot.stats import build
    from bot.stats.report import Breakdown, StatsService
    from db.engine import make_engine, make_sessionmaker
    from db.migrate import upgrade

    settings = _settings(args)
    registry = load_registry(settings.flows_dir, settings.content_dir)
    tr = Catalogs(settings.locales_dir).get(args.lang or settings.stats_language)
    last = args.to or dt.date.today()
    first = args.from_ or last - dt.timedelta(weeks=12)
    categories = sorted({name for flow in registry.flows.values() for name in flow.stats})

    async def main() -> int:
        engine = make_engine(settings.database_url)
        try:
            await upgrade(engine)
            service = StatsService(make_sessionmaker(engine), categories, args.k or settings.stats_min_cell)
            if args.action == "export":
                breakdowns = [Breakdown.parse(b, args.what) for b in args.by] if args.by else list(build.STANDARD)
                data = await build.export(service, first, last, breakdowns, args.format, tr)
                Path(args.out).write_bytes(data)
                print(f"wrote {args.out} ({len(data)} bytes; {', '.join(b.name for b in breakdowns)})")
            elif args.action == "chart":
                Path(args.out).write_bytes(await build.chart(service, registry, first, last, tr))
                print(f"wrote {args.out}")
            else:
                print(await build.summary(service, first, last, (last - first).days // 7, tr))
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        finally:
            await engine.dispose()
        return 0

    return asyncio.run(main())


def cmd_search(args: argparse.Namespace) -> int:
    from bot.core import build_index
    from bot.engine.registry import load_registry
    from bot.i18n.catalogs import Catalogs

    settings = _settings(args)
    registry = load_registry(settings.flows_dir, settings.content_dir)
    index = build_index(registry, Catalogs(settings.locales_dir), settings.content_dir)
    if args.evaluate:
        from bot.search_eval import evaluate, read_table

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


def cmd_i18n(args: argparse.Namespace) -> int:
    from bot.config import PROJECT_ROOT
    from bot.i18n import tools

    root = PROJECT_ROOT
    if args.action in ("extract", "all"):
        print(f"wrote {tools.extract(root).relative_to(root)}")
    if args.action in ("update", "all"):
        for po in tools.update(root, args.add or []):
            print(f"updated {po.relative_to(root)}")
    if args.action in ("compile", "all"):
        for mo in tools.compile_all(root):
            print(f"compiled {mo.relative_to(root)}")
    if args.action == "check":
        problems = tools.check(root)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            return 1
        print("ok: catalogues complete and up to date")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    if not token:
        print("BOT_TOKEN is not set. Create a bot with @BotFather in Telegram, then put its token in .env "
              "(see .env.example) or the environment.\nTo try the bot without Telegram, run 'make demo'.",
              file=sys.stderr)
        return 2
    from bot.logs import setup_logging

    setup_logging(settings.log_level, token)
    from bot.app import MissingToken
    from bot.engine.problems import FlowError
    from bot.serve import run_bot
    from bot.webhook import WebhookConfigError

    try:
        return asyncio.run(run_bot(settings, webhook=args.webhook))
    except MissingToken as exc:
        print(exc, file=sys.stderr)
        return 2
    except (WebhookConfigError, FlowError, RuntimeError) as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2


def cmd_purge(args: argparse.Namespace) -> int:
    from bot.retention import purge
    from db.engine import make_engine, make_sessionmaker
    from db.migrate import upgrade
    from db.models import utcnow

    settings = _settings(args)

    async def main() -> None:
        engine = make_engine(settings.database_url)
        try:
            await upgrade(engine)
            result = await purge(make_sessionmaker(engine), settings.conversation_retention_days, utcnow())
        finally:
            await engine.dispose()
        print(f"deleted {result.conversations} conversations idle for over {settings.conversation_retention_days} "
              f"days, {result.fsm} old states and {result.updates} handled updates")

    asyncio.run(main())
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from db.engine import make_engine
    from db.migrate import upgrade

    settings = _settings(args)

    async def main() -> None:
        engine = make_engine(settings.database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(main())
    print("database is up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Jol, a counselling bot for labour migrants.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run the bot on Telegram (needs BOT_TOKEN)")
    p.add_argument("--webhook", action="store_true", help="receive updates by webhook (WEBHOOK_URL, WEBHOOK_SECRET)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("check", help="validate the flow files; every problem with file:line and node")
    p.add_argument("path", nargs="?", help="folder of flow files (default: flows/)")
    p.add_argument("--today", type=_date, help="date for the verified_on age check (default: today)")
    p.add_argument("--stale-days", type=int, help="warn about outcomes checked longer ago than this")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("console", help="chat with the bot in the terminal (no Telegram needed)")
    p.add_argument("--lang", help="ru, uz, uz_Cyrl, tg, ky, kk or en")
    p.add_argument("--today", type=_date, help="pretend today is this date (YYYY-MM-DD)")
    p.add_argument("--database-url", help="SQLAlchemy URL (default: DATABASE_URL or data/jol.sqlite)")
    p.add_argument("--flows", help="folder of flow files")
    p.set_defaults(func=cmd_console)

    p = sub.add_parser("graph", help="print a flow as a Mermaid diagram")
    p.add_argument("flow", nargs="?")
    p.add_argument("--all", action="store_true", help="write one diagram per flow under docs/flows/")
    p.add_argument("--out", help="folder for --all")
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser("stats", help="anonymous statistics: export (CSV/XLSX), chart (PNG) or a summary")
    p.add_argument("action", choices=["export", "chart", "summary"])
    p.add_argument("--from", dest="from_", type=_date, help="first day (default: 12 weeks before --to)")
    p.add_argument("--to", type=_date, help="last day (default: today)")
    p.add_argument("--by", action="append", help="a breakdown such as flow,language (repeat for several sheets); "
                   "dimensions: flow, node, language, campaign, urgency, day, week, month and answer categories")
    p.add_argument("--what", default="enquiries", choices=["enquiries", "outcomes", "handoffs"])
    p.add_argument("--format", default="xlsx", choices=["csv", "xlsx"])
    p.add_argument("--out", default="stats.xlsx", help="file to write (export, chart)")
    p.add_argument("--k", type=int, help="smallest count shown (default STATS_MIN_CELL, 10; at least 5)")
    p.add_argument("--lang", help="language of column names and notes (default STATS_LANGUAGE)")
    p.add_argument("--database-url")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("search", help="which topics free text finds: the three best, with scores")
    p.add_argument("query", nargs="*")
    p.add_argument("--evaluate", metavar="TSV", help="accuracy over a table of queries (tests/search_queries.tsv)")
    p.add_argument("--verbose", action="store_true", help="with --evaluate: list the misses")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("i18n", help="translation catalogues: extract, update, compile, check")
    p.add_argument("action", choices=["extract", "update", "compile", "check", "all"])
    p.add_argument("--add", nargs="*", help="with update: start catalogues for these languages")
    p.set_defaults(func=cmd_i18n)

    p = sub.add_parser("purge", help="delete data past its retention period (the bot also does this daily)")
    p.add_argument("--database-url")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.add_argument("--database-url")
    p.set_defaults(func=cmd_migrate)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
