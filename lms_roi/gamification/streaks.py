"""Streaks: consecutive calendar days with a learning action, in the learner's own zone.

Everything works on local dates (``XpEvent.local_day``), never on 24-hour spans, so a
day of 23 or 25 hours (a DST change) is one day like any other. The stored row holds
the run ending on ``last_active_on``; :func:`current_length` says how much of it is
still alive today.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, case, insert, select, update
from sqlalchemy.exc import IntegrityError

from lms_roi.db import IN_CHUNK, chunked, session
from lms_roi.models import Streak, XpEvent
from lms_roi.sql_lists import insert_many, one_of

from .planner import LEARNING_REASONS

STREAKS = Streak.__table__


@dataclass(frozen=True)
class StreakState:
    """The run ending on ``last_active_on``, and the longest run ever."""

    current_length: int
    longest_length: int
    last_active_on: date | None


def from_days(days: Iterable[date]) -> StreakState:
    """The streak state of a learner active on ``days`` (any order, repeats allowed).

    >>> from_days([date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 31)])
    StreakState(current_length=1, longest_length=2, last_active_on=datetime.date(2026, 3, 31))
    """
    ordered = sorted(set(days))
    if not ordered:
        return StreakState(0, 0, None)
    run = longest = 1
    for previous, day in zip(ordered, ordered[1:], strict=False):
        run = run + 1 if day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
    return StreakState(run, longest, ordered[-1])


def current_length(streak: Streak | StreakState | None, today: date) -> int:
    """Days of the streak alive on ``today``: its run if the learner was active today or
    yesterday (today may still come), else 0."""
    if streak is None or streak.last_active_on is None:
        return 0
    return streak.current_length if streak.last_active_on >= today - timedelta(days=1) else 0


def record_active_day(learner_id: int, day: date) -> None:
    """Count ``day`` as active for the learner (live awards), race-safe.

    One UPDATE computed by the database from the stored row: the same day changes
    nothing, the next day extends the run, a later day starts a new run of 1. A day
    before ``last_active_on`` (history arriving late) recomputes the row from the ledger.
    """
    db = session()
    extended = case(
        (STREAKS.c.last_active_on == day, STREAKS.c.current_length),
        (STREAKS.c.last_active_on == day - timedelta(days=1), STREAKS.c.current_length + 1),
        else_=1,
    )
    bump = (
        update(STREAKS)
        .where(STREAKS.c.learner_id == learner_id, STREAKS.c.last_active_on <= day)
        .values(
            current_length=extended,
            # SET expressions all read the row as it was, on SQLite and PostgreSQL.
            longest_length=case(
                (extended > STREAKS.c.longest_length, extended), else_=STREAKS.c.longest_length
            ),
            last_active_on=day,
        )
    )
    if db.execute(bump).rowcount:
        return
    exists = db.scalar(select(STREAKS.c.id).where(STREAKS.c.learner_id == learner_id))
    if exists is not None:
        recompute([learner_id])
        return
    try:
        with db.begin_nested():
            db.execute(
                insert(STREAKS).values(
                    learner_id=learner_id, current_length=1, longest_length=1, last_active_on=day
                )
            )
    except IntegrityError:
        db.execute(bump)


def active_days(learner_ids: Iterable[int]) -> dict[int, set[date]]:
    """Local days with a learning action, per learner, from the ledger (bulk SQL).

    An action the anti-gaming guard refused (a flagged row) makes no day active.
    """
    days: dict[int, set[date]] = {}
    for part in chunked(sorted(set(learner_ids)), IN_CHUNK):
        rows = session().execute(
            select(XpEvent.learner_id, XpEvent.local_day)
            .where(
                one_of(XpEvent.learner_id, part),
                XpEvent.reason.in_(LEARNING_REASONS),
                XpEvent.flagged.is_(False),
            )
            .distinct()
        )
        for learner_id, day in rows:
            days.setdefault(learner_id, set()).add(day)
    return days


def recompute(learner_ids: Iterable[int]) -> None:
    """Set the streak rows of ``learner_ids`` from their ledger (imports, late history)."""
    ids = set(learner_ids)
    days = active_days(ids)
    write({learner_id: from_days(days.get(learner_id, ())) for learner_id in ids})


def existing(learner_ids: Iterable[int] | None = None) -> dict[int, tuple[int, StreakState]]:
    """Stored streaks (row id and state) of ``learner_ids``, or of everyone."""
    query = select(
        STREAKS.c.id,
        STREAKS.c.learner_id,
        STREAKS.c.current_length,
        STREAKS.c.longest_length,
        STREAKS.c.last_active_on,
    )
    found: dict[int, tuple[int, StreakState]] = {}
    parts = [None] if learner_ids is None else chunked(sorted(set(learner_ids)), IN_CHUNK)
    for part in parts:
        stmt = query if part is None else query.where(one_of(STREAKS.c.learner_id, part))
        for row_id, learner_id, current, longest, last in session().execute(stmt):
            found[learner_id] = (row_id, StreakState(current, longest, last))
    return found


def write(states: dict[int, StreakState], stored: dict | None = None) -> int:
    """Store ``states`` (one per learner): update changed rows, insert new ones.

    Returns how many rows changed. ``stored`` is :func:`existing` when already read.
    """
    stored = existing(states) if stored is None else stored
    changes = [
        dict(
            sid=stored[learner_id][0],
            cur=state.current_length,
            top=state.longest_length,
            last=state.last_active_on,
        )
        for learner_id, state in states.items()
        if learner_id in stored and stored[learner_id][1] != state
    ]
    new = [
        dict(
            learner_id=learner_id,
            current_length=state.current_length,
            longest_length=state.longest_length,
            last_active_on=state.last_active_on,
        )
        for learner_id, state in states.items()
        if learner_id not in stored and state.last_active_on is not None
    ]
    db = session()
    if changes:
        db.execute(
            update(STREAKS)
            .where(STREAKS.c.id == bindparam("sid"))
            .values(
                current_length=bindparam("cur"),
                longest_length=bindparam("top"),
                last_active_on=bindparam("last"),
            ),
            changes,
        )
    for part in chunked(new, 5000):
        try:
            with db.begin_nested():
                insert_many(db, STREAKS, part)
        except IntegrityError:
            # A live award created one of these rows meanwhile: set it instead.
            for row in part:
                try:
                    with db.begin_nested():
                        db.execute(insert(STREAKS), [row])
                except IntegrityError:
                    db.execute(
                        update(STREAKS)
                        .where(STREAKS.c.learner_id == row["learner_id"])
                        .values(**{k: v for k, v in row.items() if k != "learner_id"})
                    )
    return len(changes) + len(new)
