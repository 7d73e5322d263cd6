"""The organisation board's rank index: listed learners per XP score and period bucket.

``LearnerTotals.listed`` copies whether the learner shows on boards (active and not
hidden); ``BoardScore`` counts the listed learners holding each score above 0 in each
bucket. An organisation rank is then the sum of the counts above the viewer's score plus
the ties reached before them: a short index range, whatever the rank.

How it stays exact without slowing or deadlocking the awards: every writer of a totals
row notes the row's state *before* its first change in the transaction
(:func:`note_before`); just before commit (and before a board is read in the same
transaction), :func:`settle` reads those rows' current state and moves the counts, in
one sorted pass, so two transactions always take the count rows in the same order.
A savepoint rolled back needs nothing: the row is back to the noted state. Writers that
replace totals wholesale (the rebuild) call :func:`refresh`, which recounts everything.
Learners deleted with their totals (``ON DELETE CASCADE``) need a :func:`refresh` too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import and_, delete, event, func, insert, inspect, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms_roi.db import IN_CHUNK, chunked
from lms_roi.db import session as db_session
from lms_roi.models import BoardScore, Learner, LearnerTotals
from lms_roi.sql_lists import one_of, rows_params, rows_select

TOTALS = LearnerTotals.__table__
SCORES = BoardScore.__table__
#: ``session.info`` key: {(learner_id, kind, key): (xp, listed) or None before this
#: transaction's first change; None for a row it inserted}.
PENDING = "lms_roi_board_pending"
#: The columns of a count row, in the order the upsert writes them.
COUNTED = ("period_kind", "period_key", "xp", "learners")
#: Visibilities that put a learner on boards.
SHOWN = ("named", "pseudonymous")


def listed_expression():
    """SQL truth of "this learner shows on boards", on the learner table."""
    return and_(Learner.active.is_(True), Learner.leaderboard_visibility.in_(SHOWN))


def is_listed(learner: Learner) -> bool:
    return bool(learner.active) and learner.leaderboard_visibility in SHOWN


def listed_of(learner_ids: Iterable[int], session: Session | None = None) -> dict[int, bool]:
    """Whether each of ``learner_ids`` shows on boards (unknown ids are not listed)."""
    db = session or db_session()
    out: dict[int, bool] = {}
    for part in chunked(sorted(set(learner_ids)), IN_CHUNK):
        rows = db.execute(
            select(Learner.id, Learner.active, Learner.leaderboard_visibility).where(
                one_of(Learner.id, part, db.get_bind().dialect.name)
            )
        )
        out.update({lid: bool(active) and vis in SHOWN for lid, active, vis in rows})
    return out


def note_before(states: dict[tuple[int, str, str], tuple[int, bool] | None], session=None) -> None:
    """Record totals rows' state before their first change in this transaction.

    ``states`` maps (learner_id, period_kind, period_key) to (xp, listed) as the row was
    before the change, or None when the change creates the row. Later notes of a row
    already noted are ignored: the first one is the state the counts hold.
    """
    pending = (session or db_session()).info.setdefault(PENDING, {})
    for group, state in states.items():
        pending.setdefault(group, state)


def settle(session: Session | None = None) -> int:
    """Move the score counts for every totals row changed in this transaction; returns
    how many count rows moved. Called before commit and before a board is read."""
    db = session or db_session()
    pending = db.info.pop(PENDING, None)
    if not pending:
        return 0
    connection = db.connection()
    current: dict[tuple[int, str, str], tuple[int, bool]] = {}
    learners = sorted({learner_id for learner_id, _kind, _key in pending})
    buckets = sorted({(kind, key) for _learner, kind, key in pending})
    for part in chunked(learners, IN_CHUNK):
        for keys in chunked(buckets, IN_CHUNK):
            rows = connection.execute(
                select(
                    TOTALS.c.learner_id,
                    TOTALS.c.period_kind,
                    TOTALS.c.period_key,
                    TOTALS.c.xp,
                    TOTALS.c.listed,
                ).where(
                    one_of(TOTALS.c.learner_id, part, connection.dialect.name),
                    tuple_(TOTALS.c.period_kind, TOTALS.c.period_key).in_(keys),
                )
            )
            for learner_id, kind, key, xp, listed in rows:
                group = (learner_id, kind, key)
                if group in pending:
                    current[group] = (xp, bool(listed))
    moves: Counter = Counter()
    for group, before in pending.items():
        _learner, kind, key = group
        if before is not None and before[1] and before[0] > 0:
            moves[(kind, key, before[0])] -= 1
        after = current.get(group)
        if after is not None and after[1] and after[0] > 0:
            moves[(kind, key, after[0])] += 1
    changed = sorted(item for item in moves.items() if item[1])
    upsert = _upsert(connection.dialect.name)
    if upsert is not None and changed:
        # One statement for every count, in the same sorted order as one at a time.
        rows = [(kind, key, xp, step) for (kind, key, xp), step in changed]
        connection.execute(upsert, rows_params(SCORES, COUNTED, rows, connection.dialect))
        return len(changed)
    for (kind, key, xp), step in changed:
        _move(connection, kind, key, xp, step)
    return len(changed)


def upsert_insert(table, dialect_name: str):
    """An ``INSERT`` on ``table`` that takes ``on_conflict_do_update`` where the database
    has it (SQLite, PostgreSQL); None elsewhere."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect_name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        return None
    return dialect_insert(table)


