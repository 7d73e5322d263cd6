"""Quizzes: server-side grading, attempts with limits, stable shuffling, best attempt.

Grading happens here only: the browser receives prompts and choice texts, never which
choice is correct nor any feedback, until the attempt is submitted.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lms_roi import signals
from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError
from lms_roi.models import Attempt, AttemptAnswer, Choice, Learner, Module, Question, Quiz

#: Question kinds graded all-or-nothing on one selected choice.
ONE_ANSWER_KINDS = ("single", "true_false")


#: Float sums of partial credits may fall a hair short of an exact pass mark.
PASS_TOLERANCE = 1e-9


def grade_question(question: Question, selected_choice_ids: Iterable[int]) -> float:
    """The score of one answer, from 0 to 1.

    * single choice and true/false: 1 when the one selected choice is the correct one,
      else 0 (nothing selected scores 0; several selected choices are refused);
    * multiple choice: ``correct picks / correct choices - wrong picks / wrong choices``,
      never below 0 (with no wrong choice in the question the second term is 0).
      Example: 3 correct among 5 choices, 2 correct and 1 wrong picked:
      ``2/3 - 1/2 = 1/6``.

    Raises :class:`DomainError` (``unknown_choice``) for an id that is not one of the
    question's choices.
    """
    selected = {int(choice_id) for choice_id in selected_choice_ids}
    known = {choice.id for choice in question.choices}
    if selected - known:
        raise DomainError(
            "unknown_choice",
            _("An answer does not belong to the question “%(prompt)s”.", prompt=question.prompt),
            "answers",
        )
    correct = {choice.id for choice in question.choices if choice.is_correct}
    if question.kind in ONE_ANSWER_KINDS:
        if len(selected) > 1:
            raise DomainError(
                "one_answer_only",
                _("Choose one answer to “%(prompt)s”.", prompt=question.prompt),
                "answers",
            )
        return 1.0 if selected and selected <= correct else 0.0
    wrong = known - correct
    gained = len(selected & correct) / len(correct) if correct else 0.0
    lost = len(selected & wrong) / len(wrong) if wrong else 0.0
    return max(0.0, gained - lost)


def score_pct(question_scores: Iterable[float]) -> float:
    """The quiz score in percent: mean of the question scores × 100, unrounded.

    Stored whole (exports and the API carry full precision); pages round it.
    """
    scores = list(question_scores)
    if not scores:
        return 0.0
    return min(sum(scores) / len(scores) * 100, 100.0)


@dataclass(frozen=True)
class QuizStanding:
    """Where a learner stands on a quiz: for the quiz's intro page."""

    history: list[Attempt]
    #: The started, unsubmitted attempt (to resume), if any.
    open: Attempt | None
    best: Attempt | None
    #: Attempts the learner may still submit (None: unlimited).
    left: int | None

    @property
    def used(self) -> int:
        return sum(1 for attempt in self.history if attempt.submitted_at is not None)

    @property
    def can_start(self) -> bool:
        return self.open is not None or self.left != 0


@dataclass(frozen=True)
class QuestionResult:
    """One graded question of a submitted attempt, as shown after submission."""

    question: Question
    choices: list[Choice]
    selected_ids: list[int]
    score: float

    @property
    def correct_choices(self) -> list[Choice]:
        return [choice for choice in self.choices if choice.is_correct]


def standing(learner: Learner, quiz: Quiz) -> QuizStanding:
    """History, open attempt, best attempt and attempts left of ``learner`` at ``quiz``."""
    history = attempt_history(learner, quiz)
    return QuizStanding(
        history=history,
        open=next((a for a in history if a.submitted_at is None), None),
        best=best_attempt(learner, quiz),
        left=attempts_left(learner, quiz),
    )


def graded_questions(attempt: Attempt) -> list[QuestionResult]:
    """The submitted attempt's questions in the order shown, with picks and scores.

    Scores are the ones recorded when the attempt was graded: an author editing the
    question later (another correct answer, a choice removed) does not rewrite history.
    """
    answers = {answer.question_id: answer for answer in attempt.answers}
    results = []
    for question, choices in presented(attempt):
        answer = answers.get(question.id)
        known = {choice.id for choice in choices}
        selected = [c for c in (answer.selected_choice_ids if answer else []) if c in known]
        if answer is not None and answer.score is not None:
            score = answer.score
        elif answer is not None:
            score = 1.0 if answer.correct else grade_question(question, selected)
        else:
            score = 0.0
        results.append(QuestionResult(question, choices, selected, score))
    return results


def reveals_answers(attempt: Attempt, attempts_left: int | None) -> bool:
    """Whether a submitted attempt may show the correct answers: once passed or out of tries.

    Before that, showing them would hand the next attempt its answers.
    """
    return bool(attempt.passed) or attempts_left == 0


