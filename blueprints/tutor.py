"""Tutor pages: the tutor's home (mentees, at-risk alerts) and a mentee's page.

Every mentee URL checks that the tutor's pair with that mentee is active today:
another tutor's mentee, a pair that ended (even yesterday) or has not started
answer 404, the same as an unknown id.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from lms_roi.db import session
from lms_roi.i18n import short_date
from lms_roi.models import Program
from lms_roi.policy import current_person, policy
from lms_roi.services import mentee_progress
from lms_roi.services.mentees import active_mentees, active_pairs_with, organisation_today
from lms_roi.services.tutoring_alerts import Alert, all_alerts
from lms_roi.services.tutoring_sessions import (
    MAX_ACTIONS,
    InvalidSession,
    log_session,
    names_of,
    next_meeting,
    sessions_of_pairs,
)

tutor = Blueprint("tutor", __name__, url_prefix="/tutor")

#: Empty "agreed action" boxes the session form starts with.
ACTION_BOXES = 3
#: Fields a refused session's reason is shown on (others go above the form).
SINGLE_FIELDS = ("held_on", "minutes", "notes", "next_meeting_on")


class SessionForm(FlaskForm):
    """A session held with a mentee: when, how long, notes, agreed actions, next meeting."""

    pair = SelectField(_l("Tutoring pair"))
    held_on = DateField(
        _l("Date of the session"),
        validators=[InputRequired(_l("Choose the day the session was held."))],
    )
    minutes = IntegerField(
        _l("Minutes"),
        validators=[InputRequired(_l("Write how many minutes the session lasted."))],
        description=_l("From 1 to 480."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional()])
    actions = FieldList(
        StringField(_l("Agreed action"), validators=[Optional()]),
        min_entries=ACTION_BOXES,
        max_entries=MAX_ACTIONS,
    )
    next_meeting_on = DateField(_l("Next meeting"), validators=[Optional()])


class ActionForm(FlaskForm):
    """Only carries the CSRF token (ticking an agreed action done or undone)."""


@tutor.route("/")
@policy("tutor")
def home():
    """The signed-in tutor's active mentees, with the at-risk alerts on top."""
    today = organisation_today()
    mentees = active_mentees(current_person().id, today)
    return render_template(
        "lms_roi/tutor/home.html",
        mentees=mentees,
        alerts=all_alerts(mentees),
        emails={row.mentee_id: row.email for row in mentees},
        action_of=alert_action,
        today=today,
        n_sessions=sum(row.sessions for row in mentees),
        n_minutes=sum(row.minutes for row in mentees),
    )


def alert_action(alert: Alert, email: str | None, *, external: bool = False) -> dict:
    """The action that resolves an alert: its kind, its label and where it leads."""
    if alert.action == "message" and email:
        return {
            "kind": "message",
            "label": _("Write to %(name)s", name=alert.mentee_name),
            "url": "mailto:" + quote(email, safe="@"),
        }
    if alert.action == "progress":
        return {
            "kind": "progress",
            "label": _("Open the progress of %(name)s", name=alert.mentee_name),
            "url": url_for(
                "lms_roi.tutor.mentee",
                mentee_id=alert.mentee_id,
                _anchor="progress",
                _external=external,
            ),
        }
    return {
        "kind": "log_session",
        "label": _("Log a session with %(name)s", name=alert.mentee_name),
        "url": url_for(
            "lms_roi.tutor.mentee",
            mentee_id=alert.mentee_id,
            _anchor="log-session",
            _external=external,
        ),
    }


@tutor.route("/mentees/<int:mentee_id>", methods=["GET", "POST"])
@policy("tutor")
def mentee(mentee_id: int):
    """One active mentee: alerts, progress, sessions, and the form to log a session."""
    person, today = current_person(), organisation_today()
    pairs = active_pairs_with(person.id, mentee_id, today)
    if not pairs:
        abort(404)
    form = SessionForm()
    form.pair.choices = [(str(pair.id), _pair_label(pair)) for pair in pairs]
    if not form.is_submitted():
        form.pair.data, form.held_on.data = str(pairs[-1].id), today
    elif "more" in request.form:
        # "Add another action": the same form back with one more box, nothing saved.
        if len(form.actions) < MAX_ACTIONS:
            form.actions.append_entry()
    elif form.validate_on_submit():
        saved = _log(form, {str(pair.id): pair for pair in pairs}, person, today)
        if saved:
            return redirect(url_for(".mentee", mentee_id=mentee_id, _anchor="sessions"))
    return _mentee_page(person, pairs, form, today)


def _mentee_page(person, pairs: list, form: SessionForm, today):
    """The mentee's page: their row (figures, alerts), progress, sessions and the form."""
    [row] = active_mentees(person.id, today, mentee_id=pairs[0].mentee_id)
    by_pair = sessions_of_pairs([pair.id for pair in pairs])
    sessions = sorted(
        (logged for pair_sessions in by_pair.values() for logged in pair_sessions),
        key=lambda logged: (logged.held_on, logged.id),
        reverse=True,
    )
    mentee_learner = pairs[0].mentee
    return render_template(
        "lms_roi/tutor/mentee.html",
        row=row,
        pairs=pairs,
        pair_labels=dict(form.pair.choices),
        sessions=sessions,
        names=names_of(sessions),
        next_meeting=next_meeting(sessions, today),
        paths=mentee_progress.paths(mentee_learner, [pair.program_id for pair in pairs]),
        quizzes=mentee_progress.quiz_results(mentee_learner),
        follow_ups=mentee_progress.follow_up_answers(mentee_learner),
        form=form,
        action_form=ActionForm(),
        action_of=alert_action,
        today=today,
    )


def _pair_label(pair) -> str:
    if pair.program_id is None:
        return _("No program, since %(date)s", date=short_date(pair.starts_on))
    title = session().get(Program, pair.program_id).title
    return _("%(program)s, since %(date)s", program=title, date=short_date(pair.starts_on))


def _log(form: SessionForm, pairs: dict, person, today) -> bool:
    """Log the session the form describes; False (with the reason on a field) if refused."""
    pair = pairs.get(form.pair.data)
    if pair is None:
        form.pair.errors.append(_("Choose one of your pairs with this mentee."))
        return False
    try:
        logged = log_session(
            pair,
            by=person,
            held_on=form.held_on.data,
            minutes=form.minutes.data,
            notes=form.notes.data,
            actions=[entry.data for entry in form.actions],
            next_meeting_on=form.next_meeting_on.data,
            today=today,
        ).session
        session().commit()
    except InvalidSession as error:
        session().rollback()
        if error.field in SINGLE_FIELDS:
            getattr(form, error.field).errors.append(error.message)
        else:
            form.form_errors.append(error.message)
        return False
    flash(
        ngettext(
            "The session of %(date)s is logged with %(num)d agreed action.",
            "The session of %(date)s is logged with %(num)d agreed actions.",
            len(logged.actions),
            date=short_date(logged.held_on),
        ),
        "success",
    )
    return True
