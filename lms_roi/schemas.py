"""marshmallow input schemas shared by the web pages and the REST API.

Every schema derives from :class:`LocalizedSchema`, so marshmallow's own messages
("Not a valid integer.", "Unknown field.", "Must be greater than or equal to 1…") reach a
person, or an API caller, in their language: the messages are looked up when the error
happens (the request's locale), and numbers in them are written the locale's way.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from marshmallow import Schema, ValidationError, fields, validate
from marshmallow.exceptions import SCHEMA

from lms_roi.analytics import REPORTS
from lms_roi.i18n import number

#: Our wording of marshmallow's default field messages, by field class and error key
#: (looked up along the field's class hierarchy, so subclasses inherit them).
_FIELD_MESSAGES = {
    fields.Field: {
        "required": _l("this parameter is required"),
        "null": _l("give a value"),
        "validator_failed": _l("this value is not valid"),
    },
    fields.Number: {"invalid": _l("enter a number"), "too_large": _l("this number is too large")},
    fields.Integer: {"invalid": _l("enter a whole number")},
    fields.Float: {"special": _l("enter a finite number (not NaN or infinity)")},
    fields.Boolean: {"invalid": _l("enter true or false")},
    fields.String: {"invalid": _l("enter text"), "invalid_utf8": _l("enter valid UTF-8 text")},
    fields.Mapping: {"invalid": _l("give an object of named values")},
    fields.List: {"invalid": _l("give a list")},
    fields.Tuple: {"invalid": _l("give a list")},
}
_SCHEMA_MESSAGES = {
    "unknown": _l("unknown parameter: remove it or check its spelling"),
    "type": _l("send an object of named values"),
}
#: Any other marshmallow default message (a field type we do not use yet) still reads in
#: the person's language, if less precisely.
_FALLBACK = _l("this value is not valid")


class _Messages(dict):
    """Error messages that are translated when marshmallow reads one (at error time)."""

    def __getitem__(self, key):
        return str(super().__getitem__(key))


def _field_defaults(field_class: type) -> dict:
    defaults: dict = {}
    for cls in reversed(field_class.__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return defaults


def _our_message(field_class: type, key: str):
    for cls in field_class.__mro__:
        if key in _FIELD_MESSAGES.get(cls, {}):
            return _FIELD_MESSAGES[cls][key]
    return _FALLBACK


def _range_message(rule: validate.Range) -> str:
    low, high = rule.min, rule.max
    bounds = {"min": number(low), "max": number(high)}
    if low is not None and high is not None:
        if rule.min_inclusive and rule.max_inclusive:
            return _("enter a value from %(min)s to %(max)s", **bounds)
        if rule.min_inclusive:
            return _("enter a value of at least %(min)s and less than %(max)s", **bounds)
        if rule.max_inclusive:
            return _("enter a value greater than %(min)s and at most %(max)s", **bounds)
        return _("enter a value greater than %(min)s and less than %(max)s", **bounds)
    if low is not None:
        if rule.min_inclusive:
            return _("enter a value of at least %(min)s", **bounds)
        return _("enter a value greater than %(min)s", **bounds)
    if rule.max_inclusive:
        return _("enter a value of at most %(max)s", **bounds)
    return _("enter a value less than %(max)s", **bounds)


def _length_message(rule: validate.Length, value) -> str:
    text = isinstance(value, str)  # characters of a text, else items of a list
    if rule.equal is not None:
        n = rule.equal
        if text:
            return ngettext(
                "enter exactly %(count)s character",
                "enter exactly %(count)s characters",
                n,
                count=number(n),
            )
        return ngettext(
            "give exactly %(count)s item", "give exactly %(count)s items", n, count=number(n)
        )
    low, high = rule.min, rule.max
    if high is None:
        if text:
            return ngettext(
                "enter at least %(count)s character",
                "enter at least %(count)s characters",
                low,
                count=number(low),
            )
        return ngettext(
            "give at least %(count)s item", "give at least %(count)s items", low, count=number(low)
        )
    if low is None:
        if text:
            return ngettext(
                "enter at most %(count)s character",
                "enter at most %(count)s characters",
                high,
                count=number(high),
            )
        return ngettext(
            "give at most %(count)s item", "give at most %(count)s items", high, count=number(high)
        )
    if text:
        return ngettext(
            "enter from %(min)s to %(count)s character",
            "enter from %(min)s to %(count)s characters",
            high,
            min=number(low),
            count=number(high),
        )
    return ngettext(
        "give from %(min)s to %(count)s item",
        "give from %(min)s to %(count)s items",
        high,
        min=number(low),
        count=number(high),
    )


def _validator_message(rule: validate.Validator, value) -> str:
    if isinstance(rule, validate.Range):
        return _range_message(rule)
    if isinstance(rule, validate.Length):
        return _length_message(rule, value)
    if isinstance(rule, validate.OneOf):
        return _("choose one of: %(choices)s", choices=", ".join(map(str, rule.choices)))
    if isinstance(rule, validate.Email):
        return _("enter a valid email address")
    if isinstance(rule, validate.URL):
        return _("enter a valid web address (URL)")
    return str(_FALLBACK)


class _Localized(validate.Validator):
    """One of marshmallow's validators, with our translated message when it fails.

    A validator given its own ``error=`` keeps it (its author chose the words).
    """

    def __init__(self, rule: validate.Validator):
        self.rule = rule

    def _repr_args(self) -> str:
        return repr(self.rule)

    def __call__(self, value):
        try:
            return self.rule(value)
        except ValidationError:
            raise ValidationError(_validator_message(self.rule, value)) from None


def _uses_default_message(rule: validate.Validator) -> bool:
    error = getattr(rule, "error", None)
    return error is None or error == getattr(type(rule), "default_message", None)


def _localize_field(field: fields.Field) -> None:
    defaults = _field_defaults(type(field))
    # Fields bound to a schema are shallow copies of the declared ones: assign new
    # containers rather than change the shared ones.
    field.error_messages = _Messages(
        {
            key: _our_message(type(field), key) if message == defaults.get(key) else message
            for key, message in field.error_messages.items()
        }
    )
    field.validators = [
        _Localized(rule)
        if isinstance(rule, validate.Validator)
        and not isinstance(rule, _Localized)
        and _uses_default_message(rule)
        else rule
        for rule in field.validators
    ]
    inner = [getattr(field, name, None) for name in ("inner", "key_field", "value_field")]
    for sub in [*inner, *getattr(field, "tuple_fields", ())]:
        if isinstance(sub, fields.Field):
            _localize_field(sub)


class LocalizedSchema(Schema):
    """A schema whose errors read in the request's language (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages = _Messages(
            {
                key: _SCHEMA_MESSAGES.get(key, _FALLBACK)
                if message == Schema._default_error_messages.get(key)
                else message
                for key, message in self.error_messages.items()
            }
        )

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        _localize_field(field_obj)


