"""Writing the XP ledger and its maintained totals: one row at a time, or in bulk.

Totals only ever move with ``UPDATE ... SET xp = xp + :points`` (never a value read
into Python and written back), so concurrent awards add up. A missing totals row is
inserted inside a savepoint; when a concurrent transaction inserted it first, the
UPDATE is run again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from lms_roi.db import IN_CHUNK, UtcDateTime, chunked, session
from lms_roi.models import Learner, LearnerTotals, Notification, XpEvent
from lms_roi.sql_lists import insert_many, one_of

from . import board_index, periods
from .planner import LEARNING_REASONS, STREAK_BONUS, LearnerState, LevelUp, streak_key
from .totals import apply_totals, totals_delta

INSERT_CHUNK = 5000
TOTALS = LearnerTotals.__table__
EVENTS = XpEvent.__table__


# --- one learner, one event (live awards) ---------------------------------------------


def lock_learner(learner_id: int, at: datetime) -> int:
    """Take the learner's all-time totals row for this transaction; return its XP.

    Every award of a learner starts here, so the awards of one learner are serialised
    (a row lock on PostgreSQL, the write lock on SQLite) and the daily cap and the
    streak bonus are decided on a ledger nobody else is changing.
    """
    where = and_(
        TOTALS.c.learner_id == learner_id,
        TOTALS.c.period_kind == periods.ALL,
        TOTALS.c.period_key == periods.ALL,
    )
    touch = update(TOTALS).where(where).values(xp=TOTALS.c.xp).returning(TOTALS.c.xp)
    db = session()
    xp = db.execute(touch).scalar()
    if xp is not None:
        return xp
    try:
        with db.begin_nested():
            db.execute(
                insert(TOTALS).values(
                    learner_id=learner_id,
                    period_kind=periods.ALL,
                    period_key=periods.ALL,
                    xp=0,
                    reached_at=at,
                    listed=_listed(learner_id),
                )
            )
        board_index.note_before({(learner_id, periods.ALL, periods.ALL): None})
        return 0
    except IntegrityError:
        return db.execute(touch).scalar()


def learner_state(learner_id: int, day: date, xp: int) -> LearnerState:
    """The learner's XP on ``day`` and whether ``day`` and the day before were active."""
    state = LearnerState(xp=xp)
    _read_days({learner_id: state}, [learner_id], day - timedelta(days=1), day)
    return state


def key_used(key: str) -> bool:
    """Whether ``key`` is already in the ledger."""
    return session().scalar(select(EVENTS.c.id).where(EVENTS.c.idempotency_key == key)) is not None


def insert_event(row: dict) -> XpEvent | None:
    """Insert one ledger row; None when its idempotency key is already used."""
    db = session()
    event = XpEvent(**row)
    try:
        with db.begin_nested():
            db.add(event)
            db.flush()
    except IntegrityError:
        return None
    return event


def add_to_totals(learner_id: int, points: int, at: datetime) -> None:
    """Add ``points`` to the learner's all-time, week and month totals of ``at``."""
    for kind, key in periods.period_keys(at).items():
        add_to_bucket(learner_id, kind, key, points, at)


def add_to_bucket(learner_id: int, kind: str, key: str, points: int, at: datetime) -> None:
    """``xp = xp + points`` on one totals row, created when missing (race-safe).

    ``reached_at`` moves to ``at`` when the points raise the total later than it was.
    """
    db = session()
    values = {"xp": TOTALS.c.xp + points}
    if points > 0:
        moment = literal(at, UtcDateTime())
        values["reached_at"] = case(
            (TOTALS.c.reached_at < moment, moment), else_=TOTALS.c.reached_at
        )
    bump = (
        update(TOTALS)
        .where(
            TOTALS.c.learner_id == learner_id,
            TOTALS.c.period_kind == kind,
            TOTALS.c.period_key == key,
        )
        .values(**values)
        .returning(TOTALS.c.xp, TOTALS.c.listed)
    )
    group = (learner_id, kind, key)
    after = db.execute(bump).first()
    if after is None:
        try:
            with db.begin_nested():
                db.execute(
                    insert(TOTALS).values(
                        learner_id=learner_id,
                        period_kind=kind,
                        period_key=key,
                        xp=points,
                        reached_at=at,
                        listed=_listed(learner_id),
                    )
                )
            board_index.note_before({group: None})
            return
        except IntegrityError:
            after = db.execute(bump).first()
    board_index.note_before({group: (after.xp - points, bool(after.listed))})


