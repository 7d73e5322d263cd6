"""Amounts typed in forms, the French or the English way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lms_roi.blueprints.forms import CostItemForm, normalise_decimal


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("45,5", "fr", "45.5"),
        ("45.5", "fr", "45.5"),
        ("1\u202f234,50", "fr", "1234.50"),
        ("1 234,5", "fr", "1234.5"),
        ("1.234,5", "fr", "1234.5"),
        ("1,234.5", "en", "1234.5"),
        ("1,234", "en", "1234"),
        ("1,234", "fr", "1.234"),
        ("12", "en", "12"),
        ("45,50", "en", "45,50"),  # left as typed: the field refuses it
    ],
)
def test_typed_numbers_are_read_per_language(typed, language, expected):
    assert normalise_decimal(typed, language) == expected


def test_a_french_amount_is_accepted_and_shown_back_the_french_way(app):
    with app.test_request_context(
        method="POST", data={"amount": "1 234,5"}, headers={"Accept-Language": "fr"}
    ):
        form = CostItemForm(meta={"csrf": False})
        form.amount.validate(form)
        assert form.amount.data == Decimal("1234.50")
        form.amount.raw_data = None
        assert form.amount._value() == "1234,50"


def test_a_comma_decimal_on_an_english_page_is_refused(app):
    with app.test_request_context(method="POST", data={"amount": "45,50"}):
        form = CostItemForm(meta={"csrf": False})
        assert not form.amount.validate(form)
        assert form.amount.data is None
