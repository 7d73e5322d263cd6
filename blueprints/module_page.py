"""What the module impact page shows per KPI: paths, the event study and the planner.

The view in :mod:`.analytics` stays short; this module turns the analytics into
charts and planner answers (translated text is built here or in the template).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from marshmallow import ValidationError

from lms_roi import charts
from lms_roi.analytics import RoiParams
from lms_roi.analytics.diagnostics import completers_needed
from lms_roi.analytics.event_study import REFERENCE, as_records, module_event_study
from lms_roi.analytics.module_detail import module_paths
from lms_roi.i18n import percent, short_date
from lms_roi.schemas import PlannerIn

#: Query parameters of the planner form (the others are the ROI settings).
PLANNER_FIELDS = ("plan", "effect")


def kpi_sections(module_id: int, params: RoiParams) -> list[dict]:
    """Per KPI the module targets: its path, charts and event-study rows."""
    study = module_event_study(module_id, min_control=params.min_control)
    by_kpi = {key: as_records(rows) for key, rows in study.groupby("kpi")}
    sections = []
    for path in module_paths(module_id, params):
        rows = by_kpi.get(path.kpi, [])
        sections.append(
            {
                "path": path,
                "line": charts.line_chart(
                    [short_date(date.fromisoformat(p)) for p in path.periods],
                    {
                        _("completers"): path.completers,
                        _("colleagues who did not take it"): path.others,
                    },
                    title=_("%(kpi)s: completers vs colleagues", kpi=path.name),
                    marker=path.median_completion,
                ),
                "scatter": charts.scatter(
                    path.gains,
                    x_label=_("knowledge gain (points)"),
                    y_label=_("change in %(kpi)s", kpi=path.name),
                    title=_("Knowledge gain vs KPI change"),
                ),
                "event_rows": rows,
                # Only the reference period: nothing to draw.
                "event_chart": _event_chart(path.name, rows) if len(rows) > 1 else None,
            }
        )
    return sections


def _event_chart(name: str, rows: list[dict]):
    return charts.event_study_chart(
        rows,
        title=_("%(kpi)s: effect by period since training", kpi=name),
        x_label=_("periods since training (0 = period of completion)"),
        y_label=_("effect per learner and period"),
        effect_name=_("effect"),
        band_name=_("confidence interval (%(level)s)", level=percent(95, 0)),
        reference_name=_("reference period (r = %(r)s)", r=REFERENCE),
    )


def planner_state(args, sections: list[dict]) -> tuple[dict | None, int]:
    """The planner's answer for the submitted form (None without one) and the HTTP status.

    ``args``: the query string; ``sections``: from :func:`kpi_sections`.
    """
    if not any(name in args for name in PLANNER_FIELDS):
        return None, 200
    key, typed = args.get("plan"), args.get("effect", "")
    state = {"kpi": key, "effect": typed}
    try:
        data = PlannerIn().load({name: args[name] for name in PLANNER_FIELDS if name in args})
    except ValidationError as error:
        field = next(iter(error.normalized_messages()))
        message = (
            _("Enter the effect to detect as a number other than 0, for example 2.5.")
            if field == "effect"
            else _("Choose a KPI of this module.")
        )
        return {**state, "error": message}, 400
    section = next((s for s in sections if s["path"].kpi == data["plan"]), None)
    if section is None:
        return {**state, "error": _("Choose a KPI of this module.")}, 400
    return {**state, "answer": plan_answer(section["path"].effect, data["effect"])}, 200


def plan_answer(effect: dict, delta: float) -> dict:
    """Completers needed to detect ``delta`` given a KPI's effect row (DESIGN §7b).

    ``kind`` is ``reachable`` (with ``completers``), ``unreachable`` (with
    ``floor``, the smallest detectable effect) or ``no_estimate`` when the effect
    was not isolated with a control group and a standard error.
    """
    if effect.get("isolation") != "control_group" or effect.get("std_error") is None:
        return {"kind": "no_estimate", "delta": abs(delta)}
    plan = completers_needed(
        float(effect["std_error"]), int(effect["n_treated"]), int(effect["n_control"]), delta
    )
    return {
        "kind": "reachable" if plan.reachable else "unreachable",
        "delta": plan.delta,
        "completers": plan.completers,
        "floor": plan.floor,
        "n_control": plan.n_control,
    }
