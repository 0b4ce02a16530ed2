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
    """What every node has: an id, and the dates of the rule its texts depend on (if any).

    ``valid_from``/``valid_until`` (both days included) say when the rule a node states holds.
    The engine does not switch on them (a branch on ``today`` does that); ``check`` proves that
    no node can be reached outside its dates, and fails on a reachable node whose rule has ended.
    """

    id: NodeId
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> _Node:
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValueError("valid_from is after valid_until")
        return self

    def holds_on(self, day: dt.date) -> bool:
        """Whether the rule of this node holds on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until)


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


class DateRangesNode(_Node):
    """Collect a list of date ranges typed one at a time (e.g. earlier visits), until a button.

    Each typed range (``01.06.2026-15.07.2026``) is checked and appended to the ``save`` answer,
    a list of ``[first, last]`` ISO dates; the node then shows ``more`` and waits for the next
    one. A button (``options``, as in a question) moves on. Back removes the last range added.
    """

    type: Literal["date_ranges"]
    text: str = Field(min_length=1)
    more: str = Field(min_length=1)
    reask: str = Field(min_length=1)
    save: Annotated[str, Field(pattern=ID_PATTERN)]
    options: list[Option] = Field(min_length=1)
    not_after: Annotated[str, Field(pattern=ID_PATTERN)] | None = None  # a date answer no range may end after
    past_days: int | None = Field(default=None, gt=0)  # a range may not start longer ago than this
    max_ranges: int = Field(default=12, gt=0, le=50)


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


DEADLINE_KINDS: tuple[str, ...] = ("stay_end", "registration", "permit_end", "permit_payment")


class Deadline(_Strict):
    """A date in an answer that the migrant may be reminded of: a computed date or a typed date
    answer, of one kind, offered only when ``when`` holds (always when absent)."""

    date: Annotated[str, Field(pattern=ID_PATTERN)]
    kind: Literal["stay_end", "registration", "permit_end", "permit_payment"]
    when: Condition | None = None


class OutcomeNode(_Node):
    """An answer the migrant can act on, with where it comes from and when it was checked.

    ``deadlines`` name the dates in it that a reminder can be set for.
    """

    type: Literal["outcome"]
    text: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    verified_on: dt.date
    contacts: list[str] = Field(default_factory=list)
    offer_counsellor: bool = True
    deadlines: list[Deadline] = Field(default_factory=list)


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
    QuestionNode | InputNode | DateRangesNode | BranchNode | InfoNode | OutcomeNode | HandoffNode | GotoNode,
    Field(discriminator="type"),
]
NODE_KINDS: tuple[str, ...] = ("question", "input", "date_ranges", "branch", "info", "outcome", "handoff", "goto")
WAITING_KINDS = ("question", "input", "date_ranges", "outcome", "handoff")
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
            out.extend((n.id, text) for text in node_texts(n))
        return out


def node_texts(n: Node) -> list[str]:
    """Every translatable text of one node, in the order a reader meets them."""
    out: list[str] = []
    if isinstance(n, (QuestionNode, InputNode, DateRangesNode, InfoNode, OutcomeNode, HandoffNode)):
        out.append(n.text)
    if isinstance(n, DateRangesNode):
        out.append(n.more)
    if isinstance(n, (InputNode, DateRangesNode)):
        out.append(n.reask)
    if isinstance(n, (QuestionNode, DateRangesNode)):
        out.extend(o.label for o in n.options)
    return out
