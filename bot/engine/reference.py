"""Official values by year (MRP, minimum wage), read from ``content/reference.yaml``.

Amounts in answers are always computed from this table, so a new year's value is one line in
one file instead of an edit to every sentence that mentions it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict


class OfficialValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    unit: str
    values: dict[int, float]
    sources: list[str]


class ReferenceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    values: dict[str, OfficialValue]


NEXT_YEAR_WARNING_FROM = (12, 1)  # (month, day): from 1 December, next year's missing values are flagged


@dataclass(frozen=True)
class ReferenceGap:
    """Official values missing for ``year``: next year's (from 1 December) or this year's."""

    year: int
    names: tuple[str, ...]  # the keys in reference.yaml (mrp, min_wage)
    latest: int  # the year whose values amounts use meanwhile
    upcoming: bool  # the year has not begun yet (a warning from 1 December)


@dataclass
class ReferenceTable:
    values: dict[str, OfficialValue] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> ReferenceTable:
        if not path.exists():
            return cls()
        data = ReferenceFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        return cls(dict(data.values))

    def names(self) -> set[str]:
        return set(self.values)

    def unit(self, name: str) -> str:
        return self.values[name].unit

    def gap(self, today: dt.date) -> ReferenceGap | None:
        """What is missing: this year's values, or from 1 December next year's; None when complete."""
        for year in (today.year, today.year + 1):
            if year > today.year and (today.month, today.day) < NEXT_YEAR_WARNING_FROM:
                continue
            missing = tuple(sorted(n for n, v in self.values.items() if year not in v.values))
            if missing:
                latest = max((y for n in missing for y in self.values[n].values if y < year), default=year - 1)
                return ReferenceGap(year, missing, latest, upcoming=year > today.year)
        return None

    def value_for(self, name: str, today: dt.date) -> tuple[float, int]:
        """The value in force on ``today``: this year's, else the latest earlier year's.

        The year is returned too, so a text can say which year's figure it used when the
        table has not yet been updated for a new year.
        """
        entry = self.values[name]
        years = sorted(y for y in entry.values if y <= today.year) or sorted(entry.values)
        year = years[-1]
        return entry.values[year], year
