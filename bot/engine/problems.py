"""Problems found in flow files, each pinned to a file, a line and a node."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    node: str
    message: str
    severity: Literal["error", "warning"] = "error"
    subject: str | None = None  # what the problem is about when it is not a node ("official values")

    def __str__(self) -> str:
        where = self.subject or (f"node '{self.node}'" if self.node else "flow")
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.line}: {where}: {tag}{self.message}"


class FlowError(Exception):
    """Raised when flows cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