def first_error(error: ValidationError) -> tuple[list[str], str]:
    """The first problem of rejected input: the path to its field and the message.

    The path is empty for a problem with the whole input; a list item's path ends
    with its index (``["values", "0"]``).
    """
    path: list[str] = []
    messages = error.normalized_messages()
    while isinstance(messages, dict | list) and messages:
        if isinstance(messages, dict):
            key, messages = next(iter(messages.items()))
            path.append(str(key))
        else:
            messages = messages[0]
    if path[:1] == [SCHEMA]:  # marshmallow's key for the input as a whole
        path = path[1:]
    return path, str(messages)


class RoiQueryIn(LocalizedSchema):
    """Parameters of an ROI report (query string)."""

    by = fields.String(load_default="module", validate=validate.OneOf(REPORTS))
    pre_days = fields.Integer(load_default=90, validate=validate.Range(1, 3650))
    lag_days = fields.Integer(load_default=30, validate=validate.Range(0, 3650))
    post_days = fields.Integer(load_default=90, validate=validate.Range(1, 3650))
    horizon_months = fields.Integer(load_default=12, validate=validate.Range(1, 120))
    exclude_outliers = fields.Boolean(load_default=False)


class EventStudyQueryIn(LocalizedSchema):
    """Parameters of an event study (query string): a module, optionally one KPI."""

    module = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kpi = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    periods_before = fields.Integer(load_default=6, validate=validate.Range(1, 120))
    periods_after = fields.Integer(load_default=12, validate=validate.Range(0, 120))


def _not_zero(value: float) -> None:
    if value == 0:
        raise ValidationError(_("give an effect other than 0"))


class PlannerIn(LocalizedSchema):
    """The planner on a module page: which KPI, and the effect per learner and period to detect."""

    plan = fields.String(required=True, validate=validate.Length(min=1, max=200))
    # Bounded so every answer can be written out (a KPI effect beyond 1e12 is a typo).
    effect = fields.Float(
        required=True,
        allow_nan=False,
        validate=[_not_zero, validate.Range(min=-1e12, max=1e12)],
    )
