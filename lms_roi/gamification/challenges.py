"""Challenges: reach a goal within a time window, alone or as a team; winners settled once.

Progress is read live from the records (XP ledger, completions, attempts) with one
grouped query, so a progress bar is never stale. When the window has closed, the
first caller — ``lms-roi gamification settle`` from cron, or the first page read
after the close — claims the settlement with a conditional UPDATE, so winners are
rewarded exactly once even when both happen at the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update

from lms_roi.db import chunked, session, utcnow
from lms_roi.models import (
    Attempt,
    Badge,
    Challenge,
    ChallengeProgress,
    Completion,
    Learner,
    Module,
    Notification,
    Quiz,
    XpEvent,
)

METRICS = ("xp", "modules_completed", "quizzes_passed")
SCOPES = ("individual", "team")


@dataclass(frozen=True)
class ChallengeView:
    """A challenge as one learner sees it: their (or their team's) progress and the outcome."""

    challenge: Challenge
    progress: int
    team_name: str | None

    @property
    def goal(self) -> int:
        return self.challenge.goal

    @property
    def percent(self) -> float:
        return min(100.0, 100 * self.progress / self.goal) if self.goal else 0.0

    def status(self, now: datetime) -> str:
        """``upcoming``, ``running``, ``won`` or ``missed``."""
        if now < self.challenge.starts_at:
            return "upcoming"
        if now < self.challenge.ends_at:
            return "won" if self.progress >= self.goal else "running"
        return "won" if self.progress >= self.goal else "missed"


def progress_by_learner(challenge: Challenge, learner_ids=None) -> dict[int, int]:
    """Each learner's progress in the window (learners without any are absent): one query."""
    start, end = challenge.starts_at, challenge.ends_at
    if challenge.metric == "xp":
        # XP earned in the window, challenge rewards excluded (no reward feeds a goal).
        stmt = (
            select(XpEvent.learner_id, func.sum(XpEvent.points))
            .where(
                XpEvent.occurred_at >= start,
                XpEvent.occurred_at < end,
                XpEvent.reason != "challenge",
            )
            .group_by(XpEvent.learner_id)
        )
        column = XpEvent.learner_id
    elif challenge.metric == "modules_completed":
        stmt = (
            select(Completion.learner_id, func.count(func.distinct(Completion.module_id)))
            .join(Module, Module.id == Completion.module_id)
            .where(Completion.completed_at >= start, Completion.completed_at < end)
            .group_by(Completion.learner_id)
        )
        if challenge.method:
            stmt = stmt.where(Module.method == challenge.method)
        column = Completion.learner_id
    else:
        stmt = (
            select(Attempt.learner_id, func.count(func.distinct(Attempt.quiz_id)))
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(
                Attempt.passed.is_(True),
                Attempt.submitted_at >= start,
                Attempt.submitted_at < end,
            )
            .group_by(Attempt.learner_id)
        )
        column = Attempt.learner_id
    if learner_ids is not None:
        ids = learner_ids if hasattr(learner_ids, "subquery") else list(learner_ids)
        stmt = stmt.where(column.in_(ids))
    return {learner_id: int(value or 0) for learner_id, value in session().execute(stmt)}


def progress_by_team(challenge: Challenge) -> dict[int, int]:
    """Each team's progress: the sum of its active members' progress."""
    per_learner = progress_by_learner(challenge)
    teams: dict[int, int] = {}
    for part in chunked(sorted(per_learner)):
        for learner_id, team_id in session().execute(
            select(Learner.id, Learner.team_id).where(
                Learner.id.in_(part), Learner.team_id.is_not(None), Learner.active.is_(True)
            )
        ):
            teams[team_id] = teams.get(team_id, 0) + per_learner[learner_id]
    return teams


def team_progress(challenge: Challenge, team_id: int) -> int:
    """One team's progress: the sum over its active members only (one small query)."""
    members = select(Learner.id).where(Learner.team_id == team_id, Learner.active.is_(True))
    return sum(progress_by_learner(challenge, members).values())


def for_learner(
    learner: Learner, now: datetime | None = None, *, settle: bool = True
) -> list[ChallengeView]:
    """The challenges open to the learner (running, upcoming and those closed in the last
    30 days), with their progress; closed ones are settled first if nobody did yet
    (``settle=False`` for a read-only glance: the caller will not commit)."""
    now = now or utcnow()
    if settle:
        settle_due(now)
    challenges = (
        session()
        .scalars(
            select(Challenge)
            .where(Challenge.ends_at >= now - timedelta(days=30))
            .order_by(Challenge.ends_at, Challenge.id)
        )
        .all()
    )
    views = []
    for challenge in challenges:
        if challenge.scope == "team":
            if learner.team_id is None:
                continue
            progress = team_progress(challenge, learner.team_id)
            views.append(ChallengeView(challenge, progress, learner.team.name))
        else:
            progress = progress_by_learner(challenge, [learner.id]).get(learner.id, 0)
            views.append(ChallengeView(challenge, progress, None))
    return views


def settle_due(now: datetime | None = None) -> int:
    """Settle every closed, unsettled challenge; returns how many were settled now."""
    now = now or utcnow()
    due = (
        session()
        .scalars(
            select(Challenge.id).where(Challenge.ends_at <= now, Challenge.settled_at.is_(None))
        )
        .all()
    )
    return sum(1 for challenge_id in due if settle(challenge_id, now) is not None)


def settle(challenge_id: int, now: datetime | None = None) -> list[int] | None:
    """Reward the winners of a closed challenge, once; returns the rewarded learner ids.

    None when the window is still open or another caller settled it already.
    """
    now = now or utcnow()
    db = session()
    claimed = db.execute(
        update(Challenge)
        .where(
            Challenge.id == challenge_id,
            Challenge.settled_at.is_(None),
            Challenge.ends_at <= now,
        )
        .values(settled_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return None
    challenge = db.get(Challenge, challenge_id)
    db.refresh(challenge)
    if challenge.scope == "team":
        teams = progress_by_team(challenge)
        if teams:
            db.execute(
                insert(ChallengeProgress),
                [
                    dict(
                        challenge_id=challenge.id,
                        team_id=team_id,
                        progress=value,
                        completed_at=challenge.ends_at if value >= challenge.goal else None,
                    )
                    for team_id, value in sorted(teams.items())
                ],
            )
        won = [team_id for team_id, value in teams.items() if value >= challenge.goal]
        winners = (
            db.scalars(
                select(Learner.id).where(Learner.team_id.in_(won), Learner.active.is_(True))
            ).all()
            if won
            else []
        )
    else:
        per_learner = progress_by_learner(challenge)
        if per_learner:
            db.execute(
                insert(ChallengeProgress),
                [
                    dict(
                        challenge_id=challenge.id,
                        learner_id=learner_id,
                        progress=value,
                        completed_at=challenge.ends_at if value >= challenge.goal else None,
                    )
                    for learner_id, value in sorted(per_learner.items())
                ],
            )
        winners = sorted(lid for lid, value in per_learner.items() if value >= challenge.goal)
    for learner_id in winners:
        _reward(challenge, learner_id)
    db.flush()
    if winners:
        from . import badges

        badges.evaluate(winners, challenge.ends_at)  # e.g. a "challenge won" badge
    return winners


def _reward(challenge: Challenge, learner_id: int) -> None:
    """The reward of one winner: XP through the ledger, the badge, a notification."""
    from . import engine

    if challenge.reward_xp:
        engine.award(
            learner_id,
            challenge.reward_xp,
            "challenge",
            f"challenge:{challenge.id}:{learner_id}",
            challenge.ends_at,
        )
    if challenge.badge_id:
        from . import badges

        # Through the badge rules: once per learner, its notification, signal and XP.
        badges.award_badge(
            learner_id,
            session().get(Badge, challenge.badge_id),
            challenge.ends_at,
            evidence={"challenge": challenge.slug},
        )
    session().add(
        Notification(
            learner_id=learner_id,
            kind="challenge_won",
            message="",
            payload={"challenge": challenge.slug, "title": challenge.title},
        )
    )