def attempt_history(learner: Learner, quiz: Quiz) -> list[Attempt]:
    """The learner's attempts at the quiz, first to last (the open one included)."""
    return list(
        session().scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.learner_id == learner.id)
            .order_by(Attempt.attempt_no)
        )
    )


def best_attempt(learner: Learner, quiz: Quiz) -> Attempt | None:
    """The attempt that counts: the best passing one, else the best submitted one.

    Ties go to the earliest attempt. None before any submission.
    """
    return session().scalar(
        select(Attempt)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.learner_id == learner.id,
            Attempt.submitted_at.is_not(None),
        )
        .order_by(Attempt.passed.desc(), Attempt.score_pct.desc(), Attempt.attempt_no)
        .limit(1)
    )


def attempts_left(learner: Learner, quiz: Quiz) -> int | None:
    """How many more attempts the learner may submit (None: unlimited).

    An open attempt still counts as left: it has not been submitted.
    """
    if quiz.max_attempts is None:
        return None
    return max(0, quiz.max_attempts - _submitted_count(learner.id, quiz.id))


def open_attempt(learner: Learner, quiz: Quiz) -> Attempt | None:
    """The learner's started, unsubmitted attempt at the quiz, if any."""
    return session().scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz.id,
            Attempt.learner_id == learner.id,
            Attempt.submitted_at.is_(None),
        )
    )


def find_attempt(learner: Learner, quiz_id: int, attempt_no: int) -> Attempt | None:
    """One of the learner's own attempts (None for someone else's or a missing one)."""
    return session().scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz_id,
            Attempt.learner_id == learner.id,
            Attempt.attempt_no == attempt_no,
        )
    )


def start_attempt(learner: Learner, quiz: Quiz, now: datetime | None = None) -> Attempt:
    """Resume the learner's open attempt, else start attempt number n + 1.

    A passed quiz may be taken again while attempts remain (the best passing attempt
    counts). Refused with ``attempts_exhausted`` once ``quiz.max_attempts`` attempts
    were submitted, and with ``quiz_empty`` for a quiz without questions.
    """
    _check_module_allows(learner, quiz)
    current = open_attempt(learner, quiz)
    if current is not None:
        return current
    if not quiz.questions:
        raise DomainError("quiz_empty", _("This quiz has no questions yet."), "quiz")
    if attempts_left(learner, quiz) == 0:
        raise DomainError(
            "attempts_exhausted",
            _("You have used all the attempts allowed for this quiz."),
            "quiz",
        )
    db = session()
    number = db.scalar(
        select(func.coalesce(func.max(Attempt.attempt_no), 0)).where(
            Attempt.quiz_id == quiz.id, Attempt.learner_id == learner.id
        )
    )
    attempt = Attempt(
        quiz_id=quiz.id, learner_id=learner.id, attempt_no=number + 1, started_at=now or utcnow()
    )
    try:
        with db.begin_nested():
            db.add(attempt)
    except IntegrityError:
        # A second click on "Start" raced this one: resume the attempt it created.
        current = open_attempt(learner, quiz)
        if current is None:
            raise
        return current
    return attempt


def _check_module_allows(learner: Learner, quiz: Quiz) -> None:
    """A module's quizzes follow its prerequisites; its pre-test comes before its lesson.

    The pre-test is open even while the module is locked (it places the learner), but
    it closes once the lesson is started or the module completed: taken afterwards it
    would no longer measure what the learner knew before.
    """
    if quiz.program_id is not None:
        _check_program_allows(learner, quiz)
        return
    if quiz.module_id is None:
        return
    from .learning import ensure_unlocked, lesson_started

    module = session().get(Module, quiz.module_id)
    if quiz.kind != "pre_test":
        ensure_unlocked(learner, module)
    elif lesson_started(learner, module) and open_attempt(learner, quiz) is None:
        raise DomainError(
            "pre_test_closed",
            _("The pre-test measures what you knew before the lesson: it closes once it starts."),
            "quiz",
        )


def _check_program_allows(learner: Learner, quiz: Quiz) -> None:
    """A path's pre-test closes once a module of the path is completed (it measures what
    the learner knew on arrival); its post-test opens once every module is completed."""
    from lms_roi.models import Program

    from .paths import path_progress

    progress = path_progress(learner, session().get(Program, quiz.program_id))
    if quiz.kind == "pre_test" and progress.done > 0 and open_attempt(learner, quiz) is None:
        raise DomainError(
            "pre_test_closed",
            _(
                "The path's pre-test measures what you knew on arrival: it closes once you "
                "complete a module of the path."
            ),
            "quiz",
        )
    if quiz.kind == "post_test" and (progress.total == 0 or progress.done < progress.total):
        raise DomainError(
            "post_test_not_open",
            _("The path's post-test opens once you have completed every module of the path."),
            "quiz",
        )


