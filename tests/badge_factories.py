"""Builders for badge tests: badges, quiz attempts, streaks, challenge wins, PNG files."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from lms_roi.db import session
from lms_roi.models import (
    Attempt,
    Badge,
    Challenge,
    ChallengeProgress,
    Learner,
    Quiz,
    Streak,
    Team,
)

AT = datetime(2026, 3, 10, 12, tzinfo=UTC)


def make_badge(
    slug: str = "first-steps",
    criteria: dict | None = None,
    *,
    xp: int = 0,
    active: bool = True,
    name: str | None = None,
) -> Badge:
    badge = Badge(
        slug=slug,
        name=name or slug.replace("-", " ").capitalize(),
        description="",
        criteria=criteria or {"kind": "modules_completed", "min": 1},
        xp=xp,
        active=active,
        image="",
    )
    session().add(badge)
    session().flush()
    return badge


def make_attempt(learner: Learner, quiz_slug: str, score: float, when: datetime = AT) -> Attempt:
    """A submitted attempt at a (new or existing) practice quiz ``quiz_slug``."""
    quiz = session().query(Quiz).filter_by(slug=quiz_slug).one_or_none()
    if quiz is None:
        quiz = Quiz(slug=quiz_slug, title=quiz_slug, kind="practice")
        session().add(quiz)
        session().flush()
    number = session().query(Attempt).filter_by(quiz_id=quiz.id, learner_id=learner.id).count()
    attempt = Attempt(
        quiz_id=quiz.id,
        learner_id=learner.id,
        attempt_no=number + 1,
        started_at=when - timedelta(minutes=5),
        submitted_at=when,
        score_pct=score,
        passed=score >= 70,
    )
    session().add(attempt)
    session().flush()
    return attempt


def make_streak(learner: Learner, current: int, longest: int | None = None) -> Streak:
    streak = Streak(
        learner_id=learner.id,
        current_length=current,
        longest_length=current if longest is None else longest,
    )
    session().add(streak)
    session().flush()
    return streak


def make_challenge_win(
    slug: str,
    *,
    learner: Learner | None = None,
    team: Team | None = None,
    won_at: datetime | None = AT,
) -> ChallengeProgress:
    """A challenge and the progress of a learner or a team (won at ``won_at``, or not)."""
    challenge = Challenge(
        slug=slug,
        title=slug.replace("-", " ").capitalize(),
        scope="team" if team else "individual",
        metric="modules_completed",
        goal=3,
        starts_at=AT - timedelta(days=7),
        ends_at=AT + timedelta(days=7),
    )
    session().add(challenge)
    session().flush()
    progress = ChallengeProgress(
        challenge_id=challenge.id,
        learner_id=learner.id if learner else None,
        team_id=team.id if team else None,
        progress=3 if won_at else 1,
        completed_at=won_at,
    )
    session().add(progress)
    session().flush()
    return progress


def png_bytes(size: tuple[int, int] = (120, 80), colour=(200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(size: tuple[int, int] = (300, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()
