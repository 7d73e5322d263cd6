"""The learner's settings: how they appear on leaderboards."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from lms_roi.db import session
from lms_roi.gamification.leaderboards import choose_visibility
from lms_roi.gamification.pseudonyms import preview
from lms_roi.policy import current_person, policy

settings_page = Blueprint("settings_page", __name__)

VISIBILITY_CHOICES = [
    SelectChoice("named", _l("Under my name")),
    SelectChoice("pseudonymous", _l("Under my pseudonym")),
    SelectChoice("hidden", _l("Hidden")),
]


class VisibilityForm(FlaskForm):
    """The learner's leaderboard visibility."""

    visibility = RadioField(
        _l("How do you appear on leaderboards?"),
        choices=VISIBILITY_CHOICES,
        validators=[DataRequired(_l("Choose how you appear."))],
    )


@settings_page.route("/settings", methods=["GET", "POST"])
@policy("learner")
def settings():
    """Show and change the learner's leaderboard visibility; boards apply it at once."""
    person = current_person()
    form = VisibilityForm(visibility=person.leaderboard_visibility)
    if form.validate_on_submit():
        choose_visibility(person, form.visibility.data)
        session().commit()
        flash(_("Saved: the leaderboards show your choice now."), "success")
        return redirect(url_for(".settings"))
    return render_template(
        "lms_roi/settings.html", form=form, person=person, pseudonym=preview(person)
    ), 400 if form.errors else 200
