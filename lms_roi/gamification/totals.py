"""The maintained XP totals moved in bulk: a batch of ledger rows added to its buckets.

Each (learner, period kind, period key) bucket the rows touch gets one upsert —
``xp = xp + :points``, inserted when missing — in bucket order, so concurrent batches
take the rows' locks in one order, and the new state comes back (``RETURNING``) for the
board index (:func:`.board_index.note_before`). On PostgreSQL the buckets travel as
arrays (``INSERT … SELECT FROM unnest(…)``): one short statement whatever the batch,
where a multi-row ``VALUES`` would cost more to render and parse than to run. Only
flushes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from sqlalchemy import (
    and_,
    bindparam,
    case,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError

from lms_roi.db import IN_CHUNK, UtcDateTime, chunked, session
from lms_roi.models import LearnerTotals
from lms_roi.sql_lists import rows_params, rows_select

from . import board_index, periods

INSERT_CHUNK = 5000
TOTALS = LearnerTotals.__table__
#: The totals columns an upsert writes, in order.
COLUMNS = ("learner_id", "period_kind", "period_key", "xp", "reached_at", "listed")


def totals_delta(rows: Iterable[dict]) -> dict[tuple[int, str, str], list]:
    """Per (learner, period kind, period key): [points, latest positive moment, first moment]."""
    org = periods.zone()
    keys_of: dict[date, tuple] = {}
    delta: dict[tuple[int, str, str], list] = {}
    for row in rows:
        at = row["occurred_at"]
        day = at.astimezone(org).date()
        keys = keys_of.get(day)
        if keys is None:
            keys = keys_of[day] = (
                (periods.ALL, periods.ALL),
                ("week", periods.week_key(day)),
                ("month", periods.month_key(day)),
            )
        points = row["points"]
        for kind, key in keys:
            group = (row["learner_id"], kind, key)
            entry = delta.get(group)
            if entry is None:
                delta[group] = [points, at if points > 0 else None, at]
                continue
            entry[0] += points
            if points > 0 and (entry[1] is None or at > entry[1]):
                entry[1] = at
            if at < entry[2]:
                entry[2] = at
    return delta


def apply_totals(rows: list[dict]) -> None:
    """Add ``rows``' points to their totals: one upsert per bucket, in bucket order."""
    delta = totals_delta(rows)
    if not delta:
        return
    db = session()
    dialect = db.get_bind().dialect
    upsert = _upsert(dialect.name)
    if upsert is None:
        _apply_totals_in_two_steps(delta)
        return
    listed = board_index.listed_of(group[0] for group in delta)
    values = [
        (*group, points, latest or first, listed.get(group[0], False))
        # In bucket order: concurrent batches lock the rows in one order.
        for group, (points, latest, first) in sorted(delta.items())
    ]
    before: dict[tuple[int, str, str], tuple[int, bool]] = {}
    for part in chunked(values, INSERT_CHUNK):
        bound = rows_params(TOTALS, COLUMNS, part, dialect)
        for learner_id, kind, key, xp, is_listed in db.execute(upsert, bound):
            group = (learner_id, kind, key)
            # A row this statement created reads as one at 0 XP before: no count moves.
            before[group] = (xp - delta[group][0], bool(is_listed))
    board_index.note_before(before)


@lru_cache(maxsize=4)
def _upsert(dialect_name: str):
    """``xp = xp + :xp`` on totals rows, inserted when missing, returning their new state
    (None where the database has no upsert). The rows travel as one or a few
    parameters (:func:`~lms_roi.sql_lists.rows_select`)."""
    stmt = board_index.upsert_insert(TOTALS, dialect_name)
    if stmt is None:
        return None
    rows = rows_select(TOTALS, COLUMNS, dialect_name)
    stmt = stmt.from_select(list(COLUMNS), rows, include_defaults=False)
    new = stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=[TOTALS.c.learner_id, TOTALS.c.period_kind, TOTALS.c.period_key],
        set_={
            "xp": TOTALS.c.xp + new.xp,
            # As a bump: a later moment that raised the total is when it was reached.
            "reached_at": case(
                (and_(new.xp > 0, TOTALS.c.reached_at < new.reached_at), new.reached_at),
                else_=TOTALS.c.reached_at,
            ),
        },
    ).returning(
        TOTALS.c.learner_id, TOTALS.c.period_kind, TOTALS.c.period_key, TOTALS.c.xp, TOTALS.c.listed
    )


def _apply_totals_in_two_steps(delta: dict[tuple[int, str, str], list]) -> None:
    """:func:`apply_totals` without an upsert: grouped UPDATEs, INSERTs for new buckets."""
    from . import ledger  # the single-row upsert; ledger imports this module

    db = session()
    existing: dict[tuple[int, str, str], int] = {}
    before: dict[tuple[int, str, str], tuple[int, bool]] = {}
    learners = sorted({learner_id for learner_id, _k, _p in delta})
    buckets = sorted({(kind, key) for _l, kind, key in delta})
    for part in chunked(learners, IN_CHUNK):
        for keys in chunked(buckets, IN_CHUNK):
            found = db.execute(
                select(
                    TOTALS.c.id,
                    TOTALS.c.learner_id,
                    TOTALS.c.period_kind,
                    TOTALS.c.period_key,
                    TOTALS.c.xp,
                    TOTALS.c.listed,
                )
                .where(
                    TOTALS.c.learner_id.in_(part),
                    tuple_(TOTALS.c.period_kind, TOTALS.c.period_key).in_(keys),
                )
                # Locked as read, so the noted XP is the one the bump starts from.
                .with_for_update()
            )
            for tid, lid, kind, key, xp, listed in found:
                existing[(lid, kind, key)] = tid
                before[(lid, kind, key)] = (xp, bool(listed))
    latest = bindparam("latest", type_=UtcDateTime())
    bump = (
        update(TOTALS)
        .where(TOTALS.c.id == bindparam("tid"))
        .values(
            xp=TOTALS.c.xp + bindparam("dp"),
            reached_at=case((TOTALS.c.reached_at < latest, latest), else_=TOTALS.c.reached_at),
        )
    )
    bumps = [
        dict(tid=existing[group], dp=points, latest=moment)
        for group, (points, moment, _first) in delta.items()
        if group in existing and points > 0
    ]
    board_index.note_before(
        {group: before[group] for group, (points, _m, _f) in delta.items() if group in before}
    )
    for part in chunked(bumps, INSERT_CHUNK):
        db.execute(bump, part)
    fresh = [group for group in delta if group not in existing]
    listed = board_index.listed_of(group[0] for group in fresh)
    new = [
        dict(
            learner_id=group[0],
            period_kind=group[1],
            period_key=group[2],
            xp=delta[group][0],
            reached_at=delta[group][1] or delta[group][2],
            listed=listed.get(group[0], False),
        )
        for group in fresh
    ]
    for part in chunked(new, INSERT_CHUNK):
        try:
            with db.begin_nested():
                db.execute(insert(TOTALS), part)
            board_index.note_before(
                {(row["learner_id"], row["period_kind"], row["period_key"]): None for row in part}
            )
        except IntegrityError:
            # A live award created one of these buckets meanwhile: one upsert each.
            for row in part:
                ledger.add_to_bucket(
                    row["learner_id"],
                    row["period_kind"],
                    row["period_key"],
                    row["xp"],
                    row["reached_at"],
                )
