"""The statements that read a leaderboard, built once with bind parameters.

Building a statement costs more than running it on the board index
``(period_kind, period_key, listed, xp DESC, reached_at, learner_id)``, and every round
trip costs more than the index reads it carries, so:

* the organisation board is one statement (:data:`ORG_VIEW`): the top N, the viewer's
  row, their rank and their two neighbours on each side, each part an index range;
* a team or program board reads its members' rows (a few hundred) once
  (:data:`GROUP_ROWS`) and is ranked in Python.

Parameters: ``kind`` and ``key`` (the window's bucket), ``limit``, ``viewer``, and
``team_ids`` or ``program_id``.
"""

from __future__ import annotations

from sqlalchemy import Select, bindparam, func, literal, null, select, true, union_all

from lms_roi.models import BoardScore, Enrollment, Learner, LearnerTotals

T = LearnerTotals
L = Learner
SCORES = BoardScore.__table__
NEIGHBOURS = 2
#: Enrollment statuses that put a learner on their program's board.
PROGRAM_STATUSES = ("active", "completed")

COLUMNS = (T.learner_id, T.xp, T.reached_at, L.display_name, L.pseudonym, L.leaderboard_visibility)
# Board order: more XP first, then who reached it first, then the lower id.
_BOARD_KEYS = (("xp", True), ("reached_at", False), ("learner_id", False))


def _order(columns, *, reverse: bool = False) -> tuple:
    return tuple(
        columns[name].desc() if descending != reverse else columns[name].asc()
        for name, descending in _BOARD_KEYS
    )


def board_order(row) -> tuple:
    """The board order of a row read by these statements, as a Python sort key."""
    return (-row.xp, row.reached_at, row.learner_id)


_KIND, _KEY = bindparam("kind"), bindparam("key")
_ME = bindparam("viewer")
LISTED = (T.period_kind == _KIND, T.period_key == _KEY, T.listed.is_(True))

_TOP = (
    select(*COLUMNS)
    .select_from(T.__table__.join(L, L.id == T.learner_id))
    .where(*LISTED, T.xp > 0)
    .order_by(*_order(T.__table__.c))
    .limit(bindparam("limit"))
)
#: The top ``limit`` of the organisation (no viewer).
ORG_TOP = _TOP

# The viewer's own row, whatever their visibility; its score and moment drive the ranges.
_MINE = (
    select(T.learner_id, T.xp, T.reached_at)
    .where(T.learner_id == _ME, T.period_kind == _KIND, T.period_key == _KEY)
    .cte("mine")
)
_MY_XP = select(_MINE.c.xp).scalar_subquery()
_MY_MOMENT = select(_MINE.c.reached_at).scalar_subquery()

#: The viewer's row in a window (team and program boards).
MINE = select(T.xp, T.reached_at).where(
    T.learner_id == _ME, T.period_kind == _KIND, T.period_key == _KEY
)

# "Before (xp, reached, viewer)" and "after", each written as a few index ranges: a
# single OR of those parts leaves PostgreSQL's planner guessing, and it may sort every
# row above the viewer (25 ms at rank 9,000 of 20,000, against 0.2 ms for the ranges).
_SAME_MOMENT = (T.xp == _MY_XP, T.reached_at == _MY_MOMENT)
_BEFORE = (
    (*_SAME_MOMENT, T.learner_id < _ME),
    (T.xp == _MY_XP, T.reached_at < _MY_MOMENT),
    (T.xp > _MY_XP,),
)
_AFTER = (
    (*_SAME_MOMENT, T.learner_id > _ME),
    (T.xp == _MY_XP, T.reached_at > _MY_MOMENT),
    (T.xp < _MY_XP, T.xp > 0),
)


def _nearest(parts, *, reverse: bool) -> Select:
    """The ``NEIGHBOURS`` rows nearest the viewer, from one index range per part."""
    ranges = [
        select(T.learner_id, T.xp, T.reached_at)
        .where(*LISTED, *part)
        .order_by(*_order(T.__table__.c, reverse=reverse))
        .limit(NEIGHBOURS)
        .subquery()
        .select()  # SQLite takes ORDER BY and LIMIT inside a UNION only in a subquery
        for part in parts
    ]
    near = union_all(*ranges).subquery()
    return (
        select(near.c.learner_id, near.c.xp, near.c.reached_at, *COLUMNS[3:])
        .join(L, L.id == near.c.learner_id)
        .order_by(*_order(near.c, reverse=reverse))
        .limit(NEIGHBOURS)
    )


