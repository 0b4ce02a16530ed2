"""``python -m bot console``: chat with the bot in a terminal, no Telegram needed."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.cli.common import clock_from, iso_date, settings_from


def add_parser(sub: Any) -> None:
    p = sub.add_parser("console", help="chat with the bot in the terminal (no Telegram needed)")
    p.add_argument("--lang", help="ru, uz, uz_Cyrl, tg, ky, kk or en (without it, the demo asks, as Telegram does)")
    p.add_argument("--today", type=iso_date, help="pretend today is this date (YYYY-MM-DD; default: today in TIMEZONE)")
    p.add_argument("--database-url", help="SQLAlchemy URL (default: DATABASE_URL or data/jol.sqlite)")
    p.add_argument("--flows", help="folder of flow files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.cli.settings_check import preflight
    from bot.conversation.console import run_console
    from bot.conversation.runtime import open_runtime
    from bot.engine.problems import FlowError
    from bot.i18n.languages import LANGUAGES

    settings = settings_from(args)
    preflight(settings, services=False)
    lang = args.lang or settings.default_language
    if lang not in LANGUAGES:
        print(f"unknown language '{lang}'; choose one of: {', '.join(LANGUAGES)}", file=sys.stderr)
        return 2
    clock = clock_from(settings, args.today)

    async def main() -> int:
        try:
            runtime = await open_runtime(settings, clock)
        except FlowError as exc:
            print(f"the flows have problems; run 'python -m bot check':\n{exc}", file=sys.stderr)
            return 1
        return await run_console(runtime, lang, ask_language=args.lang is None)

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        return 130
