"""``review_due`` notifications: one per learner and local day with review questions due.

A learner with questions due on their calendar day (:mod:`lms_roi.services.review`) finds
one ``review_due`` notification in their feed for that day, created by whichever comes
first: their first read of the learner home that day (:func:`notify_due`) or the cron
command ``lms-roi gamification settle`` (:func:`notify_all_due`, every learner at once).
Its payload holds ``count`` (questions due, capped by what the daily limit still allows
today) and ``day`` (the learner's day, ISO); the page writes the sentence.

Both paths run one ``INSERT ... SELECT ... WHERE NOT EXISTS`` (no unique index needed), so
a learner gets at most one per local day. Two transactions inserting at once could each
miss the other's uncommitted row: on PostgreSQL an advisory lock serialises them (per
learner for page reads, all learners for the bulk run) and the ``NOT EXISTS`` of the
second, a new snapshot, sees the first one's committed row; SQLite runs one writer at a
time and refuses a write from a transaction that read before another one committed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from lms_roi.db import UtcDateTime, session, utcnow
from lms_roi.models import Learner, Notification, ReviewItem

from .review import DAILY_LIMIT, due_from, review_day

KIND = "review_due"
#: PostgreSQL advisory lock keys: one for the bulk run (taken shared by page reads), and
#: a class for the per-learner locks (two-integer keys live apart from one-bigint keys).
BULK_LOCK = 0x6C6D_7352_6576_6965  # "lmsRevie"
LEARNER_LOCK_CLASS = 0x7265_7664  # "revd"


def notify_due(learner: Learner, now: datetime | None = None) -> int:
    """Create the learner's ``review_due`` notification of today if due and still missing.

    Returns how many were created (0 or 1). When there is nothing to create (already
    notified today, nothing due, or today's limit reached) one read and no write.
    Only flushes; the caller commits.
    """
    now = now or utcnow()
    day = review_day(now, learner.timezone).isoformat()
    db = session()
    noted = _noted(Notification, learner.id, day)
    due = exists().where(
        ReviewItem.learner_id == learner.id,
        ReviewItem.retired_at.is_(None),
        ReviewItem.due_at <= literal(now, UtcDateTime()),
    )
    done_today = (
        select(func.count(ReviewItem.id))
        .where(
            ReviewItem.learner_id == learner.id,
            ReviewItem.last_reviewed_at
            >= literal(due_from(now, 0, learner.timezone), UtcDateTime()),
        )
        .scalar_subquery()
    )
    already, anything_due, done = db.execute(select(noted, due, done_today)).one()
    if already or not anything_due or done >= DAILY_LIMIT:
        return 0  # no write, so no lock held for the rest of the request
    if _on_postgres():
        db.execute(select(func.pg_advisory_xact_lock_shared(literal(BULK_LOCK, BigInteger()))))
        db.execute(
            select(
                func.pg_advisory_xact_lock(
                    literal(LEARNER_LOCK_CLASS, Integer()), literal(learner.id, Integer())
                )
            )
        )
    return _insert_notes(now, [learner.timezone], learner.id)


def notify_all_due(now: datetime | None = None) -> int:
    """Create today's ``review_due`` notification of every active learner who needs one.

    One set-based statement for all learners (each in their own time zone); a learner
    already notified today is skipped. Returns how many were created. Only flushes.
    """
    now = now or utcnow()
    db = session()
    zones = db.scalars(
        select(Learner.timezone)
        .distinct()
        .join(ReviewItem, ReviewItem.learner_id == Learner.id)
        .where(
            Learner.active.is_(True),
            ReviewItem.retired_at.is_(None),
            ReviewItem.due_at <= literal(now, UtcDateTime()),
        )
    ).all()
    if not zones:
        return 0
    if _on_postgres():
        db.execute(select(func.pg_advisory_xact_lock(literal(BULK_LOCK, BigInteger()))))
    return _insert_notes(now, zones)


def _insert_notes(now: datetime, zones: list[str | None], learner_id: int | None = None) -> int:
    """``INSERT ... SELECT``: learners (of ``zones``, or only ``learner_id``) with questions
    due and room left today, minus those already notified today."""
    # Each stored time zone value with its local midnight and day (a few rows).
    days = [
        select(
            literal(zone or "", String()).label("zone"),
            literal(due_from(now, 0, zone), UtcDateTime()).label("day_start"),
            literal(review_day(now, zone).isoformat(), String()).label("day"),
        )
        for zone in dict.fromkeys(zone or "" for zone in zones)
    ]
    local = (days[0] if len(days) == 1 else union_all(*days)).subquery("local")
    is_due = and_(ReviewItem.retired_at.is_(None), ReviewItem.due_at <= literal(now, UtcDateTime()))
    done_today = ReviewItem.last_reviewed_at >= local.c.day_start
    n_due = func.count(case((is_due, 1)))
    room = DAILY_LIMIT - func.count(case((done_today, 1)))
    due = (
        select(
            Learner.id.label("learner_id"),
            local.c.day,
            case((n_due < room, n_due), else_=room).label("count"),
        )
        .select_from(Learner)
        .join(local, func.coalesce(Learner.timezone, "") == local.c.zone)
        .join(ReviewItem, ReviewItem.learner_id == Learner.id)
        .where(Learner.active.is_(True), or_(is_due, done_today))
        .group_by(Learner.id, local.c.day)
        .having(and_(n_due > 0, room > 0))
    )
    if learner_id is not None:
        due = due.where(Learner.id == learner_id)
    due = due.subquery("due")
    other = aliased(Notification)
    rows = select(
        due.c.learner_id,
        literal(KIND, String()),
        literal("", String()),
        _json_object(count=due.c.count, day=due.c.day),
        literal(now, UtcDateTime()),
    ).where(~_noted(other, due.c.learner_id, due.c.day))
    statement = insert(Notification.__table__).from_select(
        ["learner_id", "kind", "message", "payload", "created_at"], rows
    )
    # An INSERT's row count is kept only on request (psycopg's would read -1).
    statement = statement.execution_options(preserve_rowcount=True)
    db = session()
    if _on_postgres():
        return db.execute(statement).rowcount
    try:
        with db.begin_nested():
            return db.execute(statement).rowcount
    except OperationalError as error:
        # SQLite: another writer committed since this transaction first read, so it may
        # not write now ("database is locked"). Whoever wrote first made today's note,
        # or the next read or cron run will: skip rather than fail the page.
        if "locked" not in str(error.orig):
            raise
        return 0


def _noted(note, learner_id, day):
    """Whether the learner has their ``review_due`` notification of ``day`` already."""
    return exists().where(
        note.learner_id == learner_id,
        note.kind == KIND,
        note.payload["day"].as_string() == day,
    )


def _json_object(**values):
    """A JSON object built in SQL (PostgreSQL spells the function its own way)."""
    build = func.json_build_object if _on_postgres() else func.json_object
    args = []
    for key, value in values.items():
        args += [literal(key, String()), value]
    return build(*args)


def _on_postgres() -> bool:
    return session().get_bind().dialect.name == "postgresql"