# The organisation rank: the maintained counts of every higher score, plus the listed
# ties reached earlier (two ranges). Counting everyone ahead would grow with the rank.
_AHEAD = (
    select(func.coalesce(func.sum(SCORES.c.learners), 0))
    .where(SCORES.c.period_kind == _KIND, SCORES.c.period_key == _KEY, SCORES.c.xp > _MY_XP)
    .scalar_subquery()
    + select(func.count()).select_from(T).where(*LISTED, *_BEFORE[0]).scalar_subquery()
    + select(func.count()).select_from(T).where(*LISTED, *_BEFORE[1]).scalar_subquery()
)

#: Parts of :data:`ORG_VIEW`, in its ``part`` column.
TOP, ME, AHEAD, ABOVE, BELOW = range(5)


def _tagged(part: int, statement: Select) -> Select:
    rows = statement.subquery()
    return select(literal(part).label("part"), *rows.c)


def _blank(part: int, learner_id, xp, reached_at) -> Select:
    return select(
        literal(part).label("part"),
        learner_id,
        xp,
        reached_at,
        null().label("display_name"),
        null().label("pseudonym"),
        null().label("leaderboard_visibility"),
    )


#: The organisation board seen by a viewer, in one round trip: rows tagged ``part``
#: (TOP rows, the viewer's ME row, AHEAD with the count of listed learners ahead in
#: ``xp``, the ABOVE and BELOW neighbours). Parts come in any order.
ORG_VIEW = union_all(
    _tagged(TOP, _TOP),
    _blank(ME, _MINE.c.learner_id, _MINE.c.xp, _MINE.c.reached_at).select_from(_MINE),
    _blank(AHEAD, null(), _AHEAD.label("xp"), null()),
    _tagged(ABOVE, _nearest(_BEFORE, reverse=True)),
    _tagged(BELOW, _nearest(_AFTER, reverse=False)),
)


def _group_rows(members, *, probe_each: bool) -> Select:
    """Every listed row of a group's bucket: a team or a program holds a few hundred
    people, so one read ranks them all. Started from the members (a materialised CTE)
    and sorted in Python: with an ORDER BY, the planners prefer walking the whole board
    index in order to sorting a few hundred rows.

    ``probe_each`` (PostgreSQL) reads each member's row through a LATERAL subquery with
    LIMIT 1, which the planner cannot turn into a hash join over the whole bucket: with
    its default costs it prefers hashing 26,000 rows of a week (24 ms) to probing the
    unique index 550 times (5 ms). SQLite always probes, and has no LATERAL."""
    cte = members.cte("board_members").prefix_with("MATERIALIZED")
    if not probe_each:
        return (
            select(*COLUMNS)
            .select_from(cte.join(T, T.learner_id == cte.c.id).join(L, L.id == T.learner_id))
            .where(*LISTED, T.xp > 0)
        )
    member = (
        select(T.learner_id, T.xp, T.reached_at)
        .where(T.learner_id == cte.c.id, *LISTED, T.xp > 0)
        .limit(1)
        .lateral("member_total")
    )
    return select(member.c.learner_id, member.c.xp, member.c.reached_at, *COLUMNS[3:]).select_from(
        cte.join(member, true()).join(L, L.id == member.c.learner_id)
    )


_TEAM_MEMBERS = select(L.id.label("id")).where(
    L.team_id.in_(bindparam("team_ids", expanding=True))
)
_PROGRAM_MEMBERS = select(Enrollment.learner_id.label("id")).where(
    Enrollment.program_id == bindparam("program_id"),
    Enrollment.status.in_(PROGRAM_STATUSES),
)
#: ``GROUP_ROWS["team" | "program", probe_each]``: every listed row of a group's bucket.
GROUP_ROWS = {
    (kind, probe_each): _group_rows(members, probe_each=probe_each)
    for kind, members in (("team", _TEAM_MEMBERS), ("program", _PROGRAM_MEMBERS))
    for probe_each in (False, True)
}
