"""Gamification: XP ledger and maintained totals, badges, challenges, streaks, notifications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms_roi.db import Base, UtcDateTime, utcnow

from ._types import one_of


class XpEvent(Base):
    """Append-only XP ledger; ``idempotency_key`` makes every award happen once."""

    __tablename__ = "lms_roi_xp_event"
    __table_args__ = (Index("ix_lms_roi_xp_event_learner_day", "learner_id", "local_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(40), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(191), unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    # The calendar day of the event where the learner is: daily cap, streaks, active days.
    # Every learning action has a row, with 0 points when it earns none.
    local_day: Mapped[date] = mapped_column(Date)
    # A live action the anti-gaming guard refused XP for (shown to analysts).
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class LearnerTotals(Base):
    """XP per learner and period bucket, kept current in the ledger's transaction.

    ``period_kind`` is ``all``, ``week`` or ``month``; ``period_key`` is ``all``,
    an ISO week such as ``2026-W48`` or a month such as ``2026-11``.
    ``reached_at`` is when the current total was reached (leaderboard ties).
    """

    __tablename__ = "lms_roi_learner_totals"
    __table_args__ = (
        UniqueConstraint("learner_id", "period_kind", "period_key"),
        one_of("period_kind", ("all", "week", "month")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    period_kind: Mapped[str] = mapped_column(String(8))
    period_key: Mapped[str] = mapped_column(String(10))
    xp: Mapped[int] = mapped_column(Integer, default=0)
    reached_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Whether the learner shows on boards (active and not hidden), kept from the learner so
    # that a board and a rank are read from this table's index alone.
    listed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


# The board order (XP descending, then who reached it first, then id) as one index range.
Index(
    "ix_lms_roi_learner_totals_board",
    LearnerTotals.period_kind,
    LearnerTotals.period_key,
    LearnerTotals.listed,
    LearnerTotals.xp.desc(),
    LearnerTotals.reached_at,
    LearnerTotals.learner_id,
)


class BoardScore(Base):
    """How many listed learners hold each XP score in a period bucket (above 0 XP).

    A learner's organisation rank is the sum of the counts above their score plus the
    ties reached before them, so it costs one short index range instead of a count over
    everyone ahead. Kept by ``lms_roi.gamification.board_index`` at each commit.
    """

    __tablename__ = "lms_roi_board_score"

    period_kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    period_key: Mapped[str] = mapped_column(String(10), primary_key=True)
    xp: Mapped[int] = mapped_column(Integer, primary_key=True)
    learners: Mapped[int] = mapped_column(Integer, default=0)


class Badge(Base):
    """A badge class with declarative award criteria (exported as Open Badges 2.0)."""

    __tablename__ = "lms_roi_badge"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str] = mapped_column(String(255), default="")
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    xp: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BadgeAward(Base):
    """A badge earned by a learner: awarded once, revocable."""

    __tablename__ = "lms_roi_badge_award"
    __table_args__ = (UniqueConstraint("learner_id", "badge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    badge_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_badge.id", ondelete="CASCADE"), index=True
    )
    issued_on: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revocation_reason: Mapped[str] = mapped_column(Text, default="")


class Challenge(Base):
    """An individual or team challenge: reach ``goal`` of ``metric`` within a window."""

    __tablename__ = "lms_roi_challenge"
    __table_args__ = (
        one_of("scope", ("individual", "team")),
        one_of("metric", ("xp", "modules_completed", "quizzes_passed")),
        CheckConstraint("ends_at > starts_at", name="window_ordered"),
        CheckConstraint("goal > 0", name="goal_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(12), default="individual")
    metric: Mapped[str] = mapped_column(String(24), default="xp")
    # For modules_completed: count only modules of this method (None: any method).
    method: Mapped[str | None] = mapped_column(String(20))
    goal: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    reward_xp: Mapped[int] = mapped_column(Integer, default=0)
    # Set once, when the closed window's winners were rewarded (settlement runs once).
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    badge_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_badge.id", ondelete="SET NULL"), index=True
    )


class ChallengeProgress(Base):
    """Progress of a learner (individual scope) or a team (team scope) in a challenge."""

    __tablename__ = "lms_roi_challenge_progress"
    __table_args__ = (
        # NULLs are distinct, so each constraint binds only its own scope.
        UniqueConstraint("challenge_id", "learner_id"),
        UniqueConstraint("challenge_id", "team_id"),
        CheckConstraint("(learner_id IS NULL) <> (team_id IS NULL)", name="learner_or_team"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_challenge.id", ondelete="CASCADE"), index=True
    )
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_team.id", ondelete="CASCADE"), index=True
    )
    progress: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Streak(Base):
    """Consecutive active calendar days of a learner (in the learner's timezone)."""

    __tablename__ = "lms_roi_streak"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), unique=True
    )
    current_length: Mapped[int] = mapped_column(Integer, default=0)
    longest_length: Mapped[int] = mapped_column(Integer, default=0)
    last_active_on: Mapped[date | None] = mapped_column(Date)


class Notification(Base):
    """A message to a person (badge earned, level up, follow-up due, at-risk mentee)."""

    __tablename__ = "lms_roi_notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
