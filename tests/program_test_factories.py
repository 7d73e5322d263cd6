"""Builders of a path's own pre-test and post-test (quizzes with ``program_id``)."""

from __future__ import annotations

from lms_roi.db import session
from lms_roi.models import Program, Quiz
from quiz_factories import SEO_QUESTIONS, make_question


def make_program_test(
    program: Program,
    kind: str = "pre_test",
    *,
    pass_mark: int = 70,
    questions=SEO_QUESTIONS,
) -> Quiz:
    """The path's ``kind`` test (slug ``<path>-pre-test``) with ``questions``."""
    quiz = Quiz(
        slug=f"{program.slug}-{kind.replace('_', '-')}",
        title=f"{program.title} {kind.replace('_', '-')}",
        program_id=program.id,
        kind=kind,
        pass_mark_pct=pass_mark,
    )
    session().add(quiz)
    session().flush()
    for question_kind, prompt, explanation, choices in questions:
        make_question(quiz, question_kind, prompt, choices, explanation)
    return quiz