@lru_cache(maxsize=4)
def _upsert(dialect_name: str):
    """``INSERT … ON CONFLICT DO UPDATE learners = learners + step`` (None: no upsert)."""
    stmt = upsert_insert(SCORES, dialect_name)
    if stmt is None:
        return None
    # The counts travel as one or a few parameters (see sql_lists.rows_select).
    rows = rows_select(SCORES, COUNTED, dialect_name)
    stmt = stmt.from_select(list(COUNTED), rows, include_defaults=False)
    return stmt.on_conflict_do_update(
        index_elements=[SCORES.c.period_kind, SCORES.c.period_key, SCORES.c.xp],
        set_={"learners": SCORES.c.learners + stmt.excluded.learners},
    )


def _move(connection, kind: str, key: str, xp: int, step: int) -> None:
    where = and_(SCORES.c.period_kind == kind, SCORES.c.period_key == key, SCORES.c.xp == xp)
    bump = update(SCORES).where(where).values(learners=SCORES.c.learners + step)
    if connection.execute(bump).rowcount:
        return
    try:
        with connection.begin_nested():
            connection.execute(
                insert(SCORES).values(period_kind=kind, period_key=key, xp=xp, learners=step)
            )
    except IntegrityError:
        # Another transaction created the row first.
        connection.execute(bump)


def relist(learner_ids: Iterable[int], session: Session | None = None) -> None:
    """Copy whether ``learner_ids`` show on boards onto their totals rows (after a change
    of activity or visibility), noting the rows' state first so the counts follow."""
    db = session or db_session()
    connection = db.connection()
    wanted = listed_of(learner_ids, db)
    for part in chunked(sorted(wanted), IN_CHUNK):
        rows = connection.execute(
            select(
                TOTALS.c.learner_id,
                TOTALS.c.period_kind,
                TOTALS.c.period_key,
                TOTALS.c.xp,
                TOTALS.c.listed,
            )
            .where(TOTALS.c.learner_id.in_(part))
            .with_for_update()
        ).all()
        stale = {
            (lid, kind, key): (xp, bool(listed))
            for lid, kind, key, xp, listed in rows
            if bool(listed) != wanted[lid]
        }
        if not stale:
            continue
        note_before(stale, db)
        for value in (True, False):
            ids = sorted({lid for lid, _k, _p in stale if wanted[lid] is value})
            if ids:
                connection.execute(
                    update(TOTALS).where(TOTALS.c.learner_id.in_(ids)).values(listed=value)
                )


def refresh(session: Session | None = None) -> None:
    """Recount every score from the totals (after a wholesale rewrite of the totals)."""
    db = session or db_session()
    db.info.pop(PENDING, None)
    connection = db.connection()
    connection.execute(delete(SCORES))
    counted = (
        select(TOTALS.c.period_kind, TOTALS.c.period_key, TOTALS.c.xp, func.count())
        .where(TOTALS.c.listed.is_(True), TOTALS.c.xp > 0)
        .group_by(TOTALS.c.period_kind, TOTALS.c.period_key, TOTALS.c.xp)
    )
    connection.execute(
        insert(SCORES).from_select(["period_kind", "period_key", "xp", "learners"], counted)
    )


def learners_above(kind: str, key: str, xp: int) -> int:
    """How many listed learners hold more than ``xp`` in the bucket."""
    return db_session().scalar(
        select(func.coalesce(func.sum(SCORES.c.learners), 0)).where(
            SCORES.c.period_kind == kind, SCORES.c.period_key == key, SCORES.c.xp > xp
        )
    )


# --- keeping it current ---------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _follow_orm_changes(session: Session, _flush_context) -> None:
    # Totals rows written through the ORM (rather than the ledger's statements) and
    # activity or visibility changes of learners (profile, settings, admin).
    notes: dict[tuple[int, str, str], tuple[int, bool] | None] = {}
    relisted: set[int] = set()
    for obj in session.new:
        if isinstance(obj, LearnerTotals):
            notes[_group(obj)] = None
            relisted.add(obj.learner_id)
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, LearnerTotals):
            notes[_group(obj, committed=True)] = (
                _committed(obj, "xp"),
                bool(_committed(obj, "listed")),
            )
        elif (
            isinstance(obj, Learner)
            and obj.id is not None
            and _changed(obj, ("active", "leaderboard_visibility"))
        ):
            relisted.add(obj.id)
    if notes:
        note_before(notes, session)
    if relisted:
        relist(relisted, session)


def _group(obj: LearnerTotals, committed: bool = False) -> tuple[int, str, str]:
    if committed:
        return tuple(_committed(obj, name) for name in ("learner_id", "period_kind", "period_key"))
    return (obj.learner_id, obj.period_kind, obj.period_key)


def _committed(obj, name: str):
    """The attribute's value before this flush (its current value when unchanged)."""
    history = inspect(obj).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return getattr(obj, name)


def _changed(obj, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_commit")
def _settle_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # A savepoint released: the counts move once, at the real commit (a savepoint
        # rolled back later leaves its rows at their noted state, as settle expects).
        return
    if session.info.get(PENDING) or session.dirty:
        session.flush()  # a flush may relist learners, which notes rows too
    if session.info.get(PENDING):
        settle(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction) -> None:
    # Only the outermost rollback undoes the noted changes; a savepoint rolled back
    # leaves its rows at their noted state, which settle() reads as "no change".
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)


__all__ = [
    "is_listed",
    "learners_above",
    "listed_expression",
    "listed_of",
    "note_before",
    "refresh",
    "relist",
    "settle",
]
