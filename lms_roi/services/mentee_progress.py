"""One mentee's learning, in detail, for their tutor's page (learning data only, DESIGN §8).

The path modules of the tutor's pairs in order, the quiz results and the follow-up
answers: one query each. Callers check the tutor's access first
(:func:`lms_roi.services.mentees.active_pairs_with`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select

from lms_roi.db import session
from lms_roi.gamification.periods import local_day
from lms_roi.models import (
    Attempt,
    Completion,
    FollowUp,
    Learner,
    Module,
    Program,
    ProgramModule,
    Quiz,
)


@dataclass(frozen=True)
class PathStep:
    """A module of a path: done (on which day, best score) or still to do."""

    position: int
    slug: str
    title: str
    done_on: date | None
    best_score: float | None


@dataclass
class Path:
    """A program followed in a pair, its modules in order."""

    slug: str
    title: str
    steps: list[PathStep] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(step.done_on is not None for step in self.steps)


@dataclass(frozen=True)
class QuizResult:
    """A quiz the mentee submitted: attempts, failures, best score, passed or not."""

    title: str
    kind: str
    attempts: int
    failures: int
    best_score: float | None
    passed: bool
    last_on: date


@dataclass(frozen=True)
class FollowUpAnswer:
    """A follow-up the mentee answered: does the skill of the module show at work?"""

    module: str
    offset_days: int
    applied: bool | None
    answered_on: date


def paths(mentee: Learner, program_ids: Iterable[int]) -> list[Path]:
    """The programs' modules in order, each with the mentee's completion (by title)."""
    ids = [program_id for program_id in program_ids if program_id is not None]
    if not ids:
        return []
    done = (
        select(
            Completion.module_id,
            func.max(Completion.completed_at).label("last"),
            func.max(Completion.score).label("best"),
        )
        .where(Completion.learner_id == mentee.id)
        .group_by(Completion.module_id)
        .subquery()
    )
    found: dict[str, Path] = {}
    for row in session().execute(
        select(
            Program.slug.label("program_slug"),
            Program.title.label("program_title"),
            ProgramModule.position,
            Module.slug,
            Module.title,
            done.c.last,
            done.c.best,
        )
        .join(ProgramModule, ProgramModule.program_id == Program.id)
        .join(Module, Module.id == ProgramModule.module_id)
        .outerjoin(done, done.c.module_id == Module.id)
        .where(Program.id.in_(ids))
        .order_by(Program.title, ProgramModule.position)
    ):
        path = found.setdefault(row.program_slug, Path(row.program_slug, row.program_title))
        last = local_day(row.last, mentee.timezone) if row.last is not None else None
        path.steps.append(PathStep(row.position, row.slug, row.title, last, row.best))
    return list(found.values())


def quiz_results(mentee: Learner) -> list[QuizResult]:
    """Every quiz the mentee submitted, latest first."""
    rows = session().execute(
        select(
            Quiz.title,
            Quiz.kind,
            func.count(Attempt.id),
            func.sum(case((Attempt.passed.is_(False), 1), else_=0)),
            func.max(Attempt.score_pct),
            func.max(case((Attempt.passed.is_(True), 1), else_=0)),
            func.max(Attempt.submitted_at).label("last"),
        )
        .join(Attempt, and_(Attempt.quiz_id == Quiz.id, Attempt.learner_id == mentee.id))
        .where(Attempt.submitted_at.is_not(None))
        .group_by(Quiz.id, Quiz.title, Quiz.kind)
        .order_by(func.max(Attempt.submitted_at).desc(), Quiz.id)
    )
    return [
        QuizResult(
            title,
            kind,
            attempts,
            int(failures or 0),
            best,
            bool(passed),
            local_day(last, mentee.timezone),
        )
        for title, kind, attempts, failures, best, passed, last in rows
    ]


def follow_up_answers(mentee: Learner) -> list[FollowUpAnswer]:
    """The follow-ups the mentee answered, latest first."""
    rows = session().execute(
        select(Module.title, FollowUp.offset_days, FollowUp.applied, FollowUp.answered_at)
        .join(Module, Module.id == FollowUp.module_id)
        .where(FollowUp.learner_id == mentee.id, FollowUp.answered_at.is_not(None))
        .order_by(FollowUp.answered_at.desc(), FollowUp.id)
    )
    return [
        FollowUpAnswer(title, offset, applied, local_day(answered_at, mentee.timezone))
        for title, offset, applied, answered_at in rows
    ]
