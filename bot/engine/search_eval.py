"""Measuring search: top-1 and top-3 accuracy over a table of real-looking queries."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine.search import FlowIndex


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    expected: str


@dataclass
class Report:
    total: int = 0
    top1: int = 0
    top3: int = 0
    by_lang: dict[str, list[int]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{self.total} queries: top-1 {self.top1 / self.total:.1%}, top-3 {self.top3 / self.total:.1%}"]
        for lang, (n, one, three) in sorted(self.by_lang.items()):
            lines.append(f"  {lang:8} {n:4} queries  top-1 {one / n:.0%}  top-3 {three / n:.0%}")
        return "\n".join(lines)


def read_table(path: Path) -> list[Query]:
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        return [Query(r["query"], r["lang"], r["expected"]) for r in rows]


def evaluate(index: FlowIndex, queries: list[Query]) -> Report:
    report = Report()
    for q in queries:
        hits = [h.flow for h in index.search(q.text)]
        one, three = hits[:1] == [q.expected], q.expected in hits
        report.total += 1
        report.top1 += one
        report.top3 += three
        stats = report.by_lang.setdefault(q.lang, [0, 0, 0])
        stats[0] += 1
        stats[1] += one
        stats[2] += three
        if not one:
            report.misses.append(f"{q.lang}\t{q.text!r}\texpected {q.expected}, got {hits}")
    return report
