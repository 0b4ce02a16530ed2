"""Small-cell suppression for published tables, with secondary suppression.

Primary: a count below ``k`` (but above 0) is shown as "<k". Secondary: wherever a total is
shown, the cells it sums must not hide exactly one value (it could be worked out by subtraction),
so the smallest other cell of that group is hidden too, and so on until nothing changes. Totals
below ``k`` are hidden like cells. Zero cells are simply absent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

Key = tuple[Hashable, ...]
ALL = "(all)"  # stands for "every value of this dimension" in a total's key


@dataclass
class Table:
    """Cells and totals of a table; ``None`` where a count is suppressed."""

    dims: Sequence[str]
    cells: dict[Key, int | None] = field(default_factory=dict)
    totals: dict[Key, int | None] = field(default_factory=dict)  # keys with ALL in the summed dimension


def _groups(keys: Sequence[Key], ndims: int) -> dict[Key, list[Key]]:
    """Each one-level total (one dimension set to ALL) and the keys it sums."""
    groups: dict[Key, list[Key]] = defaultdict(list)
    for key in keys:
        for i in range(ndims):
            groups[key[:i] + (ALL,) + key[i + 1:]].append(key)
    return groups


def suppress(counts: dict[Key, int], dims: Sequence[str], k: int) -> Table:
    ndims = len(dims)
    cells = {key: n for key, n in counts.items() if n > 0}
    hidden = {key for key, n in cells.items() if n < k}
    # One-level totals of the cells, then the grand total as the total of each dimension's totals.
    groups = _groups(list(cells), ndims)
    totals = {key: sum(cells[c] for c in members) for key, members in groups.items()}
    grand: Key = (ALL,) * ndims
    if ndims > 1:
        totals[grand] = sum(cells.values())
        top_groups = {grand: [t for t in totals if t != grand and sum(1 for part in t if part == ALL) == 1]}
    else:
        top_groups = {}
    hidden |= {key for key, n in totals.items() if 0 < n < k}
    values = {**cells, **totals}

    def protect(members: list[Key], total: Key) -> bool:
        if total in hidden or not members:
            return False
        concealed = [m for m in members if m in hidden]
        if len(concealed) != 1:
            return False
        candidates = sorted((values[m], repr(m), m) for m in members if m not in hidden)
        if candidates:
            hidden.add(candidates[0][2])
        else:
            hidden.add(total)
        return True

    changed = True
    while changed:
        changed = False
        for total, members in groups.items():
            changed |= protect(members, total)
        if ndims > 1:
            # The grand total sums the totals of any one dimension: protect those too, per dimension.
            for i in range(ndims):
                members = [t for t in top_groups[grand] if t[i] == ALL]
                changed |= protect(members, grand)
    table = Table(dims)
    table.cells = {key: (None if key in hidden else n) for key, n in cells.items()}
    table.totals = {key: (None if key in hidden else n) for key, n in totals.items()}
    return table