def _listed(learner_id: int):
    """Whether the learner shows on boards, as a subquery for a totals row's insert."""
    return select(board_index.listed_expression()).where(Learner.id == learner_id).scalar_subquery()


def insert_level_ups(level_ups: Iterable[LevelUp]) -> None:
    """One ``level_up`` notification per level reached (the page renders the sentence)."""
    rows = [
        dict(
            learner_id=lu.learner_id,
            kind="level_up",
            message="",
            payload={"level": lu.level},
            created_at=lu.at,
        )
        for lu in level_ups
    ]
    for part in chunked(rows, INSERT_CHUNK):
        insert_many(session(), Notification.__table__, part)


# --- many learners (imports, rebuild) ---------------------------------------------------


def read_states(learner_ids: Iterable[int]) -> dict[int, LearnerState]:
    """States of ``learner_ids``: all-time XP, XP per local day, active days (all of them,
    so their streaks can be recomputed). Bulk SQL: two grouped queries per chunk."""
    ids = sorted(set(learner_ids))
    states = {learner_id: LearnerState() for learner_id in ids}
    db = session()
    for part in chunked(ids, IN_CHUNK):
        rows = db.execute(
            select(TOTALS.c.learner_id, TOTALS.c.xp).where(
                one_of(TOTALS.c.learner_id, part), TOTALS.c.period_kind == periods.ALL
            )
        )
        for learner_id, xp in rows:
            states[learner_id].xp = xp
    _read_days(states, ids)
    return states


def _read_days(
    state_of: dict[int, LearnerState],
    learner_ids: list[int],
    first: date | None = None,
    last: date | None = None,
) -> None:
    # A learning action the anti-gaming guard refused (flagged) makes no day active.
    counted = and_(EVENTS.c.reason.in_(LEARNING_REASONS), EVENTS.c.flagged.is_(False))
    learning = func.sum(case((counted, 1), else_=0))
    bonus = func.sum(case((EVENTS.c.reason == STREAK_BONUS, 1), else_=0))
    days = select(
        EVENTS.c.learner_id, EVENTS.c.local_day, func.sum(EVENTS.c.points), learning, bonus
    ).group_by(EVENTS.c.learner_id, EVENTS.c.local_day)
    if first is not None:
        days = days.where(EVENTS.c.local_day >= first, EVENTS.c.local_day <= last)
    for part in chunked(learner_ids, IN_CHUNK):
        rows = session().execute(days.where(one_of(EVENTS.c.learner_id, part)))
        for learner_id, day, points, learned, bonuses in rows:
            state = state_of[learner_id]
            state.day_totals[day] = int(points or 0)
            if learned:
                state.active_days.add(day)
            if bonuses:
                state.bonus_days.add(day)


def used_keys(states: dict[int, LearnerState], keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` (and of the states' streak bonuses) the ledger already holds."""
    used = {
        streak_key(learner_id, day)
        for learner_id, state in states.items()
        for day in state.bonus_days
    }
    db = session()
    for part in chunked(sorted(set(keys)), IN_CHUNK):
        used.update(
            db.scalars(
                select(EVENTS.c.idempotency_key).where(one_of(EVENTS.c.idempotency_key, part))
            )
        )
    return used


def insert_rows(rows: list[dict]) -> list[dict]:
    """Insert ledger rows in bulk; return those inserted.

    Executemany per chunk inside a savepoint; a chunk that meets a key inserted
    meanwhile by a live award is inserted row by row, skipping the used keys.
    """
    db = session()
    inserted = []
    # In key order: the unique index (and the learner ones, keys start with the
    # learner's id) then grow at their end, which SQLite does much faster.
    rows = sorted(rows, key=lambda row: row["idempotency_key"])
    for part in chunked(rows, INSERT_CHUNK):
        try:
            with db.begin_nested():
                insert_many(db, EVENTS, part)
            inserted.extend(part)
        except IntegrityError:
            for row in part:
                try:
                    with db.begin_nested():
                        db.execute(insert(EVENTS), [row])
                    inserted.append(row)
                except IntegrityError:
                    continue
    return inserted


__all__ = [
    "add_to_bucket",
    "apply_totals",
    "insert_event",
    "insert_level_ups",
    "insert_rows",
    "key_used",
    "learner_state",
    "lock_learner",
    "read_states",
    "totals_delta",
    "used_keys",
]
