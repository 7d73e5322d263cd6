"""Authoring pages of a path's own pre-test and post-test and their questions.

Routes of ``authoring`` under ``/authoring/paths/<slug>/tests``. A path's test is a
:class:`~lms_roi.models.Quiz` with ``program_id`` and no module; its settings and
questions go through the same services, forms and rules as a module's quizzes
(:mod:`lms_roi.services.quiz_authoring`).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Program, Question, Quiz
from lms_roi.policy import current_person, policy
from lms_roi.services import quiz_authoring as service
from lms_roi.services.quiz_authoring import PROGRAM_TEST_KINDS

from .authoring import authoring, show_problems
from .authoring_forms import QUESTION_KINDS, QuestionForm, QuizForm, int_or_none, pad_rows
from .authoring_forms import QUIZ_KINDS as KIND_LABELS
from .forms import DeleteForm

#: New questions get this many answer rows (a true/false question uses two).
ANSWER_ROWS = 4


@authoring.route("/authoring/paths/<slug>/tests/new", methods=["GET", "POST"])
@policy("analyst", "admin")
def path_test_new(slug: str):
    program = _program_or_404(slug)
    taken = {quiz.kind for quiz in service.program_tests(program)}
    free = [kind for kind in PROGRAM_TEST_KINDS if kind not in taken]
    if not free:
        flash(_("This path already has a pre-test and a post-test."), "error")
        return redirect(url_for(".path_edit", slug=slug), 303)
    wanted = request.args.get("kind")
    form = QuizForm(kind=wanted if wanted in free else free[0])
    _test_kinds(form, free)
    if form.validate_on_submit():
        db = session()
        try:
            quiz = service.create_program_test(program, _quiz_draft(form), actor=current_person())
            db.commit()
        except DomainError as error:
            db.rollback()
            show_problems(form, error)
        else:
            flash(
                _("The test %(title)s was added: now write its questions.", title=quiz.title),
                "success",
            )
            return redirect(url_for(".path_test_edit", slug=slug, quiz_slug=quiz.slug), 303)
    return render_template(
        "lms_roi/authoring/path_test_new.html", program=program, form=form
    ), 422 if form.errors else 200


@authoring.route("/authoring/paths/<slug>/tests/<quiz_slug>", methods=["GET", "POST"])
@policy("analyst", "admin")
def path_test_edit(slug: str, quiz_slug: str):
    program, quiz = _test_or_404(slug, quiz_slug)
    form = QuizForm(obj=quiz if request.method == "GET" else None)
    _test_kinds(form, PROGRAM_TEST_KINDS)
    if form.validate_on_submit():
        db = session()
        try:
            service.update_quiz(quiz, _quiz_draft(form), actor=current_person())
            db.commit()
        except DomainError as error:
            db.rollback()
            show_problems(form, error)
        else:
            flash(_("The test %(title)s was saved.", title=quiz.title), "success")
            return redirect(url_for(".path_test_edit", slug=slug, quiz_slug=quiz.slug), 303)
    return render_template(
        "lms_roi/authoring/path_test.html",
        program=program,
        quiz=quiz,
        form=form,
        delete_form=DeleteForm(formdata=None),
        kind_labels=KIND_LABELS,
        question_kinds=QUESTION_KINDS,
    ), 422 if form.errors else 200


@authoring.route("/authoring/paths/<slug>/tests/<quiz_slug>/questions/new", methods=["GET", "POST"])
@policy("analyst", "admin")
def path_question_new(slug: str, quiz_slug: str):
    program, quiz = _test_or_404(slug, quiz_slug)
    return _question_page(QuestionForm(), program, quiz, None)


@authoring.route(
    "/authoring/paths/<slug>/tests/<quiz_slug>/questions/<int:question_id>/edit",
    methods=["GET", "POST"],
)
@policy("analyst", "admin")
def path_question_edit(slug: str, quiz_slug: str, question_id: int):
    program, quiz = _test_or_404(slug, quiz_slug)
    question = _question_or_404(quiz, question_id)
    form = QuestionForm() if request.method == "POST" else QuestionForm.of(question)
    return _question_page(form, program, quiz, question)


@authoring.route(
    "/authoring/paths/<slug>/tests/<quiz_slug>/questions/<int:question_id>/delete",
    methods=["POST"],
)
@policy("analyst", "admin")
def path_question_delete(slug: str, quiz_slug: str, question_id: int):
    _program, quiz = _test_or_404(slug, quiz_slug)
    question = _question_or_404(quiz, question_id)
    if DeleteForm().validate_on_submit():
        db = session()
        try:
            service.delete_question(question, actor=current_person())
            db.commit()
        except DomainError as error:
            db.rollback()
            flash(error.message, "error")
        else:
            flash(_("The question was deleted."), "success")
    return redirect(url_for(".path_test_edit", slug=slug, quiz_slug=quiz_slug), 303)


def _question_page(form: QuestionForm, program: Program, quiz: Quiz, question: Question | None):
    if request.method == "GET":
        filled = len([row for row in form.choices if row.text.data])
        pad_rows(form.choices, max(filled, ANSWER_ROWS - 2))
    list_errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        db = session()
        try:
            service.save_question(quiz, _question_draft(form), question, actor=current_person())
            db.commit()
        except DomainError as error:
            db.rollback()
            list_errors = show_problems(form, error)
        else:
            flash(_("The question was saved."), "success")
            return redirect(url_for(".path_test_edit", slug=program.slug, quiz_slug=quiz.slug), 303)
    return render_template(
        "lms_roi/authoring/path_question_form.html",
        form=form,
        program=program,
        quiz=quiz,
        question=question,
        list_errors=list_errors,
    ), 422 if (form.errors or list_errors or form.form_errors) else 200


def _test_kinds(form: QuizForm, kinds) -> None:
    """Offer only the kinds a path's test may have."""
    form.kind.choices = [SelectChoice(kind, KIND_LABELS[kind]) for kind in kinds]


def _quiz_draft(form: QuizForm) -> service.QuizDraft:
    return service.QuizDraft(
        kind=form.kind.data,
        title=form.title.data or "",
        pass_mark_pct=form.pass_mark_pct.data,
        max_attempts=form.max_attempts.data,
        shuffle=bool(form.shuffle.data),
    )


def _question_draft(form: QuestionForm) -> service.QuestionDraft:
    return service.QuestionDraft(
        kind=form.kind.data,
        prompt=form.prompt.data or "",
        explanation=form.explanation.data or "",
        choices=[
            service.ChoiceDraft(
                text=row.text.data or "",
                correct=bool(row.correct.data),
                feedback=row.feedback.data or "",
                choice_id=int_or_none(row.choice_id.data),
            )
            for row in form.choices
        ],
    )


def _program_or_404(slug: str) -> Program:
    program = session().scalar(select(Program).where(Program.slug == slug))
    if program is None:
        abort(404)
    return program


def _test_or_404(slug: str, quiz_slug: str) -> tuple[Program, Quiz]:
    """The path and one of its own tests (404 for a module's quiz or another path's)."""
    program = _program_or_404(slug)
    quiz = session().scalar(
        select(Quiz).where(Quiz.slug == quiz_slug, Quiz.program_id == program.id)
    )
    if quiz is None:
        abort(404)
    return program, quiz


def _question_or_404(quiz: Quiz, question_id: int) -> Question:
    question = session().get(Question, question_id)
    if question is None or question.quiz_id != quiz.id:
        abort(404)
    return question
