"""Tutor pages: the tutor's home with their mentees."""

from __future__ import annotations

from flask import Blueprint, render_template

from lms_roi.policy import current_person, policy
from lms_roi.services.mentees import active_mentees, organisation_today

tutor = Blueprint("tutor", __name__, url_prefix="/tutor")


@tutor.route("/")
@policy("tutor")
def home():
    """The signed-in tutor's active mentees: path progress, activity and sessions."""
    today = organisation_today()
    mentees = active_mentees(current_person().id, today)
    return render_template(
        "lms_roi/tutor/home.html",
        mentees=mentees,
        today=today,
        n_sessions=sum(row.sessions for row in mentees),
        n_minutes=sum(row.minutes for row in mentees),
    )
