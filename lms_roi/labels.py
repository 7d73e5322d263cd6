"""Translated display labels for the machine values stored in data and sent by the API.

Method names, cost categories, roles, report flags, isolation methods and the like stay
raw in the database, JSON and CSV cells; pages show them through :func:`label`
(template filter ``lms_roi_label``: ``{{ module.method|lms_roi_label('method') }}``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS: dict[str, dict[str, object]] = {
    "method": {
        "in_person": _l("in person"),
        "online": _l("online"),
        "blended": _l("blended"),
        "micro_learning": _l("micro-learning"),
    },
    "cost_category": {
        "analysis": _l("Analysis"),
        "development": _l("Development"),
        "acquisition": _l("Acquisition"),
        "delivery": _l("Delivery"),
        "facilitation": _l("Facilitation"),
        "evaluation": _l("Evaluation"),
        "overhead": _l("Overhead"),
    },
    "quiz_kind": {
        "practice": _l("Practice quiz"),
        "pre_test": _l("Pre-test"),
        "post_test": _l("Post-test"),
    },
    "question_kind": {
        "single": _l("Single choice"),
        "multiple": _l("Multiple choice"),
        "true_false": _l("True or false"),
    },
    "cost_basis": {"fixed": _l("fixed"), "per_learner": _l("per learner")},
    "cost_origin": {"manual": _l("entered by hand"), "import": _l("imported")},
    "kpi_direction": {"higher": _l("higher is better"), "lower": _l("lower is better")},
    "kpi_period": {
        "day": _l("day"),
        "week": _l("week"),
        "month": _l("month"),
        "quarter": _l("quarter"),
    },
    "role": {
        "learner": _l("learner"),
        "tutor": _l("tutor"),
        "analyst": _l("analyst"),
        "hr": _l("HR"),
        "admin": _l("admin"),
    },
    # What an ROI report is grouped by (tabs, titles, first column).
    "report": {
        "module": _l("module"),
        "method": _l("method"),
        "program": _l("program"),
        "version": _l("version"),
        "team": _l("team"),
        "learner": _l("learner"),
    },
    "flag": {
        "insufficient_data": _l("insufficient data"),
        "no_kpi_linked": _l("no KPI linked"),
        "participant_estimate_used": _l("participant estimate used"),
        "effect_not_isolated": _l("effect not isolated"),
        "outliers_present": _l("outliers present"),
        "outliers_excluded": _l("outliers excluded"),
        "pre_trend_differs": _l("pre-trend differs"),
        "underpowered": _l("underpowered"),
    },
    "isolation": {
        "control_group": _l("control group"),
        "participant_estimate": _l("participant estimate"),
        "none": _l("not isolated"),
    },
    "verdict": {
        "on track": _l("on track"),
        "at risk": _l("at risk"),
        "not enough data": _l("not enough data"),
    },
    "smart": {
        "Specific": _l("Specific"),
        "Measurable": _l("Measurable"),
        "Achievable": _l("Achievable"),
        "Relevant": _l("Relevant"),
        "Time-bound": _l("Time-bound"),
    },
    "target_kind": {"percent": _l("percent change"), "absolute": _l("absolute level")},
}


def label(value, group: str) -> str:
    """The translated label of ``value`` in ``group``; an unknown value reads as itself."""
    if value is None:
        return ""
    found = LABELS.get(group, {}).get(str(value))
    return str(found) if found is not None else str(value).replace("_", " ")


def labels(values, group: str) -> list[str]:
    """:func:`label` of each value, in order."""
    return [label(value, group) for value in values]


def N_(text: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark ``text`` for the message catalog; it is translated where it is shown."""
    return text
