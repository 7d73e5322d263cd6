"""Does tutoring pay? Mentees against non-mentees, and what tutoring costs (analysts)."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, current_app, render_template
from flask_babel import lazy_gettext as _l

from lms_roi.analytics import RoiParams
from lms_roi.analytics.tutoring_value import Comparison, TutoringValue, tutoring_value
from lms_roi.exports import safe_cell
from lms_roi.policy import policy

analytics_tutoring = Blueprint("analytics_tutoring", __name__, url_prefix="/analytics/tutoring")

#: CSV columns (one row per module or overall figure) and their headers, read by people.
COLUMNS = {
    "scope": _l("Scope"),
    "module": _l("Module"),
    "figure": _l("Figure"),
    "kpi": _l("KPI"),
    "mentees": _l("Mentees"),
    "non_mentees": _l("Non-mentees"),
    "difference": _l("Difference (mentees minus non-mentees)"),
    "std_error": _l("Standard error"),
    "ci_low": _l("Confidence interval, low"),
    "ci_high": _l("Confidence interval, high"),
    "value_per_mentee": _l("Value per mentee"),
    "n_mentees": _l("Mentees counted"),
    "n_non_mentees": _l("Non-mentees counted"),
    "n_modules": _l("Modules"),
    "not_shown_because": _l("Not shown because"),
}


@analytics_tutoring.route("/")
@policy("analyst", "admin")
def overview():
    """The comparison per module and overall, the cost per mentee, one sentence per figure."""
    params = RoiParams()
    return render_template(
        "lms_roi/analytics/tutoring.html",
        value=tutoring_value(params),
        params=params,
        currency=current_app.config["LMS_ROI_CURRENCY"],
    )


@analytics_tutoring.route("/export.csv")
@policy("analyst", "admin")
def export():
    """The page's figures as CSV: translated headers, unrounded values, formula-safe cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([str(header) for header in COLUMNS.values()])
    for record in value_records(tutoring_value(RoiParams())):
        writer.writerow(["" if v is None else safe_cell(v) for v in record.values()])
    name = f"lms-roi-tutoring-{date.today().isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def value_records(value: TutoringValue) -> list[dict]:
    """Flat rows of :data:`COLUMNS`: per module then overall, completion rate (percent),
    knowledge gain (normalised, a ratio), KPI effects, and the tutoring cost per mentee.
    Figures stay as computed (full precision); ``not_shown_because`` holds a reason code."""
    records = []
    for module in value.modules:
        records.append(_record("module", module.module, "completion_rate", module.completion))
        records.append(_record("module", module.module, "knowledge_gain", module.gain))
        for k in module.kpis:
            records.append(_record("module", module.module, "kpi_effect", k.comparison, k.kpi))
    n = value.n_modules
    completion = _record("overall", None, "completion_rate", value.completion)
    gain = _record("overall", None, "knowledge_gain", value.gain)
    records += [{**completion, "n_modules": n["completion"]}, {**gain, "n_modules": n["gain"]}]
    for k in value.kpis:
        effect = _record("overall", None, "kpi_effect", k.comparison, k.kpi)
        records.append({**effect, "n_modules": k.n_modules})
    cost = value.cost
    records.append(
        {
            **_record("overall", None, "tutoring_cost_per_mentee", Comparison(cost.n_mentees, 0)),
            "mentees": cost.cost_per_mentee,
            "n_non_mentees": None,
        }
    )
    return records


def _record(scope: str, module: str | None, figure: str, c: Comparison, kpi=None) -> dict:
    return {
        "scope": scope,
        "module": module,
        "figure": figure,
        "kpi": kpi,
        "mentees": c.mentees,
        "non_mentees": c.others,
        "difference": c.difference,
        "std_error": c.std_error,
        "ci_low": c.ci_low,
        "ci_high": c.ci_high,
        "value_per_mentee": c.value_per_mentee,
        "n_mentees": c.n_mentees,
        "n_non_mentees": c.n_others,
        "n_modules": None,
        "not_shown_because": c.reason,
    }
