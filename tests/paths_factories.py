"""Builders for paths, prerequisites, pre/post tests and recommendations tests."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from lms_roi.db import session
from lms_roi.models import Attempt, Enrollment, Learner, Module, ModulePrerequisite, Program, Quiz

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def make_prerequisite(module: Module, required: Module) -> ModulePrerequisite:
    """``module`` needs ``required`` completed first."""
    link = ModulePrerequisite(module_id=module.id, required_module_id=required.id)
    session().add(link)
    session().flush()
    return link


def make_enrollment(learner: Learner, program: Program, status: str = "active") -> Enrollment:
    enrollment = Enrollment(learner_id=learner.id, program_id=program.id, status=status)
    session().add(enrollment)
    session().flush()
    return enrollment


def make_quiz(module: Module, kind: str = "pre_test") -> Quiz:
    """A module's quiz of ``kind`` (``pre_test``, ``post_test`` or ``practice``)."""
    quiz = Quiz(slug=f"{module.slug}-{kind}", module_id=module.id, title=kind, kind=kind)
    session().add(quiz)
    session().flush()
    return quiz


def make_attempt(
    learner: Learner,
    quiz: Quiz,
    score: float | None,
    *,
    attempt_no: int = 1,
    submitted_at: datetime | None = None,
) -> Attempt:
    """A submitted attempt (``submitted_at`` defaults to T0 + attempt_no hours)."""
    attempt = Attempt(
        quiz_id=quiz.id,
        learner_id=learner.id,
        attempt_no=attempt_no,
        started_at=T0,
        submitted_at=submitted_at or T0 + timedelta(hours=attempt_no),
        score_pct=score,
        passed=None if score is None else score >= quiz.pass_mark_pct,
    )
    session().add(attempt)
    session().flush()
    return attempt


def make_scores(learner: Learner, module: Module, pre: float | None, post: float | None = None):
    """The learner's pre-test (and post-test) score in ``module``, one attempt each."""
    if pre is not None:
        make_attempt(learner, make_quiz(module, "pre_test"), pre)
    if post is not None:
        make_attempt(learner, make_quiz(module, "post_test"), post)


@contextmanager
def count_queries():
    """Collect the SQL statements run inside the block."""
    engine = session().get_bind()
    engine = getattr(engine, "engine", engine)
    statements = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)
