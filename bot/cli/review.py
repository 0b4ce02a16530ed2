"""``python -m bot review``: a review pack for a translator or a lawyer, and applying their marks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import clock_from, iso_date, settings_from


def add_parser(sub: Any) -> None:
    p = sub.add_parser("review", help="one HTML file per language for native speakers and lawyers to check")
    p.add_argument("--lang", help="the language to review (ru, uz, uz_Cyrl, tg, ky, kk)")
    p.add_argument("--out", help="the HTML file (default review-LANG.html), or the folder with --all")
    p.add_argument("--all", action="store_true", help="a pack for every language")
    p.add_argument("--apply", metavar="CSV", help="bring back a reviewer's exported marks")
    p.add_argument("--today", type=iso_date, help="the date for amounts shown as examples (default: today in TIMEZONE)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.config import PROJECT_ROOT
    from bot.engine.registry import check_flows
    from bot.i18n import tools

    if args.apply:
        return _apply(PROJECT_ROOT, Path(args.apply))
    settings = settings_from(args)
    report = check_flows(settings.flows_dir, settings.content_dir)
    if report.registry is None:
        for problem in report.errors:
            print(problem, file=sys.stderr)
        return 1
    from bot.i18n.review.pack import build_pack, render_html

    available = [lang for lang in tools.Paths(PROJECT_ROOT).languages()]
    langs = available if args.all else [args.lang] if args.lang else []
    if not langs or any(lang not in available for lang in langs):
        print(f"name a language with --lang ({', '.join(available)}) or use --all", file=sys.stderr)
        return 2
    msgids = [str(m.id if isinstance(m.id, str) else m.id[0])
              for m in tools._read(tools.Paths(PROJECT_ROOT).template) if m.id]
    today = clock_from(settings, args.today).today()
    for lang in langs:
        if args.all:
            folder = Path(args.out or "review")
            folder.mkdir(parents=True, exist_ok=True)
            out = folder / f"review-{lang}.html"
        else:
            out = Path(args.out or f"review-{lang}.html")
        pack = build_pack(report.registry, settings.locales_dir, lang, today, msgids)
        out.write_text(render_html(pack), encoding="utf-8")
        print(f"wrote {out} ({len(pack.topics)} topics, {len(pack.msgids())} entries)")
    return 0


def _apply(root: Path, csv_path: Path) -> int:
    from bot.i18n import tools
    from bot.i18n.review.apply import apply_marks

    try:
        result = apply_marks(root, csv_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{result.checked} entries marked checked; {len(result.corrected)} corrections written; "
          f"{len(result.notes)} notes")
    for lang, msgid in result.corrected:
        print(f"  corrected {lang}: {msgid[:70]!r}")
    for lang, msgid, note in result.notes:
        print(f"  note {lang}: {msgid[:60]!r}: {note}")
    for refused in result.refused:
        print(f"  not applied: {refused}", file=sys.stderr)
    problems = tools.check(root)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print("the catalogues have problems now; fix them before committing", file=sys.stderr)
    return 1 if problems or result.refused else 0
