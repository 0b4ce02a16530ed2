"""What a migrant can send the engine, and parsing of typed answers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal, Union

NavAction = Literal["back", "menu", "restart", "counsellor", "counsellor_urgent", "repeat"]


@dataclass(frozen=True)
class Choose:
    """A button press: option ``index`` (0-based) of the current question, from ``step``."""

    index: int
    step: int | None = None


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Nav:
    action: NavAction
    step: int | None = None


@dataclass(frozen=True)
class Jump:
    """Open another topic (a search suggestion), from the message shown at ``step``."""

    flow: str
    step: int | None = None


UserInput = Union[Choose, Text, Nav, Jump]

_DMY = re.compile(r"^\s*(\d{1,2})[./\-\s](\d{1,2})[./\-\s](\d{2}|\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str) -> dt.date | None:
    """Day first, as written in the region: 25.11.2026, 25/11/26, 25-11-2026, or ISO 2026-11-25."""
    m = _ISO.match(text)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _DMY.match(text)
        if m:
            year = int(m[3])
            if year < 100:
                year += 2000
            return dt.date(year, int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def parse_number(text: str) -> float | None:
    """'1 200', '1200,5' or '1200.5'; spaces (also narrow no-break) group thousands."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return None
    return float(cleaned)


def parse_date_range(text: str) -> tuple[dt.date, dt.date] | None:
    """Two dates, first and last: '01.06.2026-15.07.2026', '1.6.26 – 15.7.26', '01.06.2026 15.07.2026'."""
    cleaned = text.strip()
    for m in re.finditer(r"\s*(?:–|—|\.\.|-|\s+)\s*", cleaned):
        first, last = parse_date(cleaned[:m.start()]), parse_date(cleaned[m.end():])
        if first is not None and last is not None:
            return first, last
    return None
