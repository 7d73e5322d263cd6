"""XP test helpers: learners in a time zone, moments, and reads of ledger and totals."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.models import Learner, LearnerTotals, Notification, Streak, XpEvent

PARIS = ZoneInfo("Europe/Paris")


def make_learner(name: str = "ana", timezone: str = "Europe/Paris") -> Learner:
    """A learner profile without login (fast), in ``timezone``."""
    learner = Learner(
        external_id=name, email=f"{name}@example.com", display_name=name.title(), timezone=timezone
    )
    session().add(learner)
    session().flush()
    return learner


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0, tz=PARIS) -> datetime:
    """A moment given in local time (Paris by default), as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=tz).astimezone(UTC)


def ledger(learner: Learner) -> list[tuple[str, int]]:
    """The learner's ledger in time order as (reason, points); a streak bonus follows
    the action it came with."""
    return [
        (row.reason, row.points)
        for row in session().execute(
            select(XpEvent.reason, XpEvent.points)
            .where(XpEvent.learner_id == learner.id)
            .order_by(XpEvent.occurred_at, XpEvent.id)
        )
    ]


def totals(learner: Learner) -> dict[tuple[str, str], int]:
    """The learner's maintained totals by (kind, key)."""
    return {
        (kind, key): xp
        for kind, key, xp in session().execute(
            select(LearnerTotals.period_kind, LearnerTotals.period_key, LearnerTotals.xp).where(
                LearnerTotals.learner_id == learner.id
            )
        )
    }


def total_xp(learner: Learner) -> int:
    return totals(learner).get(("all", "all"), 0)


def ledger_sum(learner: Learner) -> int:
    return session().scalar(
        select(func.coalesce(func.sum(XpEvent.points), 0)).where(XpEvent.learner_id == learner.id)
    )


def streak_of(learner: Learner) -> tuple[int, int, object] | None:
    row = (
        session()
        .execute(
            select(Streak.current_length, Streak.longest_length, Streak.last_active_on).where(
                Streak.learner_id == learner.id
            )
        )
        .first()
    )
    return tuple(row) if row else None


def level_notifications(learner: Learner) -> list[int]:
    return [
        payload["level"]
        for payload in session().scalars(
            select(Notification.payload)
            .where(Notification.learner_id == learner.id, Notification.kind == "level_up")
            .order_by(Notification.id)
        )
    ]
