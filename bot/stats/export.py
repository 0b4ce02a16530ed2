"""Writing statistics tables as CSV or XLSX (a sheet per breakdown and notes).

A CSV of one breakdown is the table as it reads (a column per dimension, then the count). A CSV
of several is one tidy long table, one row per count: ``breakdown``, a column for every dimension
used by any breakdown (empty where that breakdown does not use it), ``measure`` and ``count``.
Such a file loads as it is into Excel, pandas or R. A hidden count is an empty ``count`` cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.stats.report import Breakdown, CaseRow
from bot.stats.suppression import ALL, Table

COLUMNS = {"flow": texts.COL_FLOW, "node": texts.COL_NODE, "language": texts.COL_LANGUAGE,
           "campaign": texts.COL_CAMPAIGN, "urgency": texts.COL_URGENCY, "asker": texts.COL_ASKER,
           "day": texts.COL_DAY, "week": texts.COL_WEEK, "month": texts.COL_MONTH, "deadline": texts.COL_DEADLINE}
MEASURES = {"enquiries": texts.COL_ENQUIRIES, "outcomes": texts.COL_OUTCOMES, "handoffs": texts.COL_HANDOFFS,
            "reminders_set": texts.COL_REMINDERS_SET, "reminders_sent": texts.COL_REMINDERS_SENT}


@dataclass(frozen=True)
class Notes:
    first: dt.date
    last: dt.date
    k: int
    generated: dt.datetime
    uncounted: int


def header(breakdown: Breakdown, tr: Translator) -> list[str]:
    dims = [tr(COLUMNS[d]) if d in COLUMNS else d.replace("_", " ").capitalize() for d in breakdown.by]
    return [*dims, tr(MEASURES[breakdown.what])]


def rows(table: Table, k: int, tr: Translator) -> list[list[object]]:
    """Cells first, then totals; a hidden count is shown as "<k"."""
    def show(value: int | None) -> object:
        return f"<{k}" if value is None else value

    def label(part: object) -> object:
        return tr(texts.ALL_VALUES) if part == ALL else part

    out: list[list[object]] = [[*key, show(n)] for key, n in sorted(table.cells.items(), key=lambda kv: repr(kv[0]))]
    out += [[*(label(p) for p in key), show(n)] for key, n in sorted(table.totals.items(), key=lambda kv: repr(kv[0]))]
    return out


def csv_bytes(breakdown: Breakdown, table: Table, k: int, tr: Translator) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header(breakdown, tr))
    writer.writerows(rows(table, k, tr))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel open Cyrillic text correctly


LONG_FIXED = ("breakdown", "measure", "count")


def long_csv_bytes(tables: Sequence[tuple[Breakdown, Table]], tr: Translator) -> bytes:
    """Every breakdown in one long table (see the module's docstring); same suppression as the XLSX."""
    dims: list[str] = []
    for breakdown, _ in tables:
        dims += [d for d in breakdown.by if d not in dims]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["breakdown", *dims, "measure", "count"])
    every = tr(texts.ALL_VALUES)
    for breakdown, table in tables:
        ordered = [*sorted(table.cells.items(), key=lambda kv: repr(kv[0])),
                   *sorted(table.totals.items(), key=lambda kv: repr(kv[0]))]
        for key, n in ordered:
            values = dict(zip(breakdown.by, key, strict=True))
            cells = [every if values.get(d) == ALL else values.get(d, "") for d in dims]
            writer.writerow([breakdown.name, *cells, breakdown.what, "" if n is None else n])
    return buffer.getvalue().encode("utf-8-sig")


def note_lines(notes: Notes, tr: Translator) -> list[str]:
    return [
        tr(texts.NOTE_PERIOD).format(first=notes.first.isoformat(), last=notes.last.isoformat()),
        tr(texts.NOTE_GENERATED).format(moment=notes.generated.strftime("%Y-%m-%d %H:%M UTC")),
        tr(texts.NOTE_K).format(k=notes.k),
        tr(texts.NOTE_UNCOUNTED).format(count=notes.uncounted if notes.uncounted >= notes.k else f"<{notes.k}"),
        tr(texts.NOTE_RECORDED),
    ]


def xlsx_bytes(tables: Sequence[tuple[Breakdown, Table]], cases: Sequence[CaseRow], notes: Notes,
               tr: Translator) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = tr(texts.NOTES_TITLE)[:31]
    for line in note_lines(notes, tr):
        sheet.append([line])
    sheet.column_dimensions["A"].width = 120
    used = {sheet.title}
    for breakdown, table in tables:
        title = _unique(breakdown.name[:31], used)
        page = book.create_sheet(title)
        page.append(header(breakdown, tr))
        for row in rows(table, notes.k, tr):
            page.append(row)
        _style(page, Font(bold=True))
    page = book.create_sheet(_unique(tr(texts.COL_CASES)[:31], used))
    page.append([tr(texts.COL_CATEGORY), tr(texts.COL_CASES), tr(texts.COL_FIRST_RESPONSE), tr(texts.COL_RESOLUTION)])
    for case in cases:
        hidden = f"<{notes.k}"
        page.append([case.category, hidden if case.cases is None else case.cases,
                     "" if case.first_response_minutes is None else case.first_response_minutes,
                     "" if case.resolution_hours is None else case.resolution_hours])
    _style(page, Font(bold=True))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _unique(title: str, used: set[str]) -> str:
    candidate, n = title, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def _style(page: object, bold: object) -> None:
    for cell in page[1]:  # type: ignore[index]
        cell.font = bold
    for column in page.columns:  # type: ignore[attr-defined]
        width = max(len(str(c.value or "")) for c in column)
        page.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)  # type: ignore[attr-defined]
