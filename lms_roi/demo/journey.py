"""The demo learners' state in the product's own terms: prerequisites, review queues, a
lesson in progress. Built from the history already generated, with the product's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from lms_roi.db import session
from lms_roi.models import (
    Attempt,
    AttemptAnswer,
    Completion,
    Learner,
    Module,
    ModulePrerequisite,
    ModuleProgress,
    ReviewItem,
)

from .content import PREREQUISITES
from .people import DEMO_DOMAIN


def create_prerequisites(module_ids: dict[str, int]) -> None:
    """The demo catalog's enforced prerequisites."""
    session().execute(
        insert(ModulePrerequisite),
        [
            dict(module_id=module_ids[slug], required_module_id=module_ids[required])
            for slug, requirements in PREREQUISITES.items()
            for required in requirements
        ],
    )


def queue_missed_questions() -> int:
    """Every question a learner missed enters their review queue (Leitner box 1).

    As the product does after a quiz: due one day after the last attempt that missed
    it. Nobody has reviewed yet, so each learner has a daily review waiting. One
    INSERT ... SELECT.
    """
    db = session()
    rows = db.execute(
        select(
            Attempt.learner_id,
            AttemptAnswer.question_id,
            func.max(Attempt.submitted_at),
        )
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(AttemptAnswer.correct.is_(False), Attempt.submitted_at.is_not(None))
        .group_by(Attempt.learner_id, AttemptAnswer.question_id)
    ).all()
    items = [
        dict(
            learner_id=learner_id,
            question_id=question_id,
            box=1,
            interval_days=1,
            repetitions=0,
            due_at=_aware(missed_at) + timedelta(days=1),
        )
        for learner_id, question_id, missed_at in rows
    ]
    for start in range(0, len(items), 5000):
        db.execute(insert(ReviewItem), items[start : start + 5000])
    return len(items)


def start_a_lesson(now: datetime) -> None:
    """learner1 is halfway through a lesson they have not completed (to resume on their home)."""
    db = session()
    learner = db.scalar(select(Learner).where(Learner.email == f"learner1@{DEMO_DOMAIN}"))
    if learner is None:
        return
    done = select(Completion.module_id).where(Completion.learner_id == learner.id)
    locked = select(ModulePrerequisite.module_id)
    module = db.scalar(
        select(Module)
        .where(
            Module.published.is_(True),
            Module.id.not_in(done),
            Module.id.not_in(locked),
        )
        .order_by(Module.duration_minutes, Module.slug)
        .limit(1)
    )
    if module is None:
        return
    db.add(
        ModuleProgress(
            learner_id=learner.id,
            module_id=module.id,
            version=module.current_version,
            started_at=now - timedelta(days=2, minutes=9),
            last_activity_at=now - timedelta(days=2),
            time_spent_s=9 * 60,
            steps_seen=[0, 1],
            current_step=2,
        )
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)




def create_challenges(as_of: date) -> None:
    """A running individual and team challenge, and last month's, settled with its winners."""
    from lms_roi.gamification.challenges import settle_due
    from lms_roi.models import Challenge

    month = as_of.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    last_month = (month - timedelta(days=1)).replace(day=1)
    monday = as_of - timedelta(days=as_of.weekday())

    def moment(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=UTC)

    db = session()
    db.add_all(
        [
            Challenge(
                slug="micro-sprint",
                title="Micro-learning sprint: 3 micro-modules this month",
                description="Three short modules before the month ends.",
                scope="individual",
                metric="modules_completed",
                method="micro_learning",
                goal=3,
                starts_at=moment(month),
                ends_at=moment(next_month),
                reward_xp=50,
            ),
            Challenge(
                slug="team-xp-week",
                title="XP week: 500 together as a team",
                description="Every module, quiz and review of the team counts.",
                scope="team",
                metric="xp",
                goal=500,
                starts_at=moment(monday),
                ends_at=moment(monday + timedelta(days=7)),
                reward_xp=30,
            ),
            Challenge(
                slug="quiz-marathon",
                title="Quiz marathon",
                description="Last month's challenge: pass two quizzes.",
                scope="individual",
                metric="quizzes_passed",
                goal=2,
                starts_at=moment(last_month),
                ends_at=moment(month),
                reward_xp=40,
            ),
        ]
    )
    db.flush()
    settle_due(moment(as_of) + timedelta(hours=9))
