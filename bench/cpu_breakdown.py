"""Where the CPU of one update goes: the bare aiogram echo bot and the Jol pipeline, sampled.

Run from the project root (py-spy must be installed: ``pip install -e '.[bench]'``)::

    python bench/cpu_breakdown.py            # both bots, the quick traffic of bench/throughput.py
    python bench/cpu_breakdown.py --markdown # the same table as Markdown, for bench/README.md
    python bench/cpu_breakdown.py --tree ../old-checkout   # the same for another commit (before/after)

Each bot runs as ``bench/throughput.py --child <bot> --quick`` (the same simulated migrants, the
same fake Bot API server in the same process) under py-spy, which samples every thread of the
process, the aiosqlite thread included (cProfile sees only the event loop's thread). Samples taken
while a thread waits are left out, and so are imports and the seeding of stored conversations.

A sample is charged to the innermost frame that belongs to a known part: SQLite or SQLAlchemy code
is "database", pydantic and aiogram "aiogram", babel and our texts "rendering and texts", and so on.
Frames of the standard library that are nobody's in particular (json, asyncio internals) are
charged to their caller. The fake Bot API server and the simulated people live in the same process
and are shown on their own line, so the bot's share can be read apart from the harness's.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATE = 250  # samples a second
RESULT_MARK = "BENCH-RESULT "
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")

# (part, pattern on the frame's file path); the first pattern that matches a frame names its part.
PARTS: list[tuple[str, re.Pattern[str]]] = [
    ("fake Bot API + simulated people (harness)", re.compile(r"(^|/)fakegram/|aiohttp/web|aiohttp/http_parser")),
    ("database (SQLAlchemy, aiosqlite, SQLite, db/)", re.compile(r"sqlalchemy|aiosqlite|sqlite3|(^|/)db/|asyncpg")),
    ("search", re.compile(r"(^|/)bot/engine/(search|alarms|normalize)")),
    ("engine (flows, rules, dates)", re.compile(r"(^|/)bot/engine/")),
    ("rendering and texts (screens, Babel)", re.compile(r"(^|/)bot/telegram/render|(^|/)bot/conversation/screens|"
                                                       r"(^|/)bot/i18n/|babel/")),
    ("logging", re.compile(r"/logging/")),
    ("aiogram (dispatch, models, HTTP client)", re.compile(r"aiogram|pydantic|magic_filter|aiohttp/client|"
                                                          r"aiohttp/connector|aiohttp/")),
    ("Jol glue (middlewares, handlers, intake, outbox)", re.compile(r"(^|/)bot/")),
]
OTHER = "event loop and other"
SKIP = ("_find_and_load", " seed (")  # imports and seeding are not the cost of an update
IDLE = ("select (selectors.py", "_worker (concurrent/futures/thread.py", "wait (threading.py")


def _aiosqlite_waiting() -> str:
    """The frame of aiosqlite's thread while it waits for the next statement (a blocking get)."""
    try:
        import aiosqlite.core
    except ImportError:
        return "\0"
    source = Path(aiosqlite.core.__file__).read_text().splitlines()
    line = next((i for i, text in enumerate(source, 1) if "tx.get()" in text), 0)
    return f"_connection_worker_thread (aiosqlite/core.py:{line})"


def part_of(stack: list[str], waiting: str = "\0") -> str | None:
    """The part a sample is charged to (None: left out), from its frames, outermost first."""
    if any(marker in frame for frame in stack for marker in SKIP) or any(m in stack[-1] for m in IDLE) \
            or stack[-1].endswith(waiting):
        return None
    harness = False
    for frame in reversed(stack):
        match = FRAME.match(frame)
        path = match.group("file") if match else frame
        if re.search(r"(^|/)bench/", path):  # the harness's own loop: whoever it calls is charged instead
            harness = True
            continue
        for part, pattern in PARTS:
            if pattern.search(path):
                return part
    return PARTS[0][0] if harness else OTHER


def sample(kind: str, workdir: Path, tree: Path) -> tuple[Counter[str], dict[str, object]]:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    out = workdir / f"{kind}.txt"
    command = [spy, "record", "--rate", str(RATE), "--format", "raw", "--threads", "--output", str(out),
               "--", sys.executable, str(tree / "bench" / "throughput.py"), "--child", kind, "--quick"]
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, timeout=600)
    result: dict[str, object] = {}
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK):])
    if not result or not out.exists():
        raise SystemExit(f"the {kind} run failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    parts: Counter[str] = Counter()
    waiting = _aiosqlite_waiting()
    for line in out.read_text().splitlines():
        stack_text, _, count = line.rpartition(" ")
        part = part_of(stack_text.split(";"), waiting)
        if part is not None and count.isdigit():
            parts[part] += int(count)
    return parts, result


def handled(result: dict[str, object]) -> int:
    total = 0
    for phase in ("closed", "crowd"):
        value = result.get(phase)
        if isinstance(value, dict):
            total += int(value.get("updates", 0))
    latency = result.get("latency")
    if isinstance(latency, dict):
        total += int(latency.get("offered", 0)) - int(latency.get("unanswered", 0))
    return total


def table(rows: dict[str, tuple[Counter[str], int]], markdown: bool) -> list[str]:
    kinds = list(rows)
    names = [p for p, _ in PARTS] + [OTHER]
    header = ["part", *[f"{k} ms/update" for k in kinds], *[f"{k} %" for k in kinds]]
    lines = []
    data = []
    for name in names:
        cells = [name]
        cells += [f"{1000 * rows[k][0][name] / RATE / max(1, rows[k][1]):.2f}" for k in kinds]
        cells += [f"{100 * rows[k][0][name] / max(1, sum(rows[k][0].values())):.0f}" for k in kinds]
        data.append(cells)
    totals = ["total", *[f"{1000 * sum(rows[k][0].values()) / RATE / max(1, rows[k][1]):.2f}" for k in kinds],
              *["100" for _ in kinds]]
    data.append(totals)
    if markdown:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        lines += ["| " + " | ".join(cells) + " |" for cells in data]
    else:
        width = max(len(c[0]) for c in data + [header])
        lines.append(header[0].ljust(width) + "".join(h.rjust(18) for h in header[1:]))
        lines += [cells[0].ljust(width) + "".join(c.rjust(18) for c in cells[1:]) for cells in data]
    for kind in kinds:
        lines.append(f"{kind}: {rows[kind][1]} updates handled, {sum(rows[kind][0].values())} busy samples "
                     f"at {RATE}/s")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--only", choices=("echo", "pipeline"), help="sample one bot")
    parser.add_argument("--keep", metavar="DIR", help="keep py-spy's raw samples in DIR")
    parser.add_argument("--tree", metavar="DIR", type=Path, default=ROOT,
                        help="run the bots of another checkout (an older commit, for a before/after table)")
    args = parser.parse_args(argv)
    rows: dict[str, tuple[Counter[str], int]] = {}
    with tempfile.TemporaryDirectory(prefix="jol-cpu-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for kind in [args.only] if args.only else ["echo", "pipeline"]:
            print(f"sampling the {kind} bot ...", file=sys.stderr, flush=True)
            parts, result = sample(kind, folder, args.tree.resolve())
            rows[kind] = (parts, handled(result))
    print("\n".join(table(rows, args.markdown)))


if __name__ == "__main__":
    main()
