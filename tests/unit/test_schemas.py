"""Input schemas: marshmallow's own messages never reach a person in marshmallow's English."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal
from flask_babel import force_locale
from marshmallow import ValidationError, fields, validate

from lms_roi.blueprints.api import KpiValuesIn
from lms_roi.schemas import (
    EventStudyQueryIn,
    LocalizedSchema,
    PlannerIn,
    RoiQueryIn,
    first_error,
)

SCHEMAS = (RoiQueryIn, EventStudyQueryIn, PlannerIn, KpiValuesIn)


def _with_inner(field):
    yield field
    for sub in (getattr(field, name, None) for name in ("inner", "key_field", "value_field")):
        if isinstance(sub, fields.Field):
            yield from _with_inner(sub)


def _marshmallow_default(field, key: str) -> str:
    defaults: dict = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return defaults[key]


@pytest.mark.parametrize("schema_class", SCHEMAS, ids=lambda s: s.__name__)
def test_every_field_message_is_ours_and_translated(app, schema_class):
    with app.test_request_context():
        schema = schema_class()
        for field in (f for top in schema.fields.values() for f in _with_inner(top)):
            for key in field.error_messages:
                english = field.error_messages[key]
                with force_locale("fr"):
                    french = field.error_messages[key]
                assert english != _marshmallow_default(field, key), (field, key)
                assert french != english, (field, key, english)
        for key in ("unknown", "type"):
            with force_locale("fr"):
                assert schema.error_messages[key] != LocalizedSchema._default_error_messages[key]
    # The declared fields, shared by every instance, keep marshmallow's own state.
    declared = next(iter(schema_class._declared_fields.values()))
    assert not any(hasattr(v, "rule") for v in declared.validators)


def test_messages_follow_the_locale_of_the_error_not_of_the_schema(app):
    with app.test_request_context():
        schema = RoiQueryIn()  # made once, used in either language
        with force_locale("fr"), pytest.raises(ValidationError) as french:
            schema.load({"post_days": "0"})
        with pytest.raises(ValidationError) as english:
            schema.load({"post_days": "0"})
    assert first_error(french.value) == (
        ["post_days"],
        f"saisissez une valeur de 1 à {format_decimal(3650, locale='fr')}",
    )
    assert first_error(english.value) == (["post_days"], "enter a value from 1 to 3,650")


class _Sample(LocalizedSchema):
    name = fields.String(validate=validate.Length(max=3))
    tags = fields.List(fields.String(), validate=validate.Length(equal=1))
    share = fields.Float(validate=validate.Range(0, 1, min_inclusive=False))
    email = fields.String(validate=validate.Email())
    code = fields.String(validate=validate.Length(max=2, error="two letters at most"))


@pytest.mark.parametrize(
    ("data", "path", "english", "french"),
    [
        (
            {"name": "abcd"},
            ["name"],
            "enter at most 3 characters",
            "saisissez au plus 3 caractères",
        ),
        ({"tags": []}, ["tags"], "give exactly 1 item", "indiquez exactement 1 élément"),
        ({"tags": [4]}, ["tags", "0"], "enter text", "saisissez du texte"),
        (
            {"share": 0},
            ["share"],
            "enter a value greater than 0 and at most 1",
            "saisissez une valeur supérieure à 0 et d'au plus 1",
        ),
        ({"email": "x"}, ["email"], "enter a valid email address", None),
        ([1], [], "send an object of named values", "envoyez un objet de valeurs nommées"),
        # A message chosen by the schema's author is kept as written.
        ({"code": "abc"}, ["code"], "two letters at most", "two letters at most"),
    ],
)
def test_validators_and_nested_fields(app, data, path, english, french):
    with app.test_request_context():
        for locale, expected in (("en", english), ("fr", french)):
            with force_locale(locale), pytest.raises(ValidationError) as error:
                _Sample().load(data)
            if expected:
                assert first_error(error.value) == (path, expected)
