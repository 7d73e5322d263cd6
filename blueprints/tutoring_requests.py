"""Asking for a tutor, and answering: the learner's and the tutor's tutoring request pages.

* ``/tutoring/find``: a learner picks a program or module, sees the suggested tutors and
  why, asks one with a note, and follows their pending and declined requests.
* ``/tutoring/requests``: a tutor accepts or declines (with a reason) the requests
  addressed to them, and sees the pairs holding their places (each can be ended).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Learner, Program
from lms_roi.policy import current_person, policy
from lms_roi.services import tutoring_pair_lists as lists
from lms_roi.services import tutoring_pairs as service
from lms_roi.services.mentees import organisation_today
from lms_roi.services.tutor_matching import suggest_tutors

from .tutoring_pair_forms import (
    AcceptForm,
    AskForm,
    ReasonForm,
    find_target,
    target_choices,
    target_value,
)

tutoring_requests = Blueprint("tutoring_requests", __name__, url_prefix="/tutoring")

#: Suggestions shown to a learner for one target.
SUGGESTIONS_SHOWN = 5


@tutoring_requests.route("/find")
@policy("learner")
def find_tutor():
    """Suggested tutors for the program or module the learner chose; their requests."""
    person = current_person()
    target = find_target(request.args.get("target"))
    suggestions = None
    if target is not None:
        suggestions = suggest_tutors(person.id, target, limit=SUGGESTIONS_SHOWN)
    return render_template(
        "lms_roi/tutoring/find_tutor.html",
        targets=target_choices(),
        chosen=request.args.get("target", ""),
        target=target,
        suggestions=suggestions,
        form=AskForm(formdata=None, target=target_value(target)),
        requests=lists.requests_of(person.id),
    )


@tutoring_requests.route("/find/ask/<int:tutor_id>", methods=["POST"])
@policy("learner")
def ask_tutor(tutor_id: int):
    """Send the request; back to the suggestions, which now list it."""
    form = AskForm()
    target = find_target(form.target.data)
    back = url_for(".find_tutor", target=form.target.data or None)
    if not form.validate_on_submit():
        messages = [m for errors in form.errors.values() for m in errors]
        flash(messages[0] if messages else _("Nothing was sent."), "error")
        return redirect(back)
    program_id = target.id if target is not None and target.kind == "program" else None
    try:
        service.request_tutor(
            current_person(), tutor_id, program_id=program_id, note=form.note.data
        )
        session().commit()
    except DomainError as error:
        session().rollback()
        flash(error.message, "error")
    else:
        name = session().scalar(select(Learner.display_name).where(Learner.id == tutor_id))
        flash(_("Your request was sent to %(tutor)s.", tutor=name), "success")
    return redirect(back)


@tutoring_requests.route("/requests")
@policy("tutor")
def requests():
    """Requests waiting for the signed-in tutor's answer, and the pairs holding places."""
    person, today = current_person(), organisation_today()
    pending = lists.pending_requests(person.id)
    return render_template(
        "lms_roi/tutoring/tutor_requests.html",
        pending=pending,
        accept_form=AcceptForm(formdata=None),
        decline_form=ReasonForm(formdata=None),
        holding=lists.tutor_pairs_holding_places(person.id, today),
        capacity=service.capacity_of(person.tutor_capacity),
        taken=service.places_taken([person.id], today).get(person.id, 0),
    )


@tutoring_requests.route("/requests/<int:pair_id>/accept", methods=["POST"])
@policy("tutor")
def accept(pair_id: int):
    if not AcceptForm().validate_on_submit():
        flash(_("This form has expired. Reload the page and try again."), "error")
        return redirect(url_for(".requests"))
    return _answer(lambda tutor: service.accept_request(tutor, pair_id), "accepted")


@tutoring_requests.route("/requests/<int:pair_id>/decline", methods=["POST"])
@policy("tutor")
def decline(pair_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        messages = [m for errors in form.errors.values() for m in errors]
        flash(messages[0], "error")
        return redirect(url_for(".requests"))
    return _answer(
        lambda tutor: service.decline_request(tutor, pair_id, form.reason.data), "declined"
    )


def _answer(change, outcome: str):
    try:
        pair = change(current_person())
        session().commit()
    except DomainError as error:
        session().rollback()
        flash(error.message, "error")
        return redirect(url_for(".requests"))
    mentee = session().get(Learner, pair.mentee_id).display_name
    program = session().get(Program, pair.program_id) if pair.program_id else None
    if outcome == "accepted":
        message = (
            _("You now tutor %(mentee)s in %(program)s.", mentee=mentee, program=program.title)
            if program
            else _("You now tutor %(mentee)s.", mentee=mentee)
        )
    else:
        message = _("You declined the request of %(mentee)s.", mentee=mentee)
    flash(message, "success")
    return redirect(url_for(".requests"))
