"""Disclosure control for aggregate tables: small cells and their complements (DESIGN §8).

A table HR reads is a set of *figures* (one number each) tied by *relations*
``total = part + part + ...``: a department and its teams, the organisation and
its departments, a row and its buckets, a month of the organisation and its
departments. A figure about fewer than :data:`MIN_LEARNERS` learners is hidden
(``"small"``); :func:`protect` then hides more figures (``"complement"``) until
no relation lets a hidden figure be recovered by subtraction, and checks the
whole system of relations with linear algebra (exact, in integers) so that no
combination of shown figures gives one either.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

#: Every figure HR reads covers at least this many learners.
MIN_LEARNERS = 5

Key = Hashable


@dataclass(frozen=True)
class Figure:
    """One number of a table and the learners behind it.

    ``population`` is how many learners the figure describes (a team's size);
    ``contributors`` how many of them make the number (learners who earned XP,
    who were active...). ``small`` forces the figure hidden (e.g. comparing two
    periods would single out a few learners). ``locked`` fixes the figure's
    state because another table of the page already shows or hides it:
    ``"shown"``, ``"small"`` or ``"complement"``.
    """

    amount: float
    population: int
    contributors: int
    small: bool = False
    locked: str | None = None


@dataclass(frozen=True)
class Relation:
    """``total`` equals the sum of ``parts``.

    ``prefer`` says what to hide when one hidden part must get company:
    ``"total"`` (a department or organisation total) or ``"part"`` (the next
    smallest part, e.g. another bucket of a row whose total is shown elsewhere).
    """

    total: Key
    parts: tuple[Key, ...]
    prefer: str = "total"


def is_small(figure: Figure, min_learners: int = MIN_LEARNERS) -> bool:
    """Whether a figure describes fewer than ``min_learners`` learners."""
    return (
        figure.small or figure.population < min_learners or 0 < figure.contributors < min_learners
    )


def protect(
    figures: dict[Key, Figure], relations: Iterable[Relation], min_learners: int = MIN_LEARNERS
) -> dict[Key, str | None]:
    """Why each figure is hidden (``"small"``, ``"complement"``) or ``None`` when shown.

    1. Small figures are hidden.
    2. For every relation whose total is shown, the hidden parts together are
       what subtraction reveals: they must be two or more and together cover at
       least ``min_learners`` learners (and no 1 to ``min_learners - 1``
       contributors). Otherwise the total (``prefer="total"``) or the smallest
       part that makes the hidden group safe is hidden too, until nothing changes.
    3. The relations are solved as one linear system: a small figure the shown
       ones still determine gets its relations' totals hidden; a complementary
       figure they determine is shown again (it tells nothing new).
    """
    relations = [rel for rel in relations if rel.parts]
    state: dict[Key, str | None] = {}
    for key, figure in figures.items():
        if figure.locked:
            state[key] = None if figure.locked == "shown" else figure.locked
        else:
            state[key] = "small" if is_small(figure, min_learners) else None
    changed = True
    while changed:
        changed = False
        for rel in relations:
            if state[rel.total]:
                continue
            hidden = [part for part in rel.parts if state[part]]
            if not hidden or _safe(hidden, figures, min_learners):
                continue
            extra = _company(rel, hidden, figures, state, min_learners)
            if extra is not None:
                state[extra] = "complement"
                changed = True
    return _settle(figures, relations, state)


def _safe(hidden: list[Key], figures: dict[Key, Figure], min_learners: int) -> bool:
    """Whether the sum of ``hidden`` figures may be read (by subtraction)."""
    if len(hidden) < 2:
        return False
    population = sum(figures[key].population for key in hidden)
    contributors = sum(figures[key].contributors for key in hidden)
    return population >= min_learners and not 0 < contributors < min_learners


def _company(
    rel: Relation,
    hidden: list[Key],
    figures: dict[Key, Figure],
    state: dict[Key, str | None],
    min_learners: int,
) -> Key | None:
    """The next figure to hide so that ``rel`` no longer reveals ``hidden``."""
    total_free = figures[rel.total].locked is None
    if rel.prefer == "total" and total_free:
        return rel.total
    free = sorted(
        (p for p in rel.parts if not state[p] and figures[p].locked is None),
        key=lambda p: (figures[p].contributors, figures[p].population, figures[p].amount),
    )
    for part in free:
        if _safe([*hidden, part], figures, min_learners):
            return part
    if total_free:
        return rel.total
    growing = [p for p in free if figures[p].contributors or figures[p].population]
    return growing[0] if growing else None


def _settle(
    figures: dict[Key, Figure], relations: list[Relation], state: dict[Key, str | None]
) -> dict[Key, str | None]:
    """Step 3 of :func:`protect`: no hidden figure the shown ones determine.

    A determined complementary figure is shown again (it tells nothing new, and
    showing it leaves every other figure as determined as it was). A determined
    small figure gets company: walking out from it through its relations (and past
    figures that are hidden or determined anyway), the nearest shown free figures
    are hidden. A figure hidden so, then found determined and shown again, is
    walked past from then on; when nothing else is left near a leak, such figures
    are hidden again and kept hidden until the end, so two sets of company never
    take turns. Hiding only makes fewer figures determined, so each round hides a
    figure for its first time, or for good, or ends: a few rounds in practice.
    """
    members: dict[Key, list[Relation]] = {}
    for rel in relations:
        for key in (rel.total, *rel.parts):
            members.setdefault(key, []).append(rel)
    company: set[Key] = set()  # hidden as a leak's company
    in_vain: set[Key] = set()  # ...then found determined and shown again
    kept: set[Key] = set()  # hidden again although in vain: kept hidden until the end
    for _round in range(2 * len(figures) + 1):
        determined = recoverable(state, relations)
        _show_again(determined - kept, figures, state)
        in_vain |= (company & determined) - kept
        leaks = sorted((key for key in determined if state[key] == "small"), key=repr)
        hidden = _hide_company(leaks, members, figures, state, determined | in_vain)
        if leaks and not hidden:
            hidden = _hide_company(leaks, members, figures, state, determined | kept)
            kept |= hidden
        if not hidden:
            # No leak left, or only locked figures near one: nothing more to do.
            _show_again(determined, figures, state)
            return state
        company |= hidden
    return state


def _show_again(determined: set[Key], figures: dict[Key, Figure], state) -> None:
    """Show the determined complementary figures (they tell nothing new)."""
    for key in determined:
        if state[key] == "complement" and figures[key].locked is None:
            state[key] = None


def _hide_company(leaks, members, figures, state, passed) -> set[Key]:
    """Hide each leak's company (:func:`_hide_nearest`); returns every figure hidden.

    A walk that finds nothing has seen all the web around its leak: the other
    leaks there would find nothing either (hiding only takes candidates away).
    """
    hidden: set[Key] = set()
    dead_end: set[Key] = set()
    for leak in leaks:
        if leak in dead_end:
            continue
        found, seen = _hide_nearest(leak, members, figures, state, passed)
        hidden |= found
        if not found:
            dead_end |= seen
    return hidden


def _hide_nearest(leak, members, figures, state, passed) -> tuple[set[Key], set[Key]]:
    """Hide the shown free figures nearest to ``leak`` in the web of relations,
    walking past those in ``passed``; returns them and the figures seen."""
    frontier, seen, walked = [leak], {leak}, set()
    while frontier:
        nearest, onward = [], []
        for key in frontier:
            for rel in members.get(key, ()):
                if id(rel) in walked:
                    continue  # its figures are all seen already
                walked.add(id(rel))
                for other in (rel.total, *rel.parts):
                    if other in seen:
                        continue
                    seen.add(other)
                    if state[other] is None and other not in passed and not figures[other].locked:
                        nearest.append(other)
                    else:
                        onward.append(other)
        if nearest:
            for key in nearest:
                state[key] = "complement"
            return set(nearest), seen
        frontier = onward
    return set(), seen


def recoverable(state: dict[Key, str | None], relations: Iterable[Relation]) -> set[Key]:
    """Hidden figures whose value the shown figures and the relations determine.

    Each relation is a linear equation; the hidden figures are the unknowns. An
    unknown is determined when some combination of the equations names it alone,
    i.e. when every solution of the homogeneous system leaves it at zero.

    Exact Gauss-Jordan elimination over the integers on the sparse equations: each
    equation in turn (the shortest first) takes one of its unknowns (the one in the
    fewest equations) as pivot and removes it from every other equation. At the end
    each pivot's equation holds it and the free unknowns it still depends on, so a
    pivot alone in its equation is determined and no other unknown is. The web of
    relations is a forest of sums with a few cross links, so the equations stay short:
    near-linear time where a dense decomposition costs cubic time.
    """
    index: dict[Key, int] = {}
    rows: list[dict[int, int]] = []
    for rel in relations:
        row: dict[int, int] = {}
        for key, sign in ((rel.total, -1), *((part, 1) for part in rel.parts)):
            if not state[key]:
                continue  # a shown figure is a constant
            column = index.setdefault(key, len(index))
            coefficient = row.get(column, 0) + sign
            if coefficient:
                row[column] = coefficient
            else:
                del row[column]
        if row:
            rows.append(row)
    holding: dict[int, set[int]] = {}
    for number, row in enumerate(rows):
        for column in row:
            holding.setdefault(column, set()).add(number)
    queue = [(len(row), number) for number, row in enumerate(rows)]
    heapq.heapify(queue)
    pivots: dict[int, int] = {}  # equation -> its pivot unknown
    while queue:
        size, number = heapq.heappop(queue)
        row = rows[number]
        if number in pivots or size != len(row) or not row:
            continue  # used, or queued again since with another length, or all gone
        pivot = min(row, key=lambda column: (len(holding[column]), column))
        pivots[number] = pivot
        for other_number in sorted(holding[pivot] - {number}):
            _eliminate(rows[other_number], other_number, row, pivot, holding)
            if other_number not in pivots:
                heapq.heappush(queue, (len(rows[other_number]), other_number))
    keys = list(index)
    return {keys[pivot] for number, pivot in pivots.items() if len(rows[number]) == 1}


def _eliminate(
    row: dict[int, int], number: int, pivot_row: dict[int, int], pivot: int, holding
) -> None:
    """``row`` without ``pivot``: ``scale * row - times * pivot_row``, in integers.

    Coefficients are mostly 1 and -1, so ``scale`` is mostly 1 and the cost is the
    pivot row's length, however long ``row`` is.
    """
    common = math.gcd(pivot_row[pivot], row[pivot])
    scale, times = pivot_row[pivot] // common, row[pivot] // common
    if scale < 0:
        scale, times = -scale, -times  # the same equation, negated
    if scale != 1:
        for column in row:
            row[column] *= scale
    for column, value in pivot_row.items():
        coefficient = row.get(column, 0) - times * value
        if coefficient:
            if column not in row:
                holding[column].add(number)
            row[column] = coefficient
        elif column in row:
            del row[column]
            holding[column].discard(number)
    if scale != 1 and row:
        divisor = math.gcd(*row.values())  # keep the integers small
        if divisor > 1:
            for column in row:
                row[column] //= divisor
