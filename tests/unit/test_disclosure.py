"""Disclosure control: the sparse exact check of recoverable figures, and protect's end.

:func:`recoverable` eliminates in integers on sparse equations; the reference here
asks, for each hidden figure, whether adding "this figure alone" to the equations
raises the rank of the dense matrix (if not, a combination of them names it).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lms_roi.analytics.disclosure import Figure, Relation, protect, recoverable


def reference(state, relations) -> set:
    unknowns = sorted({k for r in relations for k in (r.total, *r.parts) if state[k]})
    column = {key: i for i, key in enumerate(unknowns)}
    rows = []
    for rel in relations:
        row = np.zeros(len(unknowns))
        if state[rel.total]:
            row[column[rel.total]] -= 1
        for part in rel.parts:
            if state[part]:
                row[column[part]] += 1
        rows.append(row)
    matrix = np.array(rows).reshape(len(rows), len(unknowns))
    rank = np.linalg.matrix_rank(matrix) if len(rows) else 0
    found = set()
    for key, i in column.items():
        alone = np.zeros((1, len(unknowns)))
        alone[0, i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, alone])) == rank:
            found.add(key)
    return found


@st.composite
def systems(draw):
    n = draw(st.integers(1, 12))
    keys = list(range(n))
    relations = draw(
        st.lists(
            st.builds(
                Relation,
                st.sampled_from(keys),
                st.lists(st.sampled_from(keys), max_size=5).map(tuple),
            ),
            min_size=1,
            max_size=10,
        )
    )
    hidden = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    state = {k: ("small" if h else None) for k, h in zip(keys, hidden, strict=True)}
    return state, relations


@settings(max_examples=400, deadline=None)
@given(systems())
def test_recoverable_matches_the_rank_test(system):
    state, relations = system
    assert recoverable(state, relations) == reference(state, relations)


def test_known_answers():
    hidden = dict.fromkeys("abcdexyz", "small")
    # dept = a + b with a and b hidden, dept shown: neither is determined.
    assert recoverable({**hidden, "dept": None}, [Relation("dept", ("a", "b"))]) == set()
    # ...and b = c shown elsewhere: a is determined, and so is b itself.
    relations = [Relation("dept", ("a", "b")), Relation("c", ("b",))]
    assert recoverable({**hidden, "dept": None, "c": None}, relations) == {"a", "b"}
    # A chain x = y + z, y = z + 1 shown: 2z + 1 = x unknown: nothing determined.
    relations = [Relation("x", ("y", "z")), Relation("y", ("z", "one"))]
    assert recoverable({**hidden, "one": None}, relations) == set()
    # x = y + z and x = y - z... as x + z = y: x - y - z = 0 and y - x - z = 0 give
    # z = 0 (determined), x and y only as a pair.
    relations = [Relation("x", ("y", "z")), Relation("y", ("x", "z"))]
    assert recoverable(hidden, relations) == {"z"}


def test_two_figures_equal_to_a_small_one_are_hidden_together():
    # b = a and a = c, a covers 2 learners. Hiding b alone leaves a = c; hiding c
    # alone leaves a = b: a hidden only one at a time (in turns) would stay readable.
    figures = {"a": Figure(2, 2, 2), "b": Figure(6, 6, 6), "c": Figure(10, 10, 10)}
    relations = [Relation("b", ("a",)), Relation("a", ("c",), "part")]
    state = protect(figures, relations)
    assert state == {"a": "small", "b": "complement", "c": "complement"}
    assert recoverable(state, relations) == set()
