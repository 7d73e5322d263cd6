"""HTML forms (Flask-WTF, CSRF-protected)."""

from __future__ import annotations

import re

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from lms_roi.i18n import LANGUAGES, current_locale
from lms_roi.labels import LABELS
from lms_roi.models._types import COST_CATEGORIES, ROLES


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AmountField(DecimalField):
    """A decimal typed the French or the English way: ``1 234,5`` and ``1,234.5`` both work.

    The value is shown back with the page's decimal sign, so a French form reads ``45,50``.
    """

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [normalise_decimal(valuelist[0])]
        super().process_formdata(valuelist)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        pattern = "0." + "0" * self.places if self.places else "0.##########"
        return format_decimal(self.data, format=pattern)


def normalise_decimal(text: str, language: str | None = None) -> str:
    """A typed number in Python's notation, read the way the page's language writes it.

    Spaces group thousands in French. With both ``,`` and ``.`` the last one is the
    decimal sign; a lone ``.`` is decimal everywhere; a lone ``,`` is decimal in French
    (``45,5``) and groups thousands in English (``1,234``).
    """
    compact = "".join(str(text).replace("\u202f", " ").replace("\u00a0", " ").split())
    if "," in compact and "." in compact:
        decimal_sign = max(".,", key=compact.rfind)
    elif "," in compact:
        if (language or current_locale()) == "fr":
            decimal_sign = ","
        elif re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", compact):
            decimal_sign = "."  # 1,234 groups thousands
        else:
            return compact  # 45,50 on an English page: refused, never read as 4550
    else:
        decimal_sign = "."
    group_sign = "," if decimal_sign == "." else "."
    return compact.replace(group_sign, "").replace(decimal_sign, ".")


EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an email address."))


class LoginForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), EMAIL], filters=[_strip])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))


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
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(
        _l("Email"), validators=[Optional(), EMAIL, Length(max=254)], filters=[_strip]
    )
    team = SelectField(_l("Team"), coerce=str, validate_choice=True)
    hourly_cost = AmountField(
        _l("Hourly cost"), places=2, default=0, validators=[Optional(), NumberRange(min=0)]
    )
    active = BooleanField(_l("Active"), default=True)
    roles = CheckboxesField(
        _l("Roles"),
        choices=[SelectChoice(role, LABELS["role"][role]) for role in ROLES],
        default=["learner"],
    )
    password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(min=8, message=_l("At least 8 characters."))],
    )


class NewPersonForm(PersonForm):
    external_id = StringField(
        _l("External id"),
        validators=[Optional(), Length(max=191)],
        description=_l("Stable id from your HR system; defaults to the email."),
    )


class CostItemForm(FlaskForm):
    """A cost of a module or a program in a Phillips category."""

    target = SelectField(_l("For"), validate_choice=True)
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(c, LABELS["cost_category"][c]) for c in COST_CATEGORIES],
    )
    basis = SelectField(
        _l("Basis"),
        choices=[
            SelectChoice("fixed", _l("fixed (once)")),
            SelectChoice("per_learner", _l("per learner (x completions)")),
        ],
    )
    amount = AmountField(_l("Amount"), places=2, validators=[DataRequired(), NumberRange(min=0)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=255)])


class DeleteForm(FlaskForm):
    """Only carries the CSRF token."""


class ObjectiveForm(FlaskForm):
    """A SMART objective of a program."""

    kpi = SelectField(_l("KPI"))
    team = SelectField(_l("Cohort"))
    statement = StringField(_l("Objective"), validators=[Optional(), Length(max=500)])
    target_kind = SelectField(
        _l("Target as"),
        choices=[
            SelectChoice("percent", _l("percent change from the baseline")),
            SelectChoice("absolute", _l("absolute KPI level")),
        ],
    )
    target_value = AmountField(_l("Target"), places=2, validators=[Optional()])
    deadline = DateField(_l("Deadline"), validators=[Optional()])


class ImportUploadForm(FlaskForm):
    """An import file and its kind; the data desk checks it before anything is written."""

    kind = SelectField(_l("What the file contains"), validate_choice=True)
    file = FileField(
        _l("CSV or Excel file"), validators=[FileRequired(_l("Choose the file to import."))]
    )


class ConfirmImportForm(FlaskForm):
    """Only carries the CSRF token (confirming or cancelling a checked upload)."""


class KpiForm(FlaskForm):
    """A KPI definition; the KPI catalog service checks it with the import's rules."""

    # No WTForms validators: the KPI-definition import's rules decide, with its messages.
    name = StringField(_l("Name"), filters=[_strip])
    unit = StringField(
        _l("Unit"), filters=[_strip], description=_l("For example lead, visit or EUR.")
    )
    direction = SelectField(
        _l("Direction"),
        choices=[SelectChoice(k, v) for k, v in LABELS["kpi_direction"].items()],
        validate_choice=False,
    )
    value_per_unit = StringField(
        _l("Value of one unit"),
        filters=[_strip],
        description=_l("What one unit is worth in the organisation's currency, e.g. 120 or 0.05."),
    )
    period = SelectField(
        _l("Period of its values"),
        choices=[SelectChoice(k, v) for k, v in LABELS["kpi_period"].items()],
        validate_choice=False,
    )
    description = TextAreaField(_l("Description"), filters=[_strip])


class NewKpiForm(KpiForm):
    """A KPI definition with its key (which cannot change afterwards)."""

    key = StringField(
        _l("Key"),
        filters=[_strip],
        description=_l(
            "Lower-case letters, digits and _, starting with a letter (e.g. qualified_leads). "
            "Files refer to it, so it cannot change later."
        ),
    )


def csrf_header_ok() -> bool:
    """Whether a script's POST carries this session's CSRF token (``X-CSRFToken`` or field).

    For fetch() calls that send no form: Flask-WTF checks forms itself.
    """
    from flask import current_app, request
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    token = request.headers.get("X-CSRFToken") or request.form.get("csrf_token")
    try:
        validate_csrf(token)
    except ValidationError:
        return False
    return True
