"""Teams ranked by XP per active member, read from the maintained totals (DESIGN §6).

An active member is an active learner of the team who earned XP in the window
(a ``LearnerTotals`` row above zero for this week, this month or all time).
A team with fewer than :data:`~lms_roi.analytics.disclosure.MIN_LEARNERS`
active members is left off the board: its figure would describe a few people,
and its place between two shown teams would bound it. Only the ratio is shown,
never a team's total or member count, so two windows cannot be subtracted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, cast, exists, func, select

from lms_roi.db import session
from lms_roi.gamification.periods import current_keys
from lms_roi.models import Learner, LearnerTotals, RoleGrant, Team

from .disclosure import MIN_LEARNERS

#: Windows of the team board, the default first.
BOARD_WINDOWS = ("month", "week", "all")


@dataclass(frozen=True)
class TeamStanding:
    """A team's place on the board."""

    rank: int
    team: str
    xp_per_member: float


@dataclass(frozen=True)
class TeamBoard:
    window: str
    rows: list[TeamStanding]
    left_off: int
    min_learners: int


def team_board(window: str, now: datetime, min_learners: int = MIN_LEARNERS) -> TeamBoard:
    """Teams ranked by XP per active member in ``window`` (``month``, ``week`` or ``all``).

    Ties go to the team whose members reached their totals first (the latest
    ``reached_at`` of the team, earlier ranks higher), then to the name.
    """
    if window not in BOARD_WINDOWS:
        raise ValueError(f"unknown window {window!r}")
    key = current_keys(now)[window]
    is_learner = exists().where(RoleGrant.learner_id == Learner.id, RoleGrant.role == "learner")
    members = func.count(LearnerTotals.learner_id)
    ratio = cast(func.sum(LearnerTotals.xp), Float) / members
    stmt = (
        select(
            Team.name,
            ratio.label("ratio"),
            members.label("members"),
            func.max(LearnerTotals.reached_at).label("reached_at"),
        )
        .join(Learner, Learner.team_id == Team.id)
        .join(LearnerTotals, LearnerTotals.learner_id == Learner.id)
        .where(
            LearnerTotals.period_kind == window,
            LearnerTotals.period_key == key,
            LearnerTotals.xp > 0,
            Learner.active.is_(True),
            # As on the learners' team board: a hidden learner's XP is never counted.
            Learner.leaderboard_visibility != "hidden",
            is_learner,
        )
        .group_by(Team.id, Team.name)
    )
    teams = session().execute(stmt).all()
    shown = sorted(
        (team for team in teams if team.members >= min_learners),
        key=lambda team: (-team.ratio, team.reached_at, team.name.casefold()),
    )
    rows = [
        TeamStanding(rank=i, team=team.name, xp_per_member=float(team.ratio))
        for i, team in enumerate(shown, start=1)
    ]
    return TeamBoard(
        window=window, rows=rows, left_off=len(teams) - len(shown), min_learners=min_learners
    )
