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

Cost (the statements are in :mod:`.board_queries`): the organisation board is one round
trip of index ranges on ``(period_kind, period_key, listed, xp DESC, reached_at,
learner_id)`` — the top N, the viewer's rank from the maintained count of learners per
higher score (:mod:`.board_index`) plus the ties reached earlier, and the neighbours; a
team's or program's board reads its members' rows once and ranks them in Python.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError
from lms_roi.models import Enrollment, Learner, LearnerTotals, Program, Team
from lms_roi.models._types import VISIBILITIES

from . import board_index
from .board_queries import (
    ABOVE,
    AHEAD,
    BELOW,
    GROUP_ROWS,
    ME,
    MINE,
    NEIGHBOURS,
    ORG_TOP,
    ORG_VIEW,
    PROGRAM_STATUSES,
    TOP,
    board_order,
)
from .periods import period_keys
from .pseudonyms import ensure_pseudonym, shown_name

WINDOWS = ("all", "month", "week")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MIN_ACTIVE_MEMBERS = 5
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
    """Conditions (on T) of the learners a board may show: active and not hidden, which
    the totals rows carry as ``listed``."""
    return [T.listed.is_(True)]


def _bucket(window: str, key: str) -> list:
    """The window's bucket, only XP above 0."""
    return [T.period_kind == window, T.period_key == key, T.xp > 0]


def _row(record, rank: int, viewer_id: int | None) -> Row:
    learner_id, xp, _reached, display_name, pseudonym, visibility = record
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
    board_index.settle()  # this transaction's own awards count on the board it reads
    db = session()
    viewer_id = viewer.id if viewer is not None else None
    bucket = {"kind": window, "key": key}
    in_scope = viewer is not None and _in_scope(resolved, viewer)
    if resolved.kind == "org":
        if in_scope:
            top, me = _org_view(bucket, viewer, limit)
        else:
            top, me = db.execute(ORG_TOP, {**bucket, "limit": limit}).all(), None
    else:
        mine = db.execute(MINE, {**bucket, "viewer": viewer.id}).first() if in_scope else None
        probe_each = db.get_bind().dialect.name == "postgresql"
        if resolved.kind == "team":
            everyone = db.execute(
                GROUP_ROWS["team", probe_each], {**bucket, "team_ids": list(resolved.team_ids)}
            )
        else:
            everyone = db.execute(
                GROUP_ROWS["program", probe_each], {**bucket, "program_id": resolved.program_id}
            )
        everyone = sorted(everyone, key=board_order)
        top = everyone[:limit]
        me = _group_position(everyone, viewer, mine) if in_scope else None
    rows = [_row(record, rank, viewer_id) for rank, record in enumerate(top, start=1)]
    return Board(resolved, window, key, rows, me)


def _unranked(viewer: Learner) -> Position:
    return Position(rank=None, xp=0, hidden=viewer.leaderboard_visibility not in SHOWN)


def _position(viewer: Learner, xp: int, rank: int, above: list, below: list) -> Position:
    # A hidden viewer takes no rank: the first visible learner below holds "their" rank.
    hidden = viewer.leaderboard_visibility not in SHOWN
    first_below = rank if hidden else rank + 1
    return Position(
        rank=rank,
        xp=xp,
        hidden=hidden,
        above=tuple(_row(r, rank - i, viewer.id) for i, r in enumerate(above, start=1))[::-1],
        below=tuple(_row(r, first_below + i, viewer.id) for i, r in enumerate(below)),
    )


def _org_view(bucket: dict, viewer: Learner, limit: int) -> tuple[list, Position]:
    """The organisation's top ``limit`` and the viewer's position, in one round trip."""
    parts: dict[int, list] = {TOP: [], ME: [], AHEAD: [], ABOVE: [], BELOW: []}
    for part, *record in session().execute(
        ORG_VIEW, {**bucket, "limit": limit, "viewer": viewer.id}
    ):
        parts[part].append(record)
    top = sorted(parts[TOP], key=_record_order)
    mine = parts[ME][0] if parts[ME] else None
    if mine is None or mine[1] <= 0:
        return top, _unranked(viewer)
    rank = int(parts[AHEAD][0][1]) + 1
    above = sorted(parts[ABOVE], key=_record_order, reverse=True)
    below = sorted(parts[BELOW], key=_record_order)
    return top, _position(viewer, mine[1], rank, above, below)


def _record_order(record) -> tuple:
    learner_id, xp, reached_at = record[:3]
    return (-xp, reached_at, learner_id)


def _group_position(everyone: list, viewer: Learner, mine) -> Position:
    if mine is None or mine.xp <= 0:
        return _unranked(viewer)
    me = (-mine.xp, mine.reached_at, viewer.id)
    place = bisect_left(everyone, me, key=board_order)
    after = (
        place + 1 if place < len(everyone) and everyone[place].learner_id == viewer.id else place
    )
    above = everyone[max(0, place - NEIGHBOURS) : place][::-1]
    below = everyone[after : after + NEIGHBOURS]
    return _position(viewer, mine.xp, place + 1, above, below)


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
