"""A module as the learner takes it: overview, lesson steps, time spent, survey, follow-ups.

Routes live on the ``learner`` blueprint (endpoints ``lms_roi.learner.<view>``).
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from lms_roi.analytics.knowledge import learner_gains
from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.lessons import split_steps
from lms_roi.models import FollowUp, Module
from lms_roi.policy import current_person, policy
from lms_roi.services import feedback, learning, paths
from lms_roi.services.quizzes import best_attempt

from .forms import csrf_header_ok
from .learner import learner
from .learning_forms import FollowUpForm, StepForm, SurveyForm


def _published(slug: str) -> Module:
    module = session().scalar(select(Module).where(Module.slug == slug))
    if module is None or not module.published:
        abort(404)
    return module


@learner.route("/modules/<slug>")
@policy("learner")
def module_detail(slug: str):
    person = current_person()
    module = _published(slug)
    steps = split_steps(module.body_md)
    progress = learning.progress_of(person, module)
    if progress is not None and progress.version != module.current_version:
        progress = None  # a new version: its lesson starts afresh
    seen = set(progress.steps_seen or []) if progress else set()
    quizzes = learning.module_quizzes(module)
    final_quiz = learning.completion_quiz(module)
    standing = {kind: best_attempt(person, quiz) for kind, quiz in quizzes.items()}
    gain = next((g for g in learner_gains(person.id) if g.module_id == module.id), None)
    missing = paths.missing_prerequisites(person, module)
    completed = feedback.has_completed(person, module)
    resume = _resume_step(progress, len(steps))
    return render_template(
        "lms_roi/lessons/module.html",
        module=module,
        steps=steps,
        seen=seen,
        progress=progress,
        resume=resume,
        quizzes=quizzes,
        final_quiz=final_quiz,
        standing=standing,
        gain=gain,
        locked_reason=paths.prerequisite_message(missing) if missing else None,
        completed=completed,
        survey=feedback.survey_of(person, module) if completed else None,
    )


def _resume_step(progress, n_steps: int) -> int:
    """Where to continue: the current step, else the first one not seen (1-based)."""
    if progress is None:
        return 1
    seen = set(progress.steps_seen or [])
    if progress.current_step not in seen:
        return min(progress.current_step, n_steps - 1) + 1
    unseen = [i for i in range(n_steps) if i not in seen]
    return (unseen[0] if unseen else min(progress.current_step, n_steps - 1)) + 1


@learner.route("/modules/<slug>/steps/<int:number>", methods=["GET", "POST"])
@policy("learner")
def lesson_step(slug: str, number: int):
    person = current_person()
    module = _published(slug)
    missing = paths.missing_prerequisites(person, module)
    if missing:
        flash(paths.prerequisite_message(missing), "error")
        return redirect(url_for(".module_detail", slug=slug))
    steps = split_steps(module.body_md)
    if not 1 <= number <= len(steps):
        abort(404)
    form = StepForm()
    if form.validate_on_submit():
        _progress, done = learning.see_step(person, module, number - 1)
        session().commit()
        if done is not None and done.created:
            flash(_("Module completed. Tell us what you thought of it."), "success")
            return redirect(url_for(".survey", slug=slug))
        if number < len(steps):
            return redirect(url_for(".lesson_step", slug=slug, number=number + 1))
        final_quiz = learning.completion_quiz(module)
        if final_quiz is not None and learning.passed_score(person, final_quiz) is None:
            flash(_("Lesson read. Pass the quiz to complete the module."), "success")
            return redirect(url_for("lms_roi.quiz.quiz_intro", quiz_id=final_quiz.id))
        return redirect(url_for(".module_detail", slug=slug))
    progress = learning.start_module(person, module)
    if progress.current_step != number - 1:
        # Resume here next time, even if the learner leaves without clicking "next".
        progress.current_step = number - 1
    session().commit()
    seen = set(progress.steps_seen or [])
    return render_template(
        "lms_roi/lessons/step.html",
        module=module,
        step=steps[number - 1],
        number=number,
        n_steps=len(steps),
        n_seen=len(seen),
        form=form,
        csrf=generate_csrf(),
    )


@learner.route("/modules/<slug>/heartbeat", methods=["POST"])
@policy("learner")
def heartbeat(slug: str):
    """Time spent: the lesson page reports every few seconds while it is visible."""
    if not csrf_header_ok():
        message = _("The page expired: reload it.")
        return jsonify(code="csrf_invalid", message=message, field=None), 400
    person = current_person()
    module = _published(slug)
    try:
        seconds = int(request.form.get("seconds", "0"))
    except ValueError:
        return jsonify(
            code="invalid_input", message=_("seconds must be a whole number"), field="seconds"
        ), 400
    progress = learning.heartbeat(person, module, seconds)
    session().commit()
    return jsonify(time_spent_s=progress.time_spent_s)


@learner.route("/modules/<slug>/survey", methods=["GET", "POST"])
@policy("learner")
def survey(slug: str):
    person = current_person()
    module = _published(slug)
    if not feedback.has_completed(person, module):
        flash(_("The survey opens once you have completed the module."), "error")
        return redirect(url_for(".module_detail", slug=slug))
    existing = feedback.survey_of(person, module)
    form = SurveyForm()
    if request.method == "GET" and existing is not None:
        form.rating.data = str(existing.rating)
        form.relevance.data = str(existing.relevance) if existing.relevance else None
        if existing.would_recommend is not None:
            form.would_recommend.data = "yes" if existing.would_recommend else "no"
        form.comment.data = existing.comment
    if form.validate_on_submit():
        answers = feedback.SurveyAnswers(
            rating=int(form.rating.data),
            relevance=int(form.relevance.data),
            would_recommend=form.would_recommend.data == "yes",
            comment=form.comment.data or "",
        )
        try:
            feedback.submit_survey(person, module, answers)
        except DomainError as exc:
            session().rollback()
            flash(exc.message, "error")
        else:
            session().commit()
            flash(_("Thank you: your answers help improve this module."), "success")
            return redirect(url_for(".home"))
    return render_template(
        "lms_roi/lessons/survey.html", module=module, form=form, existing=existing
    )


@learner.route("/follow-ups")
@policy("learner")
def follow_ups():
    person = current_person()
    today = learning.learner_today(person)
    return render_template(
        "lms_roi/lessons/follow_ups.html",
        items=feedback.open_follow_ups(person, today),
        next_due=feedback.next_follow_up(person, today),
    )


@learner.route("/follow-ups/<int:follow_up_id>", methods=["GET", "POST"])
@policy("learner")
def follow_up(follow_up_id: int):
    person = current_person()
    item = session().get(FollowUp, follow_up_id)
    if item is None or item.learner_id != person.id:
        abort(404)
    module = session().get(Module, item.module_id)
    today = learning.learner_today(person)
    form = FollowUpForm()
    if item.answered_at is None and form.validate_on_submit():
        answers = feedback.FollowUpAnswers(
            applied=form.applied.data == "yes",
            attribution_pct=_float(form.attribution_pct.data),
            confidence_pct=_float(form.confidence_pct.data),
            comment=form.comment.data or "",
        )
        try:
            feedback.answer_follow_up(item, answers, today)
        except DomainError as exc:
            session().rollback()
            if exc.field in form:
                form[exc.field].errors.append(exc.message)
            else:
                flash(exc.message, "error")
        else:
            session().commit()
            flash(_("Thank you: your answer is recorded."), "success")
            return redirect(url_for(".follow_ups"))
    return render_template(
        "lms_roi/lessons/follow_up.html", item=item, module=module, form=form, today=today
    )


def _float(value) -> float | None:
    return None if value is None else float(value)
