"""One command line for everything: ``python -m bot COMMAND``.

Each command lives in its own module here, with ``add_parser`` and ``run``. A command imports what
it needs inside ``run``, so the ones that never talk to Telegram (check, console, graph, i18n) start
without paying for aiogram.
"""

from __future__ import annotations

import argparse
import sys

from bot.cli import backup, check, console, days, graph, i18n, inbox, migrate, purge, review, run, search, stats

COMMANDS = (run, check, console, days, graph, stats, search, i18n, review, purge, migrate, inbox, backup)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Jol, a counselling bot for labour migrants.")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from bot.cli.settings_check import SettingsProblem

    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # a command may say it in its own words (``days`` prints one line)
        getattr(args, "fail", parser.error)(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(args.func(args))
    except SettingsProblem as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 2
