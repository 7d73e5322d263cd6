"""Authoring pages of a module's quizzes and their questions (routes of ``authoring``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Module, Question, Quiz
from lms_roi.models._types import QUIZ_KINDS
from lms_roi.policy import current_person, policy
from lms_roi.services import quiz_authoring as service

from .authoring import authoring, module_or_404, show_problems
from .authoring_forms import QUESTION_KINDS, QuestionForm, QuizForm, int_or_none, pad_rows
from .authoring_forms import QUIZ_KINDS as KIND_LABELS
from .forms import DeleteForm

#: New questions get this many answer rows (a true/false question uses two).
ANSWER_ROWS = 4


@authoring.route("/authoring/modules/<slug>/quizzes", methods=["GET", "POST"])
@policy("analyst", "admin")
def quiz_list(slug: str):
    module = module_or_404(slug)
    db = session()
    quizzes = sorted(
        db.scalars(select(Quiz).where(Quiz.module_id == module.id)),
        key=lambda quiz: QUIZ_KINDS.index(quiz.kind),
    )
    free = [kind for kind in QUIZ_KINDS if kind not in {quiz.kind for quiz in quizzes}]
    form = QuizForm(kind=free[0] if free else "practice")
    if form.validate_on_submit():
        try:
            quiz = service.create_quiz(module, _quiz_draft(form), actor=current_person())
            db.commit()
        except DomainError as error:
            db.rollback()
            show_problems(form, error)
        else:
            flash(
                _("The quiz %(title)s was added: now write its questions.", title=quiz.title),
                "success",
            )
            return redirect(url_for(".quiz_edit", quiz_slug=quiz.slug), 303)
    return render_template(
        "lms_roi/authoring/quizzes.html",
        module=module,
        quizzes=quizzes,
        form=form,
        kind_labels=KIND_LABELS,
    ), 422 if form.errors else 200


@authoring.route("/authoring/quizzes/<quiz_slug>", methods=["GET", "POST"])
@policy("analyst", "admin")
def quiz_edit(quiz_slug: str):
    quiz, module = _quiz_or_404(quiz_slug)
    db = session()
    form = QuizForm(obj=quiz if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.update_quiz(quiz, _quiz_draft(form), actor=current_person())
            db.commit()
        except DomainError as error:
            db.rollback()
            show_problems(form, error)
        else:
            flash(_("The quiz %(title)s was saved.", title=quiz.title), "success")
            return redirect(url_for(".quiz_edit", quiz_slug=quiz.slug), 303)
    return render_template(
        "lms_roi/authoring/quiz.html",
        quiz=quiz,
        module=module,
        form=form,
        delete_form=DeleteForm(formdata=None),
        kind_labels=KIND_LABELS,
        question_kinds=QUESTION_KINDS,
    ), 422 if form.errors else 200


@authoring.route("/authoring/quizzes/<quiz_slug>/questions/new", methods=["GET", "POST"])
@policy("analyst", "admin")
def question_new(quiz_slug: str):
    quiz, module = _quiz_or_404(quiz_slug)
    return _question_page(QuestionForm(), quiz, module, None)


@authoring.route("/authoring/questions/<int:question_id>/edit", methods=["GET", "POST"])
@policy("analyst", "admin")
def question_edit(question_id: int):
    question = _question_or_404(question_id)
    quiz, module = _quiz_or_404(None, question.quiz_id)
    form = QuestionForm() if request.method == "POST" else QuestionForm.of(question)
    return _question_page(form, quiz, module, question)


@authoring.route("/authoring/questions/<int:question_id>/delete", methods=["POST"])
@policy("analyst", "admin")
def question_delete(question_id: int):
    question = _question_or_404(question_id)
    quiz, _module = _quiz_or_404(None, question.quiz_id)
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
    return redirect(url_for(".quiz_edit", quiz_slug=quiz.slug), 303)


def _question_page(form: QuestionForm, quiz: Quiz, module: Module, question: Question | None):
    if request.method == "GET":
        filled = len([row for row in form.choices if row.text.data])
        pad_rows(form.choices, max(filled, ANSWER_ROWS - 2))
    list_errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        draft = service.QuestionDraft(
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
        db = session()
        try:
            service.save_question(quiz, draft, question, actor=current_person())
            db.commit()
        except DomainError as error:
            db.rollback()
            list_errors = show_problems(form, error)
        else:
            flash(_("The question was saved."), "success")
            return redirect(url_for(".quiz_edit", quiz_slug=quiz.slug), 303)
    return render_template(
        "lms_roi/authoring/question_form.html",
        form=form,
        quiz=quiz,
        module=module,
        question=question,
        list_errors=list_errors,
    ), 422 if (form.errors or list_errors or form.form_errors) else 200


def _quiz_draft(form: QuizForm) -> service.QuizDraft:
    return service.QuizDraft(
        kind=form.kind.data,
        title=form.title.data or "",
        pass_mark_pct=form.pass_mark_pct.data,
        max_attempts=form.max_attempts.data,
        shuffle=bool(form.shuffle.data),
    )


def _quiz_or_404(slug: str | None, quiz_id: int | None = None) -> tuple[Quiz, Module]:
    """A module's quiz (program-level tests are not authored here)."""
    db = session()
    quiz = db.get(Quiz, quiz_id) if quiz_id else db.scalar(select(Quiz).where(Quiz.slug == slug))
    if quiz is None or quiz.module_id is None:
        abort(404)
    return quiz, db.get(Module, quiz.module_id)


def _question_or_404(question_id: int) -> Question:
    question = session().get(Question, question_id)
    if question is None:
        abort(404)
    return question
