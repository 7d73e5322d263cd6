"""Forms and choices of the tutoring pair pages (Flask-WTF, CSRF-protected)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Module, Program
from lms_roi.services.tutor_matching import Target, module_target, program_target
from lms_roi.services.tutoring_pairs import MAX_TEXT, MAX_TUTOR_CAPACITY

#: How each pair status reads on a page.
STATUS_LABELS = {
    "requested": _l("requested"),
    "active": _l("active"),
    "declined": _l("declined"),
    "ended": _l("ended"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _id_or_none(value):
    """A chosen id; None for the empty "choose" option."""
    return None if value in ("", None) else int(value)


class PairForm(FlaskForm):
    """An analyst's new pair."""

    tutor = SelectField(
        _l("Tutor"), coerce=_id_or_none, validators=[InputRequired(_l("Choose a tutor."))]
    )
    mentee = SelectField(
        _l("Mentee"), coerce=_id_or_none, validators=[InputRequired(_l("Choose a mentee."))]
    )
    program = SelectField(_l("Program"), coerce=str, validate_choice=True)
    goals = TextAreaField(_l("Goals"), validators=[Length(max=MAX_TEXT)], filters=[_strip])
    starts_on = DateField(_l("First day"), validators=[Optional()], description=_l("Empty: today."))
    ends_on = DateField(
        _l("Last day"), validators=[Optional()], description=_l("Empty: until someone ends it.")
    )

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_("The last day cannot come before the first day."))


class ReasonForm(FlaskForm):
    """Ending a pair or declining a request: why, in a few words."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[InputRequired(_l("Say why, in a few words.")), Length(max=MAX_TEXT)],
        filters=[_strip],
    )


class CapacityForm(FlaskForm):
    """A tutor's capacity (empty: the default)."""

    capacity = IntegerField(
        _l("Capacity"), validators=[Optional(), NumberRange(0, MAX_TUTOR_CAPACITY)]
    )


class AskForm(FlaskForm):
    """A learner's request to a suggested tutor, for the target they looked for."""

    target = HiddenField()
    note = TextAreaField(
        _l("Note for the tutor (optional)"),
        validators=[Length(max=MAX_TEXT)],
        filters=[_strip],
        description=_l("What you want to learn, and when you are available."),
    )


class AcceptForm(FlaskForm):
    """Only carries the CSRF token."""


def show_refusal(form: FlaskForm, error: DomainError) -> None:
    """Put a refused change's message under its field (or above the form)."""
    field = form._fields.get(error.field or "")
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def target_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Programs and published modules as ``<optgroup>`` lists of ``(value, title)``."""
    db = session()
    programs = db.execute(select(Program.slug, Program.title).order_by(Program.title))
    modules = db.execute(
        select(Module.slug, Module.title).where(Module.published.is_(True)).order_by(Module.title)
    )
    return [
        (_("Programs"), [(f"program:{slug}", title) for slug, title in programs]),
        (_("Modules"), [(f"module:{slug}", title) for slug, title in modules]),
    ]


def find_target(value: str | None) -> Target | None:
    """The program or published module named ``program:<slug>`` or ``module:<slug>``."""
    kind, _sep, slug = (value or "").partition(":")
    db = session()
    if kind == "program" and slug:
        found = db.scalar(select(Program.id).where(Program.slug == slug))
        return program_target(found) if found is not None else None
    if kind == "module" and slug:
        found = db.scalar(select(Module.id).where(Module.slug == slug, Module.published.is_(True)))
        return module_target(found) if found is not None else None
    return None


def target_value(target: Target | None) -> str:
    """The ``program:<slug>`` / ``module:<slug>`` value of ``target`` ('' for none)."""
    if target is None:
        return ""
    model = Program if target.kind == "program" else Module
    slug = session().scalar(select(model.slug).where(model.id == target.id))
    return f"{target.kind}:{slug}"
