"""A tutor's mentees' learning figures beyond completions: one ``GROUP BY`` each.

Quiz attempts (quizzes attempted and passed), review items (due today), follow-up
answers (applied or not), streaks, and the latest tutoring session in any pair, as
tutor or mentee. Each also feeds the mentee's last learning action (DESIGN §6).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, select, union_all

from lms_roi.db import session
from lms_roi.gamification.streaks import current_length
from lms_roi.models import Attempt, FollowUp, ReviewItem, Streak, TutoringPair, TutoringSession

if TYPE_CHECKING:
    from .mentees import MenteeRow


def add_learning_figures(rows: dict[int, MenteeRow], now: datetime) -> None:
    """Fill the rows' quiz, review, follow-up and streak figures and their last activity."""
    _add_quizzes(rows)
    _add_reviews(rows, now)
    _add_follow_ups(rows)
    _add_streaks(rows)
    _add_any_sessions(rows)


def _add_quizzes(rows: dict[int, MenteeRow]) -> None:
    passed = case((Attempt.passed.is_(True), Attempt.quiz_id))
    stats = session().execute(
        select(
            Attempt.learner_id,
            func.count(func.distinct(Attempt.quiz_id)),
            func.count(func.distinct(passed)),
            func.max(Attempt.submitted_at),
        )
        .where(Attempt.learner_id.in_(list(rows)), Attempt.submitted_at.is_not(None))
        .group_by(Attempt.learner_id)
    )
    for learner_id, attempted, n_passed, last in stats:
        row = rows[learner_id]
        row.quizzes_attempted, row.quizzes_passed = attempted, n_passed
        row.saw(last)


def _add_reviews(rows: dict[int, MenteeRow], now: datetime) -> None:
    due = and_(ReviewItem.retired_at.is_(None), ReviewItem.due_at <= now)
    stats = session().execute(
        select(
            ReviewItem.learner_id,
            func.sum(case((due, 1), else_=0)),
            func.max(ReviewItem.last_reviewed_at),
        )
        .where(ReviewItem.learner_id.in_(list(rows)))
        .group_by(ReviewItem.learner_id)
    )
    for learner_id, n_due, last in stats:
        row = rows[learner_id]
        row.reviews_due = int(n_due or 0)
        row.saw(last)


def _add_follow_ups(rows: dict[int, MenteeRow]) -> None:
    stats = session().execute(
        select(
            FollowUp.learner_id,
            func.count(FollowUp.id),
            func.sum(case((FollowUp.applied.is_(True), 1), else_=0)),
            func.sum(case((FollowUp.applied.is_(False), 1), else_=0)),
        )
        .where(FollowUp.learner_id.in_(list(rows)), FollowUp.answered_at.is_not(None))
        .group_by(FollowUp.learner_id)
    )
    for learner_id, answered, applied, not_applied in stats:
        row = rows[learner_id]
        row.follow_ups_answered = answered
        row.follow_ups_applied, row.follow_ups_not_applied = (
            int(applied or 0),
            int(not_applied or 0),
        )


def _add_streaks(rows: dict[int, MenteeRow]) -> None:
    for streak in session().scalars(select(Streak).where(Streak.learner_id.in_(list(rows)))):
        row = rows[streak.learner_id]
        row.streak = current_length(streak, row.today)


def _add_any_sessions(rows: dict[int, MenteeRow]) -> None:
    # A tutoring session is a learning action of both sides, in any pair.
    ids = list(rows)
    sides = union_all(
        select(TutoringPair.mentee_id.label("learner_id"), TutoringSession.held_on)
        .join(TutoringSession, TutoringSession.pair_id == TutoringPair.id)
        .where(TutoringPair.mentee_id.in_(ids)),
        select(TutoringPair.tutor_id.label("learner_id"), TutoringSession.held_on)
        .join(TutoringSession, TutoringSession.pair_id == TutoringPair.id)
        .where(TutoringPair.tutor_id.in_(ids)),
    ).subquery()
    for learner_id, last in session().execute(
        select(sides.c.learner_id, func.max(sides.c.held_on)).group_by(sides.c.learner_id)
    ):
        rows[learner_id].saw(last)
