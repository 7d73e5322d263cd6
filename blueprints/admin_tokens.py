"""Admin: REST API tokens — list them, create one for a person (shown once), revoke one."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import DateField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError
from lms_roi.labels import LABELS
from lms_roi.models import ApiToken
from lms_roi.models._types import ROLES
from lms_roi.policy import current_person, policy
from lms_roi.services.mentees import organisation_today
from lms_roi.services.tokens import (
    find_holder,
    issue_api_token,
    revoke_api_token,
    token_status,
)

from .admin import admin
from .forms import CheckboxesField
from .sent_once import SentOnce, already_sent, mark_sent

#: How long a new token lives unless the admin picks another date.
DEFAULT_DAYS = 90

STATUSES = {"active": _l("Active"), "revoked": _l("Revoked"), "expired": _l("Expired")}


class NewTokenForm(SentOnce, FlaskForm):
    """A token for one person: a name, some of their roles, a last day of validity."""

    person = StringField(
        _l("Person"),
        validators=[DataRequired(_l("Give the person's email or external id.")), Length(max=254)],
        description=_l("Email or external id of the person the token acts for."),
    )
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(_l("Give the token a name.")), Length(max=120)],
        description=_l("What the token is for, e.g. the program that uses it."),
    )
    roles = CheckboxesField(
        _l("Roles"),
        choices=[SelectChoice(role, LABELS["role"][role]) for role in ROLES],
        description=_l("Roles the token may use, among the person's; none ticked: all of them."),
    )
    expires_on = DateField(
        _l("Valid until"),
        validators=[Optional()],
        description=_l("Last day the token works; leave empty for a token that never expires."),
    )


class RevokeForm(FlaskForm):
    """The CSRF-protected button that revokes a token."""


@admin.route("/api-tokens")
@policy("admin")
def api_tokens():
    tokens = session().scalars(
        select(ApiToken).options(joinedload(ApiToken.learner)).order_by(ApiToken.id.desc())
    ).all()
    now = utcnow()
    return render_template(
        "lms_roi/admin/api_tokens.html",
        tokens=[(token, token_status(token, now), _last_day(token)) for token in tokens],
        statuses=STATUSES,
        revoke_form=RevokeForm(),
    )


@admin.route("/api-tokens/new", methods=["GET", "POST"])
@policy("admin")
def api_token_new():
    form = NewTokenForm()
    if request.method == "GET":
        form.person.data = request.args.get("person", "")
        form.expires_on.data = organisation_today() + timedelta(days=DEFAULT_DAYS)
    sent = form.validate_on_submit()
    if sent and already_sent(form):
        flash(_("This form was already sent and its token created; find it below."), "info")
        return redirect(url_for(".api_tokens"))
    if sent:
        holder = find_holder(form.person.data)
        try:
            if holder is None:
                raise DomainError(
                    "person_not_found", _("Nobody has this email or external id."), "person"
                )
            token, clear = issue_api_token(
                holder,
                name=form.name.data.strip(),
                scopes=form.roles.data,
                expires_at=_end_of(form.expires_on.data),
                actor=current_person(),
            )
            session().commit()
            mark_sent(form)
        except DomainError as error:
            session().rollback()
            fields = {"roles": form.roles, "expires_at": form.expires_on}
            fields.get(error.field or "", form.person).errors.append(error.message)
        else:
            # Shown in this response only: never stored, never in a redirect or the session.
            response = current_app.make_response(
                render_template("lms_roi/admin/api_token_created.html", token=token, clear=clear)
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("lms_roi/admin/api_token_new.html", form=form), (
        422 if form.errors else 200
    )


@admin.route("/api-tokens/<prefix>/revoke", methods=["POST"])
@policy("admin")
def api_token_revoke(prefix: str):
    token = session().scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None or not RevokeForm().validate_on_submit():
        abort(404 if token is None else 400)
    revoke_api_token(token, actor=current_person())
    session().commit()
    flash(_("The token %(name)s was revoked.", name=token.name or token.prefix), "success")
    return redirect(url_for(".api_tokens"))


def _last_day(token: ApiToken):
    """The last day (organisation's time zone) a token works, None when it never expires."""
    if token.expires_at is None:
        return None
    zone = ZoneInfo(current_app.config.get("LMS_ROI_TIMEZONE", "UTC"))
    return (token.expires_at.astimezone(zone) - timedelta(microseconds=1)).date()


def _end_of(day) -> datetime | None:
    """The token works through ``day`` in the organisation's time zone."""
    if day is None:
        return None
    zone = ZoneInfo(current_app.config.get("LMS_ROI_TIMEZONE", "UTC"))
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
