"""Structured conditions for branch nodes.

Conditions are data, never code: a mapping with exactly one operand (``answer``, ``value`` or
``today``) and one comparison, or a combinator (``all``, ``any``, ``not``). Nothing is evaluated
with ``eval``; a condition that names an unknown answer is caught by the validator.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

Scalar = Union[str, int, float, bool]

_COMPARISONS = ("equals", "not_equals", "in", "lt", "le", "gt", "ge", "is_set")


class Compare(BaseModel):
    """Compare an answer, a computed value or today's date with a constant."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    answer: str | None = None
    value: str | None = None
    today: bool | None = None
    equals: Scalar | dt.date | None = None
    not_equals: Scalar | dt.date | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    lt: float | dt.date | None = None
    le: float | dt.date | None = None
    gt: float | dt.date | None = None
    ge: float | dt.date | None = None
    is_set: bool | None = None

    @model_validator(mode="after")
    def _one_operand_one_test(self) -> Compare:
        operands = [n for n in ("answer", "value", "today") if getattr(self, n) is not None]
        if len(operands) != 1:
            raise ValueError("a condition needs exactly one of 'answer', 'value' or 'today'")
        tests = [n for n in _COMPARISONS if getattr(self, "in_" if n == "in" else n) is not None]
        if not tests:
            raise ValueError(f"a condition needs a comparison: one of {', '.join(_COMPARISONS)}")
        return self

    def names(self) -> tuple[set[str], set[str]]:
        return ({self.answer} if self.answer else set(), {self.value} if self.value else set())


class All(BaseModel):
    model_config = ConfigDict(extra="forbid")
    all: list[Condition]


class Any_(BaseModel):
    model_config = ConfigDict(extra="forbid")
    any: list[Condition]


class Not(BaseModel):
    model_config = ConfigDict(extra="forbid")
    not_: Condition = Field(alias="not")


Condition = Union[All, Any_, Not, Compare]
All.model_rebuild()
Any_.model_rebuild()
Not.model_rebuild()


def referenced_names(cond: Condition) -> tuple[set[str], set[str]]:
    """Answers and computed values a condition reads (for the validator)."""
    if isinstance(cond, Compare):
        return cond.names()
    children = cond.all if isinstance(cond, All) else cond.any if isinstance(cond, Any_) else [cond.not_]
    answers: set[str] = set()
    values: set[str] = set()
    for child in children:
        a, v = referenced_names(child)
        answers |= a
        values |= v
    return answers, values


def _as_comparable(x: Any) -> Any:
    if isinstance(x, str):
        try:
            return dt.date.fromisoformat(x)
        except ValueError:
            return x
    return x


def evaluate(cond: Condition, lookup_answer: Any, lookup_value: Any, today: dt.date) -> bool:
    """Evaluate ``cond``; ``lookup_*`` return the operand or None when it is unset."""
    if isinstance(cond, All):
        return all(evaluate(c, lookup_answer, lookup_value, today) for c in cond.all)
    if isinstance(cond, Any_):
        return any(evaluate(c, lookup_answer, lookup_value, today) for c in cond.any)
    if isinstance(cond, Not):
        return not evaluate(cond.not_, lookup_answer, lookup_value, today)
    if cond.today:
        current: Any = today
    elif cond.answer is not None:
        current = lookup_answer(cond.answer)
    else:
        current = lookup_value(cond.value)
    if cond.is_set is not None:
        return (current is not None) == cond.is_set
    if current is None:
        return False
    if cond.equals is not None:
        return bool(_as_comparable(current) == cond.equals)
    if cond.not_equals is not None:
        return bool(_as_comparable(current) != cond.not_equals)
    if cond.in_ is not None:
        return current in cond.in_
    current = _as_comparable(current)
    try:
        return all(
            (bound is None) or op(current, bound)
            for bound, op in (
                (cond.lt, lambda a, b: a < b),
                (cond.le, lambda a, b: a <= b),
                (cond.gt, lambda a, b: a > b),
                (cond.ge, lambda a, b: a >= b),
            )
        )
    except TypeError:
        return False
