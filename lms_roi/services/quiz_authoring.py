"""Authoring of quizzes and their questions by analysts: a module's, and a path's own tests.

A module has at most one quiz of each kind (practice, pre-test, post-test): the
pre/post pair measures the knowledge gain and the completion rule looks one up by kind.
A path (program) may have its own pre-test and post-test, at most one of each, which
measure the gain over the whole path (its quizzes have ``program_id`` and no module).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from lms_roi.db import session
from lms_roi.models import AttemptAnswer, Choice, Learner, Module, Program, Question, Quiz
from lms_roi.models._types import QUESTION_KINDS, QUIZ_KINDS
from lms_roi.services.audit import record_audit
from lms_roi.services.authoring_checks import SLUG_MAX, AuthoringInvalid, Problems, check_title

#: The kinds of a path's own tests: they measure the path's gain (no practice quiz).
PROGRAM_TEST_KINDS = ("pre_test", "post_test")


@dataclass
class QuizDraft:
    """A quiz's settings as typed."""

    kind: str
    title: str
    pass_mark_pct: int | None = 70
    max_attempts: int | None = None
    shuffle: bool = False


@dataclass
class ChoiceDraft:
    """One answer row as typed (a row with no text and nothing else is ignored)."""

    text: str
    correct: bool = False
    feedback: str = ""
    #: The stored answer this row edits (None for a new one).
    choice_id: int | None = None


@dataclass
class QuestionDraft:
    """A question as typed, with its answer rows in order."""

    kind: str
    prompt: str
    explanation: str = ""
    choices: list[ChoiceDraft] = field(default_factory=list)


def create_quiz(module: Module, draft: QuizDraft, *, actor: Learner | None = None) -> Quiz:
    """Add a quiz of a kind the module does not have yet."""
    problems = _check_quiz(module, draft, None)
    if problems:
        raise AuthoringInvalid(problems)
    quiz = Quiz(module_id=module.id, slug=_free_slug(module.slug, draft.kind))
    return _add_quiz(quiz, draft, actor)


def create_program_test(
    program: Program, draft: QuizDraft, *, actor: Learner | None = None
) -> Quiz:
    """Add a path's own pre-test or post-test (of a kind the path does not have yet)."""
    problems = _check_quiz(None, draft, None, program=program)
    if problems:
        raise AuthoringInvalid(problems)
    quiz = Quiz(program_id=program.id, slug=_free_slug(program.slug, draft.kind))
    return _add_quiz(quiz, draft, actor)


def program_tests(program: Program) -> list[Quiz]:
    """The path's own tests: its pre-test, then its post-test (those it has)."""
    quizzes = session().scalars(
        select(Quiz).where(Quiz.program_id == program.id, Quiz.kind.in_(PROGRAM_TEST_KINDS))
    )
    return sorted(quizzes, key=lambda quiz: (PROGRAM_TEST_KINDS.index(quiz.kind), quiz.id))


def update_quiz(quiz: Quiz, draft: QuizDraft, *, actor: Learner | None = None) -> Quiz:
    """Change a quiz's settings (its kind too, when its module or path has none of that kind)."""
    db = session()
    module = db.get(Module, quiz.module_id) if quiz.module_id else None
    program = db.get(Program, quiz.program_id) if quiz.program_id else None
    problems = _check_quiz(module, draft, quiz, program=program)
    if problems:
        raise AuthoringInvalid(problems)
    _apply_quiz(quiz, draft)
    session().flush()
    record_audit("quiz.updated", actor=actor, target_type="quiz", target_id=quiz.slug)
    return quiz


def _add_quiz(quiz: Quiz, draft: QuizDraft, actor: Learner | None) -> Quiz:
    _apply_quiz(quiz, draft)
    db = session()
    db.add(quiz)
    db.flush()
    record_audit("quiz.created", actor=actor, target_type="quiz", target_id=quiz.slug)
    return quiz


def check_question(draft: QuestionDraft) -> Problems:
    """Problems of a question: prompt, and answers that fit its kind."""
    problems: Problems = []
    if draft.kind not in QUESTION_KINDS:
        problems.append(("kind", "question_kind_invalid", _("Choose a question type.")))
    if not draft.prompt.strip():
        problems.append(("prompt", "prompt_required", _("Enter the question.")))
    if any(not c.text.strip() and (c.correct or c.feedback.strip()) for c in draft.choices):
        problems.append(
            (
                "choices",
                "choice_text_missing",
                _("Give the text of each answer that is marked correct or has feedback."),
            )
        )
        return problems
    choices = _filled(draft.choices)
    correct = sum(1 for c in choices if c.correct)
    if len(choices) < 2:
        problems.append(("choices", "too_few_choices", _("Give at least 2 answers.")))
    elif draft.kind == "true_false" and len(choices) != 2:
        problems.append(
            ("choices", "true_false_two", _("A true/false question has exactly 2 answers."))
        )
    elif draft.kind in ("single", "true_false") and correct != 1:
        problems.append(("choices", "one_correct", _("Mark exactly one answer as correct.")))
    elif draft.kind == "multiple" and correct < 1:
        problems.append(("choices", "some_correct", _("Mark at least one answer as correct.")))
    return problems


