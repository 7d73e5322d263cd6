"""Quiz pages (intro, attempt form and graded result) and the daily spaced review.

Answers are graded on the server: the attempt form carries prompts and choice texts
only, never which choice is right nor any feedback.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.labels import label
from lms_roi.models import Module, Program, Quiz
from lms_roi.policy import current_person, policy
from lms_roi.services import feedback, quizzes, review

quiz = Blueprint("quiz", __name__)


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token (start, submit, review)."""


@quiz.route("/quizzes/<int:quiz_id>", methods=["GET", "POST"])
@policy("learner")
def quiz_intro(quiz_id: int):
    found, module = _visible_quiz(quiz_id)
    person = current_person()
    form = ActionForm()
    if request.method == "POST":
        if _valid(form):
            try:
                attempt = quizzes.start_attempt(person, found)
                session().commit()
            except DomainError as error:
                session().rollback()
                flash(error.message, "error")
            else:
                return redirect(_attempt_url(attempt))
        return redirect(url_for(".quiz_intro", quiz_id=quiz_id))
    return render_template(
        "lms_roi/quiz/intro.html",
        quiz=found,
        module=module,
        program=_program_of(found),
        kind=label(found.kind, "quiz_kind"),
        standing=quizzes.standing(person, found),
        form=form,
        local_day=_local_day,
    )


@quiz.route("/quizzes/<int:quiz_id>/attempts/<int:attempt_no>", methods=["GET", "POST"])
@policy("learner")
def attempt_page(quiz_id: int, attempt_no: int):
    found, module = _visible_quiz(quiz_id)
    person = current_person()
    attempt = quizzes.find_attempt(person, quiz_id, attempt_no)
    if attempt is None:
        abort(404)
    form = ActionForm()
    if request.method == "POST":
        # A resent form (back button, double click) finds the attempt graded: no change.
        if attempt.submitted_at is None and _valid(form):
            answers = {q.id: _ids(request.form.getlist(f"q-{q.id}")) for q in found.questions}
            try:
                quizzes.submit_attempt(attempt, answers)
                session().commit()
            except DomainError as error:
                session().rollback()
                flash(error.message, "error")
        return redirect(_attempt_url(attempt))
    context = {
        "quiz": found,
        "module": module,
        "program": _program_of(found),
        "attempt": attempt,
        "form": form,
    }
    if attempt.submitted_at is None:
        return render_template(
            "lms_roi/quiz/attempt.html", shown=quizzes.presented(attempt), **context
        )
    left = quizzes.attempts_left(person, found)
    return render_template(
        "lms_roi/quiz/result.html",
        results=quizzes.graded_questions(attempt),
        left=left,
        reveal=quizzes.reveals_answers(attempt, left),
        # The pass may have completed the module: invite the survey right here.
        ask_survey=module is not None
        and attempt.passed
        and feedback.has_completed(person, module)
        and feedback.survey_of(person, module) is None,
        **context,
    )


@quiz.route("/reviews", methods=["GET", "POST"])
@policy("learner")
def daily_review():
    person = current_person()
    form = ActionForm()
    outcomes = []
    if request.method == "POST" and _valid(form):
        answers = {
            int(key[2:]): _ids(request.form.getlist(key))
            for key in request.form
            if key.startswith("r-") and key[2:].isdigit()
        }
        try:
            outcomes = review.answer_due(person, answers)
            session().commit()
        except DomainError as error:
            session().rollback()
            flash(error.message, "error")
    items = review.due_items(person)
    return render_template(
        "lms_roi/quiz/review.html",
        form=form,
        outcomes=outcomes,
        items=items,
        questions={item.id: review.question_of(item) for item in items},
        next_due=_local_day(review.next_due_at(person)),
        local_day=_local_day,
    )


def _program_of(found: Quiz) -> Program | None:
    """The path a path's own test belongs to (None for a module quiz)."""
    return session().get(Program, found.program_id) if found.program_id else None


def _visible_quiz(quiz_id: int) -> tuple[Quiz, Module | None]:
    """The quiz and its module (None for a path's own test); 404 for a missing quiz,
    one of an unpublished module or one of a path that no longer exists."""
    db = session()
    found = db.get(Quiz, quiz_id)
    if found is None:
        abort(404)
    module = db.get(Module, found.module_id) if found.module_id else None
    if module is not None and not module.published:
        abort(404)
    if found.program_id is not None and db.get(Program, found.program_id) is None:
        abort(404)
    return found, module


def _valid(form: FlaskForm) -> bool:
    """Whether a posted form is valid; an expired one is explained in a flash message."""
    if form.validate_on_submit():
        return True
    flash(_("This form has expired. Reload the page and try again."), "error")
    return False


def _attempt_url(attempt) -> str:
    return url_for(".attempt_page", quiz_id=attempt.quiz_id, attempt_no=attempt.attempt_no)


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


def _local_day(moment: datetime | None) -> date | None:
    """The calendar day of ``moment`` in the learner's time zone."""
    if moment is None:
        return None
    person = current_person()
    name = getattr(person, "timezone", None) or current_app.config.get("LMS_ROI_TIMEZONE", "UTC")
    try:
        return moment.astimezone(ZoneInfo(name)).date()
    except (KeyError, ValueError):
        return moment.date()
