"""Admin: the xAPI clients (learning platforms sending statements), created and revoked
in the web UI. A new client's secret is shown once, on the page that created it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import XapiClient
from lms_roi.policy import current_person, policy
from lms_roi.xapi.clients import NAME_MAX, create_client, list_clients, revoke_client

from .admin import admin
from .sent_once import SentOnce, already_sent, mark_sent


class NewXapiClientForm(SentOnce, FlaskForm):
    """The name of the platform a new client stands for."""

    name = StringField(
        _l("Name"),
        description=_l("The platform that will send statements, such as “Moodle (sales)”."),
        validators=[
            DataRequired(_l("Give the client a name.")),
            Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )


class RevokeForm(FlaskForm):
    """Only carries the CSRF token."""


def endpoint_url() -> str:
    """The statements endpoint's base address, as an LMS asks for it (``…/xapi/``)."""
    return url_for("lms_roi.xapi.about", _external=True).removesuffix("about")


@admin.route("/xapi-clients", methods=["GET", "POST"])
@policy("admin")
def xapi_clients():
    form = NewXapiClientForm()
    created = None
    sent = form.validate_on_submit()
    if sent and already_sent(form):
        flash(_("This form was already sent and its client created; find it below."), "info")
        return redirect(url_for(".xapi_clients"))
    if sent:
        try:
            client, secret = create_client(form.name.data, actor=current_person())
            session().commit()
            mark_sent(form)
        except DomainError as error:
            session().rollback()
            form.name.errors = [*form.name.errors, error.message]
        else:
            # Shown on this response only: the secret is never stored in clear.
            created = {"client": client, "secret": secret}
            form = NewXapiClientForm(formdata=None)
    return render_template(
        "lms_roi/admin/xapi_clients.html",
        form=form,
        revoke_form=RevokeForm(),
        clients=list_clients(),
        created=created,
        endpoint=endpoint_url(),
    ), (422 if form.errors else 200)


@admin.route("/xapi-clients/<key>/revoke", methods=["POST"])
@policy("admin")
def xapi_client_revoke(key: str):
    client = session().scalar(select(XapiClient).where(XapiClient.key == key))
    if client is None:
        abort(404)
    if RevokeForm().validate_on_submit() and revoke_client(client, actor=current_person()):
        session().commit()
        flash(
            _(
                "The client “%(name)s” is revoked: it can no longer send statements.",
                name=client.name,
            ),
            "success",
        )
    return redirect(url_for(".xapi_clients"))
