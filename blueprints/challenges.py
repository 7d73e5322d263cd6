"""Challenges: the learner's progress bars, and the analysts' challenge editor."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from lms_roi.db import session, utcnow
from lms_roi.gamification import challenges as service
from lms_roi.gamification.periods import zone
from lms_roi.labels import label
from lms_roi.models import Badge, Challenge
from lms_roi.models._types import METHODS
from lms_roi.policy import current_person, policy

challenges = Blueprint("challenges", __name__)


@challenges.route("/challenges")
@policy("learner")
def challenge_list():
    now = utcnow()
    views = service.for_learner(current_person(), now)
    session().commit()  # a first read after a window closed may have settled it
    return render_template("lms_roi/challenges/list.html", views=views, now=now)


class ChallengeForm(FlaskForm):
    """An analyst's challenge: who, what, how much, when, and the reward."""

    slug = StringField(
        _l("Slug"),
        validators=[
            DataRequired(_l("Write a slug.")),
            Length(max=120),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Lowercase letters, digits, hyphens.")),
        ],
    )
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Write a title.")), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    scope = SelectField(
        _l("Who takes part"),
        choices=[
            SelectChoice("individual", _l("each learner on their own")),
            SelectChoice("team", _l("each team together")),
        ],
    )
    metric = SelectField(
        _l("What counts"),
        choices=[
            SelectChoice("modules_completed", _l("modules completed")),
            SelectChoice("quizzes_passed", _l("quizzes passed")),
            SelectChoice("xp", _l("XP earned")),
        ],
    )
    method = SelectField(_l("Only modules of this method"), validators=[Optional()])
    goal = IntegerField(
        _l("Goal"),
        validators=[InputRequired(_l("Write the goal.")), NumberRange(1, 100000)],
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Choose the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Choose the last day."))])
    reward_xp = IntegerField(
        _l("Reward (XP)"), default=0, validators=[InputRequired(), NumberRange(0, 10000)]
    )
    badge = SelectField(_l("Reward badge"), validators=[Optional()])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_("The last day comes after the first day."))


def _choices(form: ChallengeForm) -> None:
    form.method.choices = [SelectChoice("", _("any method"))] + [
        SelectChoice(method, label(method, "method")) for method in METHODS
    ]
    form.badge.choices = [SelectChoice("", _("no badge"))] + [
        SelectChoice(str(badge_id), name)
        for badge_id, name in session().execute(
            select(Badge.id, Badge.name).where(Badge.active.is_(True)).order_by(Badge.name)
        )
    ]


@challenges.route("/challenges/manage")
@policy("analyst", "admin")
def manage():
    rows = session().scalars(select(Challenge).order_by(Challenge.starts_at.desc())).all()
    return render_template("lms_roi/challenges/manage.html", rows=rows, now=utcnow())


@challenges.route("/challenges/manage/new", methods=["GET", "POST"])
@challenges.route("/challenges/manage/<slug>", methods=["GET", "POST"])
@policy("analyst", "admin")
def edit(slug: str | None = None):
    found = None
    if slug is not None:
        found = session().scalar(select(Challenge).where(Challenge.slug == slug))
        if found is None:
            abort(404)
    form = ChallengeForm(obj=found)
    _choices(form)
    if found is not None and not form.is_submitted():
        tz = zone()
        form.starts_on.data = found.starts_at.astimezone(tz).date()
        # ends_at is the midnight after the last day.
        form.ends_on.data = found.ends_at.astimezone(tz).date() - timedelta(days=1)
        form.method.data = found.method or ""
        form.badge.data = str(found.badge_id or "")
    if found is not None and found.settled_at is not None and form.is_submitted():
        flash(_("This challenge is settled: its winners were rewarded, it cannot change."), "error")
        return redirect(url_for(".manage"))
    if form.validate_on_submit():
        taken = session().scalar(select(Challenge.id).where(Challenge.slug == form.slug.data))
        if taken is not None and (found is None or taken != found.id):
            form.slug.errors.append(_("Another challenge has this slug."))
        else:
            challenge = found or Challenge()
            tz = zone()
            challenge.slug = form.slug.data
            challenge.title = form.title.data.strip()
            challenge.description = (form.description.data or "").strip()
            challenge.scope = form.scope.data
            challenge.metric = form.metric.data
            by_method = form.metric.data == "modules_completed" and form.method.data
            challenge.method = form.method.data if by_method else None
            challenge.goal = form.goal.data
            # Whole days in the organisation's zone: from the first day's midnight to the
            # midnight after the last day.
            challenge.starts_at = datetime.combine(
                form.starts_on.data, time(0), tzinfo=tz
            ).astimezone(UTC)
            # (Computed from the next local day, so a DST change on the last day is right.)
            challenge.ends_at = datetime.combine(
                form.ends_on.data + timedelta(days=1), time(0), tzinfo=tz
            ).astimezone(UTC)
            challenge.reward_xp = form.reward_xp.data
            challenge.badge_id = int(form.badge.data) if form.badge.data else None
            if found is None:
                session().add(challenge)
            session().commit()
            flash(_("The challenge “%(title)s” is saved.", title=challenge.title), "success")
            return redirect(url_for(".manage"))
    return render_template("lms_roi/challenges/edit.html", form=form, found=found)
