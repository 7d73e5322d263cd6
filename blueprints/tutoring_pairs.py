"""Analysts' tutoring pages: the pairs (filters, suggestions, creating, ending), capacities.

* ``/tutoring/pairs``: every pair, filtered by status, tutor and mentee.
* ``/tutoring/pairs/new``: suggested tutors for a mentee and a program or module, and the
  form creating the pair.
* ``/tutoring/pairs/<id>/end``: end an active pair with a reason (an analyst, or the
  pair's tutor); the tutor's access to the mentee's data ends at once.
* ``/tutoring/tutors``: each tutor's places taken, pending requests and capacity.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Learner, Program
from lms_roi.models.tutoring import PAIR_STATUSES
from lms_roi.policy import current_person, policy
from lms_roi.services import tutoring_pair_lists as lists
from lms_roi.services import tutoring_pairs as service
from lms_roi.services.mentees import organisation_today
from lms_roi.services.tutor_matching import suggest_tutors

from .paging import page_and_pages
from .tutoring_pair_forms import (
    STATUS_LABELS,
    CapacityForm,
    PairForm,
    ReasonForm,
    find_target,
    show_refusal,
    target_choices,
)

tutoring_pairs = Blueprint("tutoring_pairs", __name__, url_prefix="/tutoring")

ANALYSTS = ("analyst", "admin")
#: Suggestions shown for one mentee and target.
SUGGESTIONS_SHOWN = 10


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    # Ids are 32-bit in the database: a longer number names nothing.
    return int(value) if value.isascii() and value.isdigit() and int(value) < 2**31 else None


@tutoring_pairs.route("/pairs")
@policy(*ANALYSTS)
def pair_list():
    """Every pair, newest first, filtered by status, tutor and mentee."""
    status = request.args.get("status", "")
    status = status if status in PAIR_STATUSES else ""
    tutor_id, mentee_id = _int_arg("tutor"), _int_arg("mentee")
    filters = (status or None, tutor_id, mentee_id)
    size = current_app.config["LMS_ROI_PAGE_SIZE"]
    total = lists.count_pairs(*filters)
    page, pages = page_and_pages(total, size)
    rows = lists.pair_rows(*filters, offset=(page - 1) * size, limit=size, newest_first=True)
    return render_template(
        "lms_roi/tutoring/pairs.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        filters={"status": status, "tutor": tutor_id, "mentee": mentee_id},
        statuses=STATUS_LABELS,
        tutors=lists.people_with_role("tutor"),
        mentees=lists.people_with_role("learner"),
    )


@tutoring_pairs.route("/pairs/new", methods=["GET", "POST"])
@policy(*ANALYSTS)
def pair_new():
    """Suggestions for a mentee and a program or module; the form that creates the pair."""
    mentee_id, target = _int_arg("mentee"), find_target(request.args.get("target"))
    learners = lists.people_with_role("learner")
    form = PairForm()
    _pair_choices(form, learners)
    if request.method == "GET":
        form.mentee.data = mentee_id
        form.tutor.data = _int_arg("tutor")
        chosen_program = target is not None and target.kind == "program"
        form.program.data = request.args["target"].partition(":")[2] if chosen_program else ""
    if form.validate_on_submit():
        try:
            pair = service.create_pair(
                current_person(),
                tutor_id=form.tutor.data,
                mentee_id=form.mentee.data,
                program_id=_program_id(form.program.data),
                goals=form.goals.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
            session().commit()
        except DomainError as error:
            session().rollback()
            show_refusal(form, error)
        else:
            names = session().get(Learner, pair.tutor_id), session().get(Learner, pair.mentee_id)
            flash(
                _(
                    "%(tutor)s now tutors %(mentee)s.",
                    tutor=names[0].display_name,
                    mentee=names[1].display_name,
                ),
                "success",
            )
            return redirect(url_for(".pair_list"))
    suggestions = None
    if mentee_id is not None and target is not None:
        suggestions = suggest_tutors(mentee_id, target, limit=SUGGESTIONS_SHOWN)
    return render_template(
        "lms_roi/tutoring/pair_new.html",
        form=form,
        mentees=learners,
        targets=target_choices(),
        chosen={"mentee": mentee_id, "target": request.args.get("target", "")},
        target=target,
        suggestions=suggestions,
    ), (422 if form.errors else 200)


def _pair_choices(form: PairForm, learners) -> None:
    none = [SelectChoice("", _("— choose —"))]
    tutors = lists.people_with_role("tutor")
    form.tutor.choices = none + [SelectChoice(i, name) for i, name in tutors]
    form.mentee.choices = none + [SelectChoice(i, name) for i, name in learners]
    form.program.choices = [SelectChoice("", _("No program"))] + [
        SelectChoice(slug, title)
        for slug, title in session().execute(
            select(Program.slug, Program.title).order_by(Program.title)
        )
    ]


def _program_id(slug: str) -> int | None:
    return session().scalar(select(Program.id).where(Program.slug == slug)) if slug else None


@tutoring_pairs.route("/pairs/<int:pair_id>/end", methods=["GET", "POST"])
@policy(*ANALYSTS, "tutor")
def pair_end(pair_id: int):
    """End an active pair, saying why: an analyst, or the pair's own tutor."""
    person = current_person()
    analyst = bool(person.roles & set(ANALYSTS))
    row = next(
        iter(lists.pair_rows(tutor_id=None if analyst else person.id, pair_id=pair_id)), None
    )
    if row is None:
        abort(404)
    form = ReasonForm()
    back = url_for(".pair_list") if analyst else url_for("lms_roi.tutoring_requests.requests")
    if form.validate_on_submit():
        try:
            service.end_pair(person, pair_id, form.reason.data)
            session().commit()
        except DomainError as error:
            session().rollback()
            show_refusal(form, error)
        else:
            flash(
                _(
                    "The pair of %(tutor)s and %(mentee)s has ended.",
                    tutor=row.tutor_name,
                    mentee=row.mentee_name,
                ),
                "success",
            )
            return redirect(back)
    return render_template(
        "lms_roi/tutoring/pair_end.html", form=form, row=row, back=back, statuses=STATUS_LABELS
    ), (422 if form.errors else 200)


@tutoring_pairs.route("/tutors")
@policy(*ANALYSTS)
def tutor_capacities():
    """Each tutor's places taken and pending requests, with a form to set the capacity."""
    loads = lists.tutor_loads(organisation_today())
    return render_template(
        "lms_roi/tutoring/tutor_capacities.html",
        loads=loads,
        form=CapacityForm(formdata=None),
        default=service.DEFAULT_TUTOR_CAPACITY,
    )


@tutoring_pairs.route("/tutors/<int:tutor_id>/capacity", methods=["POST"])
@policy(*ANALYSTS)
def set_capacity(tutor_id: int):
    form = CapacityForm()
    if not form.validate_on_submit():
        messages = [m for errors in form.errors.values() for m in errors]
        flash(messages[0] if messages else _("Nothing was saved."), "error")
        return redirect(url_for(".tutor_capacities"))
    try:
        tutor = service.set_tutor_capacity(current_person(), tutor_id, form.capacity.data)
        session().commit()
    except DomainError as error:
        session().rollback()
        flash(error.message, "error")
    else:
        flash(_("The capacity of %(name)s is saved.", name=tutor.display_name), "success")
    return redirect(url_for(".tutor_capacities"))