def save_question(
    quiz: Quiz,
    draft: QuestionDraft,
    question: Question | None = None,
    *,
    actor: Learner | None = None,
) -> Question:
    """Add ``draft`` to ``quiz`` (``question`` None) or save it over ``question``.

    Answer rows carry the id of the answer they edit, so ids that past attempts
    recorded keep naming the same answer; new rows are added, cleared ones removed.
    """
    problems = check_question(draft)
    if problems:
        raise AuthoringInvalid(problems)
    db = session()
    if question is None:
        last = db.scalar(select(func.max(Question.position)).where(Question.quiz_id == quiz.id))
        question = Question(quiz_id=quiz.id, position=(last or 0) + 1)
        db.add(question)
    stored = {choice.id: choice for choice in question.choices}
    rows = _filled(draft.choices)
    kept = {row.choice_id for row in rows if row.choice_id in stored}
    # Checked before anything changes, so a refusal leaves the question as it was.
    _refuse_removing_picked(question, set(stored) - kept, stored)
    question.kind = draft.kind
    question.prompt = draft.prompt.strip()
    question.explanation = draft.explanation.strip()
    for choice_id, choice in stored.items():
        if choice_id not in kept:
            question.choices.remove(choice)
    next_position = max((c.position for c in stored.values()), default=0) + 1
    for row in rows:
        choice = stored.get(row.choice_id) if row.choice_id in kept else None
        kept.discard(row.choice_id)  # a row id sent twice edits one answer only
        if choice is None:
            choice = Choice(position=next_position)
            next_position += 1
            question.choices.append(choice)
        choice.text, choice.is_correct = row.text.strip(), row.correct
        choice.feedback = row.feedback.strip()
    db.flush()
    record_audit(
        "question.saved",
        actor=actor,
        target_type="quiz",
        target_id=quiz.slug,
        details={"question_id": question.id},
    )
    return question


def _refuse_removing_picked(question: Question, removed: set[int], stored: dict) -> None:
    """Answers that past attempts picked stay: those attempts' results name them."""
    if not removed or question.id is None:
        return
    picked: set[int] = set()
    for selected in session().scalars(
        select(AttemptAnswer.selected_choice_ids).where(AttemptAnswer.question_id == question.id)
    ):
        picked.update(selected or [])
    blocked = sorted(removed & picked)
    if blocked:
        raise AuthoringInvalid(
            [
                (
                    "choices",
                    "choice_answered",
                    _(
                        "Learners picked “%(answer)s” in past attempts, so it cannot be "
                        "removed: reword it instead.",
                        answer=stored[blocked[0]].text,
                    ),
                )
            ]
        )


def delete_question(question: Question, *, actor: Learner | None = None) -> None:
    """Remove a question nobody answered yet (answered ones keep the attempts' history)."""
    db = session()
    if db.scalar(select(exists().where(AttemptAnswer.question_id == question.id))):
        raise AuthoringInvalid(
            [
                (
                    "question",
                    "question_answered",
                    _(
                        "Learners have already answered this question, so it cannot be "
                        "deleted: their attempts refer to it. Edit it instead."
                    ),
                )
            ]
        )
    quiz = db.get(Quiz, question.quiz_id)
    db.delete(question)
    db.flush()
    record_audit(
        "question.deleted",
        actor=actor,
        target_type="quiz",
        target_id=quiz.slug,
        details={"question_id": question.id},
    )


def _filled(choices: list[ChoiceDraft]) -> list[ChoiceDraft]:
    return [c for c in choices if c.text.strip()]


def _check_quiz(
    module: Module | None, draft: QuizDraft, quiz: Quiz | None, *, program: Program | None = None
) -> Problems:
    problems: Problems = []
    if draft.kind not in QUIZ_KINDS:
        problems.append(("kind", "quiz_kind_invalid", _("Choose a kind of quiz.")))
    elif program is not None and draft.kind not in PROGRAM_TEST_KINDS:
        problems.append(
            (
                "kind",
                "program_test_kind",
                _("A path has a pre-test and a post-test only: choose one of them."),
            )
        )
    elif module is not None or program is not None:
        owner = Quiz.module_id == module.id if module is not None else Quiz.program_id == program.id
        taken = session().scalar(
            select(Quiz).where(
                owner,
                Quiz.kind == draft.kind,
                Quiz.id != (quiz.id if quiz is not None else -1),
            )
        )
        if taken is not None and module is not None:
            problems.append(
                (
                    "kind",
                    "quiz_kind_taken",
                    _(
                        "This module already has a quiz of this kind (%(title)s): "
                        "edit that one instead.",
                        title=taken.title,
                    ),
                )
            )
        elif taken is not None:
            problems.append(
                (
                    "kind",
                    "quiz_kind_taken",
                    _(
                        "This path already has a test of this kind (%(title)s): "
                        "edit that one instead.",
                        title=taken.title,
                    ),
                )
            )
    problems += check_title(draft.title)
    if draft.pass_mark_pct is None or not 0 <= draft.pass_mark_pct <= 100:
        problems.append(
            ("pass_mark_pct", "pass_mark_invalid", _("Enter a pass mark from 0 to 100 %."))
        )
    if draft.max_attempts is not None and draft.max_attempts < 1:
        problems.append(
            (
                "max_attempts",
                "max_attempts_invalid",
                _("Allow at least 1 attempt, or leave the field empty for no limit."),
            )
        )
    return problems


def _apply_quiz(quiz: Quiz, draft: QuizDraft) -> None:
    quiz.kind, quiz.title = draft.kind, draft.title.strip()
    quiz.pass_mark_pct, quiz.max_attempts = draft.pass_mark_pct, draft.max_attempts
    quiz.shuffle = draft.shuffle


def _free_slug(owner_slug: str, kind: str) -> str:
    """``seo-basics-post-test``, with a number added if another quiz took it.

    Module and path slugs may coincide, so a path's test may be ``growth-pre-test-2``.
    """
    base = f"{owner_slug}-{kind.replace('_', '-')}"[:SLUG_MAX]
    slug, number = base, 1
    while session().scalar(select(Quiz.id).where(Quiz.slug == slug)) is not None:
        number += 1
        slug = f"{base[: SLUG_MAX - 4]}-{number}"
    return slug
