"""``python -m bot run``: run the bot on Telegram, by long polling or webhook."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.cli.common import settings_from


def add_parser(sub: Any) -> None:
    p = sub.add_parser("run", help="run the bot on Telegram (needs BOT_TOKEN)")
    p.add_argument("--webhook", action="store_true", help="receive updates by webhook (WEBHOOK_URL, WEBHOOK_SECRET)")
    p.add_argument("--role", default="all", choices=("all", "poller", "worker", "webhook"),
                   help="with PostgreSQL, split the work over processes: one poller feeding N workers, or N "
                        "webhook replicas behind a load balancer (deploy/README.md); default all, in one process")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    if not token:
        print("BOT_TOKEN is not set. Create a bot with @BotFather in Telegram, then put its token in .env "
              "(see .env.example) or the environment.\nTo try the bot without Telegram, run 'make demo'.",
              file=sys.stderr)
        return 2
    from bot.cli.settings_check import preflight
    from bot.logs import setup_logging

    preflight(settings, webhook=args.webhook)
    setup_logging(settings.log_level, token, json_format=settings.log_format == "json")
    from bot.engine.problems import FlowError
    from bot.telegram.app import MissingToken
    from bot.telegram.intake.webhook import WebhookConfigError
    from bot.telegram.run import StartRefused, run_bot

    try:
        return asyncio.run(run_bot(settings, webhook=args.webhook, role=args.role))
    except StartRefused as exc:  # Telegram refused the token or the address: one line, like a wrong setting
        print(exc, file=sys.stderr)
        return 2
    except MissingToken as exc:
        print(exc, file=sys.stderr)
        return 2
    except (WebhookConfigError, FlowError, RuntimeError, OSError) as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
