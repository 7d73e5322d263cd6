"""Admin pages: people and their roles."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Learner, RoleGrant, Team
from lms_roi.models._types import ROLES
from lms_roi.policy import current_person, policy
from lms_roi.services import people

from .forms import NewPersonForm, PersonForm
from .paging import page_and_pages

admin = Blueprint("admin", __name__, url_prefix="/admin")


class EditPersonForm(PersonForm):
    """The person form of an existing profile: its external id can change too."""

    external_id = StringField(
        _l("External id"),
        validators=[Optional(), Length(max=191)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description=_l(
            "The id other systems use for this person: your HR system's, or the user id "
            "of the learning platform that sends xAPI statements."
        ),
    )


@admin.route("/people")
@policy("admin")
def people_list():
    query = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    size = current_app.config["LMS_ROI_PAGE_SIZE"]
    stmt = select(Learner)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Learner.display_name).like(like),
                func.lower(Learner.email).like(like),
                func.lower(Learner.external_id).like(like),
            )
        )
    if role in ROLES:
        stmt = stmt.where(
            Learner.id.in_(select(RoleGrant.learner_id).where(RoleGrant.role == role))
        )
    db = session()
    total = db.scalar(select(func.count()).select_from(stmt.subquery()))
    page, pages = page_and_pages(total, size)
    rows = db.scalars(
        stmt.order_by(Learner.display_name, Learner.id).offset((page - 1) * size).limit(size)
    ).all()
    return render_template(
        "lms_roi/admin/people.html",
        people=rows,
        total=total,
        page=page,
        pages=pages,
        q=query,
        role=role,
        roles=ROLES,
    )


@admin.route("/people/new", methods=["GET", "POST"])
@policy("admin")
def person_new():
    form = NewPersonForm()
    form.team.choices = _team_choices()
    if form.validate_on_submit():
        try:
            person = people.create_person(
                email=form.email.data,
                display_name=form.display_name.data,
                roles=form.roles.data,
                external_id=form.external_id.data,
                team=_team(form.team.data),
                hourly_cost=form.hourly_cost.data or 0,
                password=form.password.data or None,
                actor=current_person(),
            )
            session().commit()
        except DomainError as error:
            session().rollback()
            _field_error(form, error)
        else:
            flash(_("%(name)s was created.", name=person.display_name), "success")
            return redirect(url_for(".person_edit", external_id=person.external_id))
    return render_template("lms_roi/admin/person.html", form=form, profile=None), (
        422 if form.errors else 200
    )


@admin.route("/people/<path:external_id>", methods=["GET", "POST"])
@policy("admin")
def person_edit(external_id: str):
    db = session()
    person = db.scalar(select(Learner).where(Learner.external_id == external_id))
    if person is None:
        abort(404)
    form = EditPersonForm(obj=person if request.method == "GET" else None)
    form.team.choices = _team_choices()
    if request.method == "GET":
        form.team.data = person.team.slug if person.team else ""
        form.roles.data = sorted(person.roles)
    if form.validate_on_submit():
        actor = current_person()
        try:
            if form.external_id.data:  # empty: keep the current one
                people.change_external_id(person, form.external_id.data, actor=actor)
            people.update_profile(
                person,
                display_name=form.display_name.data,
                email=form.email.data,
                team=_team(form.team.data),
                hourly_cost=form.hourly_cost.data or 0,
                active=form.active.data,
                actor=actor,
            )
            people.set_roles(person, form.roles.data, actor=actor)
            if form.password.data:
                people.set_password(person, form.password.data)
            db.commit()
        except DomainError as error:
            db.rollback()
            _field_error(form, error)
        else:
            flash(_("%(name)s was saved.", name=person.display_name), "success")
            return redirect(url_for(".person_edit", external_id=person.external_id))
    return render_template("lms_roi/admin/person.html", form=form, profile=person), (
        422 if form.errors else 200
    )


def _team_choices() -> list[SelectChoice]:
    teams = session().scalars(select(Team).order_by(Team.name)).all()
    return [SelectChoice("", _("— no team —"))] + [SelectChoice(t.slug, t.name) for t in teams]


def _team(slug: str) -> Team | None:
    return session().scalar(select(Team).where(Team.slug == slug)) if slug else None


def _field_error(form, error: DomainError) -> None:
    field = getattr(form, error.field or "", None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


# The gamification rules, API token and xAPI client pages add their routes to this blueprint.
from . import admin_gamification, admin_tokens, admin_xapi_clients  # noqa: E402, F401
