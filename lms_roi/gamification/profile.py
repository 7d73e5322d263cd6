"""A learner's game figures for their home: XP, level, streak, badges, notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from lms_roi.db import session, utcnow
from lms_roi.models import Badge, BadgeAward, Learner, LearnerTotals, Notification, Streak

from .levels import Level, level_for
from .periods import local_day, period_keys
from .settings import rules
from .streaks import current_length

#: The feed shows this many latest notifications.
FEED_SIZE = 8


@dataclass(frozen=True)
class GameFigures:
    """What the learner home shows of the game, read from maintained totals (four queries)."""

    xp: int
    xp_week: int
    xp_month: int
    level: Level
    streak: int
    longest_streak: int
    badges: list[tuple[Badge, BadgeAward]]
    notifications: list[Notification]
    unread: int


def figures(learner: Learner, now: datetime | None = None) -> GameFigures:
    """The learner's XP (all time, this week, this month), level, streak, badges and feed."""
    now = now or utcnow()
    db = session()
    keys = period_keys(now)
    totals = dict(
        db.execute(
            select(LearnerTotals.period_kind, LearnerTotals.xp).where(
                LearnerTotals.learner_id == learner.id,
                (
                    (LearnerTotals.period_kind == "all")
                    | (
                        (LearnerTotals.period_kind == "week")
                        & (LearnerTotals.period_key == keys["week"])
                    )
                    | (
                        (LearnerTotals.period_kind == "month")
                        & (LearnerTotals.period_key == keys["month"])
                    )
                ),
            )
        ).all()
    )
    streak = db.scalar(select(Streak).where(Streak.learner_id == learner.id))
    badges = [
        tuple(row)
        for row in db.execute(
            select(Badge, BadgeAward)
            .join(BadgeAward, BadgeAward.badge_id == Badge.id)
            .where(BadgeAward.learner_id == learner.id, BadgeAward.revoked.is_(False))
            .order_by(BadgeAward.issued_on.desc())
        )
    ]
    notifications = list(
        db.scalars(
            select(Notification)
            .where(Notification.learner_id == learner.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(FEED_SIZE)
        )
    )
    unread = db.scalar(
        select(func.count(Notification.id)).where(
            Notification.learner_id == learner.id, Notification.read_at.is_(None)
        )
    )
    xp = int(totals.get("all", 0) or 0)
    return GameFigures(
        xp=xp,
        xp_week=int(totals.get("week", 0) or 0),
        xp_month=int(totals.get("month", 0) or 0),
        level=level_for(xp, rules()),
        streak=current_length(streak, local_day(now, learner.timezone)),
        longest_streak=streak.longest_length if streak else 0,
        badges=badges,
        notifications=notifications,
        unread=unread,
    )


def mark_read(learner: Learner, now: datetime | None = None) -> int:
    """Mark every notification of the learner read (only flushes); returns how many."""
    return (
        session()
        .execute(
            update(Notification)
            .where(Notification.learner_id == learner.id, Notification.read_at.is_(None))
            .values(read_at=now or utcnow())
            .execution_options(synchronize_session=False)
        )
        .rowcount
    )
