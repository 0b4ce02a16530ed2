"""The flow file format (spec_version 1) as pydantic models.

Every model forbids unknown keys, so a typo in a flow file is an error with its line number
instead of a silently ignored field. ``docs/flow-format.md`` describes the format for authors.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.engine.compute import Computation
from bot.engine.conditions import Condition

SPEC_VERSION = 1
ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"

NodeId = Annotated[str, Field(pattern=ID_PATTERN)]
AnswerValue = Union[str, int, bool]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Option(_Strict):
    """One button of a question: its label, the answers it records and where it leads."""

    label: str = Field(min_length=1)
    next: NodeId
    set: dict[str, AnswerValue] = Field(default_factory=dict)


class _Node(_Strict):
    id: NodeId


class QuestionNode(_Node):
    type: Literal["question"]
    text: str = Field(min_length=1)
    options: list[Option] = Field(min_length=1)


class InputNode(_Node):
    """A typed answer (a date or a number), checked and asked again with ``reask`` if wrong."""

    type: Literal["input"]
    input: Literal["date", "number"]
    text: str = Field(min_length=1)
    reask: str = Field(min_length=1)
    save: Annotated[str, Field(pattern=ID_PATTERN)]
    next: NodeId
    min: float | None = None
    max: float | None = None
    past_days: int | None = Field(default=None, gt=0)
    allow_future: bool = False


class BranchCase(_Strict):
    when: Condition
    next: NodeId


class BranchNode(_Node):
    """Go to the first case whose condition holds, else to ``default``. Shows nothing."""

    type: Literal["branch"]
    cases: list[BranchCase] = Field(min_length=1)
    default: NodeId


class InfoNode(_Node):
    """A message on the way, followed at once by the ``next`` node."""

    type: Literal["info"]
    text: str = Field(min_length=1)
    next: NodeId


class OutcomeNode(_Node):
    """An answer the migrant can act on, with where it comes from and when it was checked."""

    type: Literal["outcome"]
    text: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    verified_on: dt.date
    contacts: list[str] = Field(default_factory=list)
    offer_counsellor: bool = True


class HandoffNode(_Node):
    """Hand the conversation to a human counsellor.

    A handoff that also states facts (an overstay's fines, a deadline) gives their ``sources``
    and ``verified_on`` like an outcome does.
    """

    type: Literal["handoff"]
    text: str = Field(min_length=1)
    urgency: Literal["normal", "urgent"] = "normal"
    category: Annotated[str, Field(pattern=ID_PATTERN)]
    contacts: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    verified_on: dt.date | None = None

    @model_validator(mode="after")
    def _facts_need_both(self) -> HandoffNode:
        if bool(self.sources) != (self.verified_on is not None):
            raise ValueError("a handoff that states facts needs both 'sources' and 'verified_on'")
        return self


class GotoNode(_Node):
    """Jump to another flow (its start, or a named node)."""

    type: Literal["goto"]
    flow: NodeId
    node: NodeId | None = None


Node = Annotated[
    QuestionNode | InputNode | BranchNode | InfoNode | OutcomeNode | HandoffNode | GotoNode,
    Field(discriminator="type"),
]
NODE_KINDS: tuple[str, ...] = ("question", "input", "branch", "info", "outcome", "handoff", "goto")
WAITING_KINDS = ("question", "input", "outcome", "handoff")
TERMINAL_KINDS = ("outcome", "handoff", "goto")


class Flow(_Strict):
    """One topic: a title for the menu, a start node and the nodes."""

    spec_version: Literal[1]
    id: NodeId
    title: str = Field(min_length=1)
    start: NodeId
    stats: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    compute: dict[str, Computation] = Field(default_factory=dict)
    nodes: list[Node] = Field(min_length=1)

    def node(self, node_id: str) -> Node | None:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    def texts(self) -> list[tuple[str, str]]:
        """(node id, source string) for every translatable text in the flow."""
        out: list[tuple[str, str]] = [("title", self.title)]
        for n in self.nodes:
            if isinstance(n, (QuestionNode, InputNode, InfoNode, OutcomeNode, HandoffNode)):
                out.append((n.id, n.text))
            if isinstance(n, InputNode):
                out.append((n.id, n.reask))
            if isinstance(n, QuestionNode):
                out.extend((n.id, o.label) for o in n.options)
        return out
