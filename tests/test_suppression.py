"""Small-cell suppression holds for any table (property test)."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.stats.suppression import ALL, suppress


def tables(max_dims: int = 3):  # type: ignore[no-untyped-def]
    def build(ndims: int):  # type: ignore[no-untyped-def]
        key = st.tuples(*[st.sampled_from(["a", "b", "c", "d"]) for _ in range(ndims)])
        return st.dictionaries(key, st.integers(min_value=0, max_value=40), max_size=30).map(lambda d: (ndims, d))

    return st.integers(min_value=1, max_value=max_dims).flatmap(build)


@settings(max_examples=300, deadline=None)
@given(tables(), st.integers(min_value=5, max_value=12))
def test_no_hidden_count_can_be_worked_out_and_none_below_k_is_shown(data, k) -> None:  # type: ignore[no-untyped-def]
    ndims, counts = data
    table = suppress(counts, [f"d{i}" for i in range(ndims)], k)
    shown = [n for n in list(table.cells.values()) + list(table.totals.values()) if n is not None]
    assert all(n >= k or n == 0 for n in shown)  # a zero total discloses nothing
    assert set(table.cells) == {key for key, n in counts.items() if n > 0}
    # Every shown total sums its cells, and never hides exactly one of them.
    members = defaultdict(list)
    for key in table.cells:
        for i in range(ndims):
            members[key[:i] + (ALL,) + key[i + 1:]].append(key)
    for total_key, cells in members.items():
        total = table.totals.get(total_key)
        if total is None:
            continue
        assert total == sum(counts[c] for c in cells)
        assert sum(1 for c in cells if table.cells[c] is None) != 1, (total_key, table)
    if ndims > 1 and table.totals.get((ALL,) * ndims) is not None:
        for i in range(ndims):
            ones = [t for t in table.totals if t != (ALL,) * ndims and t[i] == ALL and list(t).count(ALL) == 1]
            assert sum(1 for t in ones if table.totals[t] is None) != 1


def test_a_lone_small_cell_takes_a_neighbour_with_it() -> None:
    table = suppress({("uz",): 50, ("tj",): 3, ("kg",): 20}, ["language"], 10)
    assert table.cells == {("uz",): 50, ("tj",): None, ("kg",): None}
    assert table.totals == {(ALL,): 73}