def presentation_order(
    questions: Iterable[Question], seed: int | None
) -> list[tuple[Question, list[Choice]]]:
    """Questions with their choices, in position order or shuffled by ``seed``.

    The same seed always gives the same order; ``None`` keeps position order.
    """
    ordered = [(q, list(q.choices)) for q in sorted(questions, key=lambda q: q.position)]
    if seed is None:
        return ordered
    rng = random.Random(seed)
    rng.shuffle(ordered)
    for _question, choices in ordered:
        rng.shuffle(choices)
    return ordered


def presented(attempt: Attempt) -> list[tuple[Question, list[Choice]]]:
    """The attempt's questions and choices as shown to the learner.

    Shuffled quizzes are shuffled with a generator seeded by the attempt id: stable
    within an attempt (a reload, the graded result), different between attempts.
    """
    quiz = session().get(Quiz, attempt.quiz_id)
    return presentation_order(quiz.questions, attempt.id if quiz.shuffle else None)


def grade_answers(
    quiz: Quiz, answers: Mapping[int, Iterable[int]]
) -> dict[int, tuple[list[int], float]]:
    """Per question id of the quiz: the selected choice ids and their score.

    Unanswered questions score 0; a question id outside the quiz is refused
    (``unknown_question``).
    """
    by_id = {question.id: question for question in quiz.questions}
    unknown = {int(key) for key in answers} - set(by_id)
    if unknown:
        raise DomainError(
            "unknown_question", _("An answer is for a question outside this quiz."), "answers"
        )
    graded = {}
    for question_id, question in by_id.items():
        selected = sorted({int(c) for c in answers.get(question_id, ())})
        graded[question_id] = (selected, grade_question(question, selected))
    return graded


def submit_attempt(
    attempt: Attempt,
    answers: Mapping[int, Iterable[int]],
    now: datetime | None = None,
    *,
    source: str = "web",
) -> Attempt:
    """Grade an attempt on the server and record it; a second submit changes nothing.

    ``answers`` maps question ids to selected choice ids. Writes one
    :class:`AttemptAnswer` per question (``correct`` when it scored 1), the score in
    percent and ``passed`` (score >= the quiz's pass mark); puts every question not
    fully right into the learner's review queue; fires ``quiz_passed`` when passed;
    then lets a module quiz complete its module (``learning.try_complete``). Only flushes.
    """
    if attempt.submitted_at is not None:
        return attempt
    db = session()
    quiz = db.get(Quiz, attempt.quiz_id)
    graded = grade_answers(quiz, answers)
    now = now or utcnow()
    # Claim the attempt atomically: of two concurrent submits only one grades it.
    claimed = db.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.refresh(attempt)
        return attempt
    scores = [score for _selected, score in graded.values()]
    attempt.submitted_at = now
    attempt.score_pct = score_pct(scores)
    # A hair of tolerance: 7 of 10 partial credits summing to 69.99999... is 70 %.
    attempt.passed = attempt.score_pct + PASS_TOLERANCE >= quiz.pass_mark_pct
    for question_id, (selected, score) in graded.items():
        attempt.answers.append(
            AttemptAnswer(
                question_id=question_id,
                selected_choice_ids=selected,
                correct=score == 1,
                score=score,
            )
        )
    db.flush()
    missed = [q for q, (_s, score) in graded.items() if score < 1]
    _after_submit(attempt, quiz, missed, now, source)
    return attempt


def _after_submit(
    attempt: Attempt, quiz: Quiz, missed: list[int], now: datetime, source: str
) -> None:
    from lms_roi.gamification import engine as xp
    from lms_roi.services import learning, review

    db = session()
    learner = db.get(Learner, attempt.learner_id)
    review.enqueue(learner.id, missed, now)
    xp.on_attempt(attempt, live=source in learning.LIVE_SOURCES)
    if attempt.passed:
        signals.quiz_passed.send(
            current_app._get_current_object(), learner=learner, quiz=quiz, attempt=attempt
        )
    if quiz.module_id is not None:
        learning.try_complete(learner, db.get(Module, quiz.module_id), source=source)


def _submitted_count(learner_id: int, quiz_id: int) -> int:
    return session().scalar(
        select(func.count(Attempt.id)).where(
            Attempt.quiz_id == quiz_id,
            Attempt.learner_id == learner_id,
            Attempt.submitted_at.is_not(None),
        )
    )
