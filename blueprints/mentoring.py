"""The mentee's side of tutoring, a pair's sessions, and ticking agreed actions.

* ``/mentoring/``: my tutors, our sessions, the agreed actions (done or not), the
  next meeting.
* ``/mentoring/pairs/<id>``: one pair's sessions, for the pair and analysts (the
  tutor only while the pair is active).
* ``POST /mentoring/actions/<id>``: either side of the pair ticks an action done or
  undone (CSRF-protected form).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.models import Program, TutoringAction, TutoringPair
from lms_roi.policy import current_person, policy
from lms_roi.services.mentees import organisation_today
from lms_roi.services.tutoring_sessions import (
    has_run,
    is_tutor_of,
    may_view,
    mentee_pairs,
    names_of,
    next_meeting,
    pair_active_on,
    sessions_of_pairs,
    set_action_done,
)

from .navigation import local_path
from .tutor import ActionForm

mentoring = Blueprint("mentoring", __name__, url_prefix="/mentoring")


def _program_titles(pairs) -> dict[int, str]:
    ids = {pair.program_id for pair in pairs if pair.program_id is not None}
    if not ids:
        return {}
    return dict(
        session().execute(select(Program.id, Program.title).where(Program.id.in_(ids))).all()
    )


def may_tick(pair: TutoringPair, person, today) -> bool:
    """The mentee while the pair is active or ended; the tutor while it is active."""
    if person.id == pair.mentee_id:
        return has_run(pair)
    return is_tutor_of(pair, person) and pair_active_on(pair, today)


@mentoring.route("/")
@policy("learner")
def home():
    """The signed-in learner's tutors, sessions, agreed actions and next meetings."""
    person, today = current_person(), organisation_today()
    pairs = mentee_pairs(person)
    by_pair = sessions_of_pairs([pair.id for pair in pairs])
    titles = _program_titles(pairs)
    views = [
        {
            "pair": pair,
            "program": titles.get(pair.program_id),
            "active": pair_active_on(pair, today),
            "sessions": by_pair[pair.id],
            "next_meeting": next_meeting(by_pair[pair.id], today),
        }
        for pair in pairs
    ]
    return render_template(
        "lms_roi/mentoring/home.html",
        views=views,
        names=names_of(s for sessions in by_pair.values() for s in sessions),
        action_form=ActionForm(),
        today=today,
    )


@mentoring.route("/pairs/<int:pair_id>")
@policy("learner", "tutor", "analyst", "admin")
def pair_sessions(pair_id: int):
    """One pair's sessions: its mentee, its tutor while it is active, analysts."""
    person, today = current_person(), organisation_today()
    pair = session().get(TutoringPair, pair_id)
    if pair is None or not may_view(pair, person, today):
        abort(404)  # the same answer for "absent" and "not yours"
    sessions = sessions_of_pairs([pair.id])[pair.id]
    return render_template(
        "lms_roi/mentoring/pair.html",
        pair=pair,
        program=_program_titles([pair]).get(pair.program_id),
        sessions=sessions,
        names=names_of(sessions),
        next_meeting=next_meeting(sessions, today),
        tick=may_tick(pair, person, today),
        action_form=ActionForm(),
    )


@mentoring.route("/actions/<int:action_id>", methods=["POST"])
@policy("learner", "tutor")
def action_done(action_id: int):
    """Tick an agreed action done (``done=1``) or undone (``done=0``), then go back."""
    person = current_person()
    action = session().get(TutoringAction, action_id)
    pair = action.session.pair if action is not None else None
    if pair is None or person.id not in (pair.tutor_id, pair.mentee_id):
        abort(404)
    back = local_path(request.form.get("next")) or url_for(".home")
    if not ActionForm().validate_on_submit():
        flash(_("This form has expired. Reload the page and try again."), "error")
        return redirect(back)
    done = request.form.get("done") == "1"
    set_action_done(action, done, person)  # refused: the plugin's error page, rolled back
    session().commit()
    message = (
        _("“%(action)s” is marked as done.", action=action.text)
        if done
        else _("“%(action)s” is marked as not done.", action=action.text)
    )
    flash(message, "success")
    return redirect(back)
