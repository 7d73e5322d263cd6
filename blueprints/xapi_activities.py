"""The "xAPI activities" page: activity IRIs mapped to modules, and the activities whose
statements wait for a mapping (one click maps one and processes its statements)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Module
from lms_roi.policy import current_person, policy
from lms_roi.xapi import mapping

from .paging import page_and_pages

xapi_activities = Blueprint("xapi_activities", __name__, url_prefix="/xapi-activities")


class MapForm(FlaskForm):
    """Map one activity IRI to a module (typed, or one click from the unmapped list)."""

    activity_iri = StringField(
        _l("Activity IRI"), validators=[DataRequired(), Length(max=mapping.IRI_MAX)]
    )
    module = SelectField(_l("Module"), validate_choice=True)


class RemoveForm(FlaskForm):
    """Only carries the CSRF token."""


def _with_modules(form: MapForm) -> MapForm:
    modules = session().execute(select(Module.slug, Module.title).order_by(Module.title)).all()
    form.module.choices = [("", _l("Choose a module"))] + [
        (slug, f"{title} ({slug})") for slug, title in modules
    ]
    return form


@xapi_activities.route("/")
@policy("analyst", "admin")
def overview():
    """Both lists, with a map form per unmapped activity."""
    size = current_app.config["LMS_ROI_PAGE_SIZE"]
    total = mapping.unmapped_count()
    page, pages = page_and_pages(total, size)
    waiting = mapping.unmapped_activities(size, (page - 1) * size)
    form = _with_modules(MapForm(formdata=None))
    return render_template(
        "lms_roi/xapi/activities.html",
        maps=mapping.activity_maps(),
        waiting=waiting,
        total=total,
        page=page,
        pages=pages,
        form=form,
        remove_form=RemoveForm(),
    )


@xapi_activities.route("/map", methods=["POST"])
@policy("analyst", "admin")
def map_activity():
    """Map an activity, process its stored statements, say how many."""
    form = _with_modules(MapForm())
    if not form.validate_on_submit() or not form.module.data:
        flash(_("Choose a module and give the activity's IRI."), "error")
        return redirect(url_for(".overview"))
    module = session().scalar(select(Module).where(Module.slug == form.module.data))
    try:
        result = mapping.map_activity(form.activity_iri.data, module, current_person())
    except DomainError as error:
        session().rollback()
        flash(error.message, "error")
        return redirect(url_for(".overview"))
    session().commit()
    if result.moved_from is not None:
        flash(
            _(
                "The activity now counts for %(module)s; completions already recorded stay "
                "on %(previous)s.",
                module=module.title,
                previous=result.moved_from.title,
            ),
            "info",
        )
    if not result.created and result.moved_from is None and not result.processed:
        flash(_("This activity already counts for that module."), "info")
    else:
        flash(
            ngettext(
                "Mapped to %(module)s: %(num)d stored statement processed.",
                "Mapped to %(module)s: %(num)d stored statements processed.",
                result.processed,
                module=module.title,
            ),
            "success",
        )
    if result.unknown_actors:
        flash(
            ngettext(
                "%(num)d statement comes from someone no learner matches: give that learner "
                "the account name as external id, then map the activity again.",
                "%(num)d statements come from people no learner matches: give those learners "
                "the account name as external id, then map the activity again.",
                result.unknown_actors,
            ),
            "info",
        )
    return redirect(url_for(".overview"))


@xapi_activities.route("/<int:mapping_id>/remove", methods=["POST"])
@policy("analyst", "admin")
def remove(mapping_id: int):
    """Remove a mapping; what its statements caused stays."""
    if not RemoveForm().validate_on_submit():
        flash(_("The form expired: try again."), "error")
        return redirect(url_for(".overview"))
    removed = mapping.unmap_activity(mapping_id, current_person())
    session().commit()
    flash(_("Mapping of %(iri)s removed.", iri=removed.activity_iri), "success")
    return redirect(url_for(".overview"))
