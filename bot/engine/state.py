"""Conversation state: small, JSON-serialisable and versioned.

It holds where the migrant is, what they answered (closed codes and ISO dates only) and the
steps they can go back to. It survives restarts and moves between SQLite and Redis as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

STATE_VERSION = 1
HISTORY_LIMIT = 40
Answers = dict[str, Any]


@dataclass(frozen=True)
class Step:
    flow: str
    node: str
    answers: Answers


@dataclass
class State:
    flow: str
    node: str
    answers: Answers = field(default_factory=dict)
    history: list[Step] = field(default_factory=list)
    step: int = 0
    v: int = STATE_VERSION

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": self.v,
            "flow": self.flow,
            "node": self.node,
            "answers": self.answers,
            "history": [[s.flow, s.node, s.answers] for s in self.history],
            "step": self.step,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> State | None:
        """The state, or None if it is from an unknown version or malformed (start afresh)."""
        try:
            if data.get("v") != STATE_VERSION:
                return None
            history = [Step(str(f), str(n), dict(a)) for f, n, a in data.get("history", [])]
            return cls(str(data["flow"]), str(data["node"]), dict(data.get("answers", {})), history,
                       int(data.get("step", 0)))
        except (KeyError, TypeError, ValueError):
            return None

    @classmethod
    def from_json(cls, raw: str) -> State | None:
        try:
            data = json.loads(raw)
        except (TypeError, ValueError):
            return None
        return cls.from_dict(data) if isinstance(data, dict) else None

    def push(self) -> None:
        self.history.append(Step(self.flow, self.node, dict(self.answers)))
        del self.history[:-HISTORY_LIMIT]
