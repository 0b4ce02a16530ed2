"""``python -m bot i18n``: translation catalogues: extract, update, compile, check, cyrillic."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("i18n", help="translation catalogues: extract, update, compile, check, cyrillic")
    p.add_argument("action", choices=["extract", "update", "compile", "check", "cyrillic", "all"],
                   help="cyrillic: write uz_Cyrl as the transliteration of uz")
    p.add_argument("--add", nargs="*", help="with update: start catalogues for these languages")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.config import PROJECT_ROOT
    from bot.i18n import tools

    root = PROJECT_ROOT
    if args.action in ("extract", "all"):
        print(f"wrote {tools.extract(root).relative_to(root)}")
    if args.action in ("update", "all"):
        for po in tools.update(root, args.add or []):
            print(f"updated {po.relative_to(root)}")
    if args.action in ("cyrillic", "all"):
        po, changed = tools.generate_cyrillic(root)
        print(f"wrote {po.relative_to(root)} from Uzbek Latin ({changed} entries changed)")
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
