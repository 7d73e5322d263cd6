"""Exports: the words inside labelled (web) cells come from the catalog; machine cells do not."""

from __future__ import annotations

from flask_babel import force_locale, get_domain

from lms_roi.analytics.pooled import pooled_text
from lms_roi.exports import kpi_summary, pooled_summary

POOLED = [
    {"kpi": "leads", "effect": 2.5, "ci_low": 1.0, "ci_high": 4.0, "n_modules": 2},
    {"kpi": "csat", "effect": -0.25, "ci_low": None, "ci_high": None, "n_modules": 1},
]
KPIS = [
    {
        "kpi": "csat",
        "effect": None,
        "ci_low": None,
        "ci_high": None,
        "isolation": "none",
        "n_treated": 0,
    }
]


class _Marked:
    """A pseudo-locale: every message read from the catalog comes back between « »."""

    def ugettext(self, message):
        return f"«{message}»"

    def ungettext(self, singular, plural, n):
        return f"«{singular if n == 1 else plural}»"


def test_machine_cells_stay_as_the_cli_writes_them(app):
    with app.test_request_context(), force_locale("fr"):
        assert pooled_summary(POOLED) == pooled_text(POOLED)
        assert (
            pooled_summary(POOLED) == "leads: +2.5 [1.0, 4.0] (2 modules); csat: -0.25 (1 module)"
        )
        assert kpi_summary(KPIS) == "csat: n/a none (n=0)"


def test_labelled_cells_read_in_the_person_language(app, monkeypatch):
    with app.test_request_context():
        with force_locale("fr"):
            assert kpi_summary(KPIS, labels=True) == "csat: n.d. none (n=0)"
        monkeypatch.setattr(get_domain(), "get_translations", lambda: _Marked())
        assert pooled_summary(POOLED, labels=True) == (
            "«leads: +2.5 [1.0, 4.0] (2 modules)»; «csat: -0.25 (1 module)»"
        )
        assert kpi_summary(KPIS, labels=True) == "csat: «n/a» none (n=0)"
        # Numbers keep their full precision whatever the language.
        assert pooled_summary(POOLED) == pooled_text(POOLED)
