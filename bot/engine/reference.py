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

    def value_for(self, name: str, today: dt.date) -> tuple[float, int]:
        """The value in force on ``today``: this year's, else the latest earlier year's.

        The year is returned too, so a text can say which year's figure it used when the
        table has not yet been updated for a new year.
        """
        entry = self.values[name]
        years = sorted(y for y in entry.values if y <= today.year) or sorted(entry.values)
        year = years[-1]
        return entry.values[year], year
