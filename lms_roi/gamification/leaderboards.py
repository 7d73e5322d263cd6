"""Leaderboards (DESIGN §6), read from the maintained ``LearnerTotals`` only, never the ledger.

Ranking: XP descending, then ``reached_at`` ascending (who reached the score first wins),
then the learner id. Every rank is a position: no two learners share one.

Who is on a board: active learners of the scope with more than 0 XP in the window's
bucket, except those who chose ``hidden`` (they take no rank anywhere: pages, API).
``pseudonymous`` learners show under their stable pseudonym everywhere.

A hidden viewer still sees, privately, where they would stand: ``me.hidden`` is true,
``me.rank`` is the rank they would take if shown, and the neighbours are the visible
learners around that place (the one below them holds that rank on the public board).

Team boards rank teams by XP per active member, where an active member is an active,
non-hidden learner of the team with more than 0 XP in the window. Teams with fewer than
:data:`MIN_ACTIVE_MEMBERS` active members are not ranked (an average of one or two
people is noise, and it would be one person's score); the board says how many.

Cost: the top N is one ``ORDER BY ... LIMIT`` on the board index
``(period_kind, period_key, xp, reached_at)``; the viewer's rank is one ``COUNT`` of the
rows ranking before them; the neighbours are two ordered ``LIMIT 2`` queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError
from lms_roi.models import Enrollment, Learner, LearnerTotals, Program, Team
from lms_roi.models._types import VISIBILITIES

from .periods import period_keys
from .pseudonyms import ensure_pseudonym, shown_name

WINDOWS = ("all", "month", "week")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
NEIGHBOURS = 2
MIN_ACTIVE_MEMBERS = 5
#: Enrollment statuses that put a learner on their program's board.
PROGRAM_STATUSES = ("active", "completed")
SHOWN = ("named", "pseudonymous")

T = LearnerTotals
L = Learner


class ScopeNotFound(DomainError):
    """The team or program of a board does not exist."""

    status = 404


@dataclass(frozen=True)
class Scope:
    """Who a board is about: the organisation, a team (with its sub-teams) or a program."""

    kind: str
    slug: str | None = None
    name: str = ""
    team_ids: tuple[int, ...] = ()
    program_id: int | None = None

    @property
    def key(self) -> str:
        """``org``, ``team:<slug>`` or ``program:<slug>`` (the API's notation)."""
        return self.kind if self.kind == "org" else f"{self.kind}:{self.slug}"


@dataclass(frozen=True)
class Row:
    """One learner on a board."""

    rank: int
    learner_id: int
    display_name: str
    xp: int
    is_me: bool = False


@dataclass(frozen=True)
class Position:
    """The viewer's place: rank (None with no XP in the window) and neighbours with ranks."""

    rank: int | None
    xp: int
    hidden: bool = False
    above: tuple[Row, ...] = ()
    below: tuple[Row, ...] = ()

    @property
    def neighbours(self) -> tuple[Row, ...]:
        return self.above + self.below


@dataclass(frozen=True)
class Board:
    """A board: its top rows and the viewer's position (None when outside the scope)."""

    scope: Scope
    window: str
    period_key: str
    rows: list[Row]
    me: Position | None


@dataclass(frozen=True)
class TeamRow:
    rank: int
    slug: str
    name: str
    active_members: int
    xp: int
    xp_per_member: float
    is_mine: bool = False


@dataclass(frozen=True)
class TeamBoard:
    window: str
    period_key: str
    rows: list[TeamRow]
    #: Teams with XP in the window but fewer than MIN_ACTIVE_MEMBERS active members.
    unranked: int
    mine_unranked: bool = False
    min_members: int = field(default=MIN_ACTIVE_MEMBERS)


def parse_scope(text: str) -> str | tuple[str, str]:
    """``org``, ``team:<slug>`` or ``program:<slug>`` as :func:`board` takes it."""
    kind, _sep, slug = text.partition(":")
    if text == "org":
        return "org"
    if kind in ("team", "program") and slug:
        return kind, slug
    raise DomainError(
        "invalid_input",
        _("scope: use org, team:<slug> or program:<slug>"),
        "scope",
    )


def resolve_scope(scope) -> Scope:
    """A :class:`Scope` from ``"org"``, ``("team", slug)`` or ``("program", slug)``."""
    if isinstance(scope, Scope):
        return scope
    if scope == "org":
        return Scope("org")
    kind, slug = scope
    db = session()
    if kind == "team":
        team = db.scalar(select(Team).where(Team.slug == slug))
        if team is None:
            raise ScopeNotFound("team_not_found", _("no team %(slug)r", slug=slug), "scope")
        # A department's board holds the members of its teams too.
        children = db.scalars(select(Team.id).where(Team.parent_id == team.id)).all()
        return Scope("team", slug, team.name, team_ids=(team.id, *children))
    if kind == "program":
        program = db.scalar(select(Program).where(Program.slug == slug))
        if program is None:
            raise ScopeNotFound("program_not_found", _("no program %(slug)r", slug=slug), "scope")
        return Scope("program", slug, program.title, program_id=program.id)
    raise DomainError("invalid_input", _("scope: use org, team:<slug> or program:<slug>"), "scope")


def _check_window(window: str) -> None:
    if window not in WINDOWS:
        raise DomainError("invalid_input", _("window: use all, month or week"), "window")


def _members(scope: Scope) -> list:
    """Conditions (on T joined to L) of the learners a board may show."""
    return [L.active.is_(True), L.leaderboard_visibility.in_(SHOWN)]


def _source(scope: Scope):
    """What a board reads: the totals joined to their learners, and for a team or a
    program, driven by its members (a materialised CTE, so that PostgreSQL starts from the
    few members instead of walking the whole board index: its estimate of an XP range
    inside one bucket is far too low)."""
    if scope.kind == "team":
        members = select(L.id.label("id")).where(L.team_id.in_(scope.team_ids))
    elif scope.kind == "program":
        members = select(Enrollment.learner_id.label("id")).where(
            Enrollment.program_id == scope.program_id,
            Enrollment.status.in_(PROGRAM_STATUSES),
        )
    else:
        return T.__table__.join(L, L.id == T.learner_id)
    cte = members.cte("board_members").prefix_with("MATERIALIZED")
    return cte.join(T, T.learner_id == cte.c.id).join(L, L.id == T.learner_id)


def _bucket(window: str, key: str, *, floor: bool = True) -> list:
    """The window's bucket; ``floor``: only XP above 0 (left out when a lower bound is given,
    so that SQLite starts its index range at that bound rather than at 0)."""
    conditions = [T.period_kind == window, T.period_key == key]
    return [*conditions, T.xp > 0] if floor else conditions


def _before(xp: int, reached: datetime, learner_id: int):
    """Rows ranking before (xp, reached, id), written as three index ranges."""
    return or_(
        T.xp > xp,
        and_(T.xp == xp, T.reached_at < reached),
        and_(T.xp == xp, T.reached_at == reached, T.learner_id < learner_id),
    )


def _after(xp: int, reached: datetime, learner_id: int):
    return or_(
        T.xp < xp,
        and_(T.xp == xp, T.reached_at > reached),
        and_(T.xp == xp, T.reached_at == reached, T.learner_id > learner_id),
    )


def _rows_stmt(source, conditions: list):
    return (
        select(T.learner_id, T.xp, L.display_name, L.pseudonym, L.leaderboard_visibility)
        .select_from(source)
        .where(*conditions)
    )


def _row(record, rank: int, viewer_id: int | None) -> Row:
    learner_id, xp, display_name, pseudonym, visibility = record
    return Row(
        rank=rank,
        learner_id=learner_id,
        display_name=shown_name(visibility, display_name, pseudonym, learner_id),
        xp=xp,
        is_me=learner_id == viewer_id,
    )


def _in_scope(scope: Scope, viewer: Learner) -> bool:
    if not viewer.active:
        return False
    if scope.kind == "team":
        return viewer.team_id in scope.team_ids
    if scope.kind == "program":
        return (
            session().scalar(
                select(Enrollment.id).where(
                    Enrollment.program_id == scope.program_id,
                    Enrollment.learner_id == viewer.id,
                    Enrollment.status.in_(PROGRAM_STATUSES),
                )
            )
            is not None
        )
    return True


def board(
    scope,
    window: str,
    viewer: Learner | None,
    limit: int = DEFAULT_LIMIT,
    now: datetime | None = None,
) -> Board:
    """The top ``limit`` of ``scope`` in ``window``'s current bucket, and the viewer's place."""
    _check_window(window)
    resolved = resolve_scope(scope)
    key = period_keys(now or utcnow())[window]
    members = _members(resolved)
    shown = _bucket(window, key) + members
    db = session()
    viewer_id = viewer.id if viewer is not None else None
    top = db.execute(
        _rows_stmt(_source(resolved), shown)
        .order_by(T.xp.desc(), T.reached_at.asc(), T.learner_id.asc())
        .limit(limit)
    ).all()
    rows = [_row(record, rank, viewer_id) for rank, record in enumerate(top, start=1)]
    me = None
    if viewer is not None and _in_scope(resolved, viewer):
        me = _position(resolved, window, key, viewer, members)
    return Board(resolved, window, key, rows, me)


def _position(scope: Scope, window: str, key: str, viewer: Learner, members: list) -> Position:
    db = session()
    hidden = viewer.leaderboard_visibility not in SHOWN
    mine = db.execute(
        select(T.xp, T.reached_at).where(
            T.learner_id == viewer.id, T.period_kind == window, T.period_key == key
        )
    ).first()
    if mine is None or mine.xp <= 0:
        return Position(rank=None, xp=0, hidden=hidden)
    xp, reached = mine.xp, mine.reached_at
    shown = _bucket(window, key) + members
    source = _source(scope)
    before = _count_before(source, shown, xp, reached, viewer.id)
    rank = before + 1
    above = db.execute(
        _rows_stmt(source, [*_bucket(window, key, floor=False), *members, T.xp >= xp])
        .where(_before(xp, reached, viewer.id))
        .order_by(T.xp.asc(), T.reached_at.desc(), T.learner_id.desc())
        .limit(NEIGHBOURS)
    ).all()
    below = db.execute(
        _rows_stmt(source, [*shown, T.xp <= xp, _after(xp, reached, viewer.id)])
        .order_by(T.xp.desc(), T.reached_at.asc(), T.learner_id.asc())
        .limit(NEIGHBOURS)
    ).all()
    # A hidden viewer takes no rank: the first visible learner below holds "their" rank.
    first_below = rank if hidden else rank + 1
    return Position(
        rank=rank,
        xp=xp,
        hidden=hidden,
        above=tuple(_row(r, rank - i, viewer.id) for i, r in enumerate(above, start=1))[::-1],
        below=tuple(_row(r, first_below + i, viewer.id) for i, r in enumerate(below)),
    )


def _count_before(source, shown: list, xp: int, reached: datetime, learner_id: int) -> int:
    """How many shown learners of the scope rank before (xp, reached, learner_id).

    Team and program boards start from their members (indexed); the organisation board
    counts every row before the viewer on the board index, each joined to its learner
    for the visibility: linear in the rank, too slow at 100,000 learners (see
    ``bench/leaderboard.py``). Index-only needs the visibility on the totals rows.
    """
    return session().scalar(
        select(func.count()).select_from(source).where(*shown, _before(xp, reached, learner_id))
    )


def team_board(window: str, viewer: Learner | None, now: datetime | None = None) -> TeamBoard:
    """Teams ranked by XP per active member in ``window`` (ties: reached first)."""
    _check_window(window)
    key = period_keys(now or utcnow())[window]
    members = func.count(T.learner_id)
    xp = func.sum(T.xp)
    records = (
        session()
        .execute(
            select(Team.id, Team.slug, Team.name, members, xp, func.max(T.reached_at))
            .select_from(T)
            .join(L, L.id == T.learner_id)
            .join(Team, Team.id == L.team_id)
            .where(*_bucket(window, key), *_members(Scope("org")))
            .group_by(Team.id, Team.slug, Team.name)
        )
        .all()
    )
    ranked = sorted(
        (r for r in records if r[3] >= MIN_ACTIVE_MEMBERS),
        key=lambda r: (-(r[4] / r[3]), r[5], r[2], r[0]),
    )
    my_team = viewer.team_id if viewer is not None else None
    rows = [
        TeamRow(rank, slug, name, n, int(total), total / n, is_mine=team_id == my_team)
        for rank, (team_id, slug, name, n, total, _last) in enumerate(ranked, start=1)
    ]
    small = [r for r in records if r[3] < MIN_ACTIVE_MEMBERS]
    return TeamBoard(
        window,
        key,
        rows,
        unranked=len(small),
        mine_unranked=any(r[0] == my_team for r in small),
    )


def choose_visibility(learner: Learner, visibility: str) -> Learner:
    """Set how the learner shows on leaderboards (only flushes); boards apply it at once.

    The learner's pseudonym is stored on the first choice, so it is the same from then on.
    """
    if visibility not in VISIBILITIES:
        raise DomainError(
            "invalid_input", _("visibility: use named, pseudonymous or hidden"), "visibility"
        )
    ensure_pseudonym(learner)
    learner.leaderboard_visibility = visibility
    session().flush()
    return learner


__all__ = [
    "Board",
    "Position",
    "Row",
    "Scope",
    "ScopeNotFound",
    "TeamBoard",
    "TeamRow",
    "board",
    "choose_visibility",
    "parse_scope",
    "resolve_scope",
    "team_board",
]
