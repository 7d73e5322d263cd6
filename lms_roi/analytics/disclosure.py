"""Disclosure control for aggregate tables: small cells and their complements (DESIGN §8).

A table HR reads is a set of *figures* (one number each) tied by *relations*
``total = part + part + ...``: a department and its teams, the organisation and
its departments, a row and its buckets, a month of the organisation and its
departments. A figure about fewer than :data:`MIN_LEARNERS` learners is hidden
(``"small"``); :func:`protect` then hides more figures (``"complement"``) until
no relation lets a hidden figure be recovered by subtraction, and checks the
whole system of relations with linear algebra so that no combination of shown
figures gives one either.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

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

    A determined complementary figure is shown again (it tells nothing new).
    A determined small figure gets company: walking out from it through its
    relations (and through figures that are hidden or determined anyway), the
    nearest shown free figures are hidden. Hiding only makes fewer figures
    determined, so each round hides new figures for good or ends.
    """
    members: dict[Key, list[Relation]] = {}
    for rel in relations:
        for key in (rel.total, *rel.parts):
            members.setdefault(key, []).append(rel)
    for _round in range(len(figures) + 1):
        determined = recoverable(state, relations)
        for key in determined:
            if state[key] == "complement" and figures[key].locked is None:
                state[key] = None
        leaks = sorted((key for key in determined if state[key] == "small"), key=repr)
        if not leaks:
            return state
        grew = False
        for leak in leaks:
            grew |= _hide_nearest(leak, members, figures, state, determined)
        if not grew:
            return state  # only locked figures left: nothing more this table can do
    return state


def _hide_nearest(leak, members, figures, state, determined) -> bool:
    """Hide the shown free figures nearest to ``leak`` in the web of relations."""
    frontier, seen = [leak], {leak}
    while frontier:
        nearest, onward = [], []
        for key in frontier:
            for rel in members.get(key, ()):
                for other in (rel.total, *rel.parts):
                    if other in seen:
                        continue
                    seen.add(other)
                    if (
                        state[other] is None
                        and other not in determined
                        and not figures[other].locked
                    ):
                        nearest.append(other)
                    else:
                        onward.append(other)
        if nearest:
            for key in nearest:
                state[key] = "complement"
            return True
        frontier = onward
    return False


def recoverable(state: dict[Key, str | None], relations: Iterable[Relation]) -> set[Key]:
    """Hidden figures whose value the shown figures and the relations determine.

    Each relation is a linear equation; the hidden figures are the unknowns.
    An unknown is determined when every solution of the homogeneous system
    leaves it at zero, i.e. when the null space has no component along it.
    """
    relations = list(relations)
    unknowns = sorted(
        {k for rel in relations for k in (rel.total, *rel.parts) if state[k]}, key=repr
    )
    if not unknowns:
        return set()
    column = {key: i for i, key in enumerate(unknowns)}
    rows = []
    for rel in relations:
        row = np.zeros(len(unknowns))
        if state[rel.total]:
            row[column[rel.total]] -= 1
        for part in rel.parts:
            if state[part]:
                row[column[part]] += 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    _, singular, vh = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vh[rank:]
    if not len(null_space):
        return set(unknowns)
    weight = np.linalg.norm(null_space, axis=0)
    return {key for key, i in column.items() if weight[i] < 1e-9}
