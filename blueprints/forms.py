"""HTML forms (Flask-WTF, CSRF-protected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from lms_roi.i18n import LANGUAGES
from lms_roi.models._types import COST_CATEGORIES, ROLES


def _strip(value):
    return value.strip() if isinstance(value, str) else value


EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address.")


class LoginForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), EMAIL], filters=[_strip])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in")


class LogoutForm(FlaskForm):
    """Only carries the CSRF token: logging out is a POST."""


class LanguageForm(FlaskForm):
    """The header's language switch."""

    locale = SelectField(
        _l("Language"), choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()]
    )


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonForm(FlaskForm):
    display_name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = StringField("Email", validators=[Optional(), EMAIL, Length(max=254)], filters=[_strip])
    team = SelectField("Team", coerce=str, validate_choice=True)
    hourly_cost = DecimalField(
        "Hourly cost", places=2, default=0, validators=[Optional(), NumberRange(min=0)]
    )
    active = BooleanField("Active", default=True)
    roles = CheckboxesField(
        "Roles", choices=[SelectChoice(role, role) for role in ROLES], default=["learner"]
    )
    password = PasswordField(
        "New password", validators=[Optional(), Length(min=8, message="At least 8 characters.")]
    )


class NewPersonForm(PersonForm):
    external_id = StringField(
        "External id",
        validators=[Optional(), Length(max=191)],
        description="Stable id from your HR system; defaults to the email.",
    )


class CostItemForm(FlaskForm):
    """A cost of a module or a program in a Phillips category."""

    target = SelectField("For", validate_choice=True)
    category = SelectField(
        "Category", choices=[SelectChoice(c, c.title()) for c in COST_CATEGORIES]
    )
    basis = SelectField(
        "Basis",
        choices=[
            SelectChoice("fixed", "fixed (once)"),
            SelectChoice("per_learner", "per learner (x completions)"),
        ],
    )
    amount = DecimalField("Amount", places=2, validators=[DataRequired(), NumberRange(min=0)])
    description = StringField("Description", validators=[Optional(), Length(max=255)])


class DeleteForm(FlaskForm):
    """Only carries the CSRF token."""


class ObjectiveForm(FlaskForm):
    """A SMART objective of a program."""

    kpi = SelectField("KPI")
    team = SelectField("Cohort")
    statement = StringField("Objective", validators=[Optional(), Length(max=500)])
    target_kind = SelectField(
        "Target as",
        choices=[
            SelectChoice("percent", "% change from the baseline"),
            SelectChoice("absolute", "absolute KPI level"),
        ],
    )
    target_value = DecimalField("Target", places=2, validators=[Optional()])
    deadline = DateField("Deadline", validators=[Optional()])
