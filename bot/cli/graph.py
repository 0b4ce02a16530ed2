"""``python -m bot graph``: draw a flow as a Mermaid diagram."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import settings_from


def add_parser(sub: Any) -> None:
    p = sub.add_parser("graph", help="print a flow as a Mermaid diagram")
    p.add_argument("flow", nargs="?")
    p.add_argument("--all", action="store_true", help="write one diagram per flow under docs/flows/")
    p.add_argument("--out", help="folder for --all")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.engine.graph import mermaid
    from bot.engine.registry import check_flows

    settings = settings_from(args)
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
