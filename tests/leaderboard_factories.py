"""Builders for leaderboard tests: totals rows written directly (no XP engine involved)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factories import make_person
from lms_roi.db import session
from lms_roi.gamification.periods import period_keys
from lms_roi.models import Enrollment, Learner, LearnerTotals, Program, Team

#: Thursday 26 November 2026, 13:00 in Paris: week 2026-W48, month 2026-11.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
EARLY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    """A moment ``hours`` after Monday 23 November 2026 08:00 UTC (inside every bucket)."""
    return EARLY + timedelta(hours=hours)


def make_totals(
    learner: Learner,
    xp: int,
    reached_at: datetime | None = None,
    *,
    window: str = "all",
    key: str | None = None,
) -> LearnerTotals:
    """The learner's total in ``window``'s bucket of :data:`NOW` (or bucket ``key``)."""
    row = LearnerTotals(
        learner_id=learner.id,
        period_kind=window,
        period_key=key or period_keys(NOW)[window],
        xp=xp,
        reached_at=reached_at or EARLY,
    )
    session().add(row)
    session().flush()
    return row


def make_everywhere(learner: Learner, xp: int, reached_at: datetime | None = None) -> None:
    """The same total in the all-time, month and week buckets."""
    for window in ("all", "month", "week"):
        make_totals(learner, xp, reached_at, window=window)


def make_learners(
    names: str, *, team: Team | None = None, password: str | None = None
) -> dict[str, Learner]:
    """Learners named by the words of ``names`` (``"ana bo"``), keyed by name.

    No login unless ``password`` is given (hashing is slow).
    """
    return {
        name: make_person(f"{name}@example.com", name=name.title(), team=team, password=password)
        for name in names.split()
    }


def make_enrollment(learner: Learner, program: Program, status: str = "active") -> Enrollment:
    enrollment = Enrollment(learner_id=learner.id, program_id=program.id, status=status)
    session().add(enrollment)
    session().flush()
    return enrollment
