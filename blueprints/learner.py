"""Learner pages: home (what to do next, own progress) and the module catalog."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from lms_roi.db import session, utcnow
from lms_roi.gamification import challenges, profile
from lms_roi.lessons import split_steps
from lms_roi.models import Badge, Completion, Module, SurveyResponse
from lms_roi.models._types import METHODS
from lms_roi.policy import current_person, policy
from lms_roi.services import feedback, learning, review, review_notices
from lms_roi.services.paths import home_paths
from lms_roi.services.recommendations import recommend

learner = Blueprint("learner", __name__)


@learner.route("/learning")
@policy("learner")
def home():
    person = current_person()
    db = session()
    now = utcnow()
    if review_notices.notify_due(person, now):
        db.commit()  # today's "review due" note, before the feed is read
    today = learning.learner_today(person)
    completions = db.execute(
        select(Completion, Module, SurveyResponse.id)
        .join(Module, Module.id == Completion.module_id)
        .outerjoin(
            SurveyResponse,
            (SurveyResponse.learner_id == Completion.learner_id)
            & (SurveyResponse.module_id == Completion.module_id),
        )
        .where(Completion.learner_id == person.id)
        .order_by(Completion.completed_at.desc())
        .limit(10)
    ).all()
    totals = db.execute(
        select(func.count(Completion.id), func.count(func.distinct(Completion.module_id))).where(
            Completion.learner_id == person.id
        )
    ).one()
    game = profile.figures(person, now)
    challenge_views = challenges.for_learner(person, settle=False)
    started = [
        (progress, module, len(split_steps(module.body_md)))
        for progress, module in learning.in_progress(person)
    ]
    return render_template(
        "lms_roi/home.html",
        person=person,
        completions=completions,
        n_completions=totals[0],
        n_modules=totals[1],
        started=started,
        reviews_due=review.due_items(person, now),
        reviews_left_today=review.left_today(person, now),
        next_review=review.next_due_at(person),
        follow_ups=feedback.open_follow_ups(person, today),
        paths=home_paths(person),
        recommendations=recommend(person, today),
        game=game,
        challenges=[v for v in challenge_views if v.status(now) in ("running", "won")],
        badge_names=_badge_names(game.notifications),
        review_days=_review_days(game.notifications),
        read_form=ReadForm(),
    )


def _badge_names(notifications) -> dict[str, str]:
    """Names of the badges the feed mentions (one query)."""
    slugs = {n.payload.get("badge") for n in notifications if n.kind == "badge_earned"}
    slugs.discard(None)
    if not slugs:
        return {}
    return dict(
        session().execute(select(Badge.slug, Badge.name).where(Badge.slug.in_(slugs))).all()
    )


def _review_days(notifications) -> dict[str, date]:
    """The days the feed's review notes are about, by their ISO text in the payload."""
    days = {n.payload.get("day") for n in notifications if n.kind == review_notices.KIND}
    return {day: date.fromisoformat(day) for day in days if day}


class ReadForm(FlaskForm):
    """Mark the notifications read (CSRF only)."""


@learner.route("/notifications/read", methods=["POST"])
@policy("learner")
def notifications_read():
    if ReadForm().validate_on_submit():
        profile.mark_read(current_person())
        session().commit()
    return redirect(url_for(".home"))


@learner.route("/modules")
@policy("learner")
def catalog():
    method = request.args.get("method", "")
    stmt = select(Module).where(Module.published.is_(True)).order_by(Module.title)
    if method in METHODS:
        stmt = stmt.where(Module.method == method)
    modules = session().scalars(stmt).all()
    return render_template("lms_roi/catalog.html", modules=modules, method=method, methods=METHODS)


# The lesson pages add their routes to this blueprint.
from . import lessons  # noqa: E402, F401
