"""The method notes printed under every ROI report, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _

from lms_roi.i18n import number

from .effects import RoiParams


def method_notes(params: RoiParams) -> list[str]:
    """The conservative choices the method leaves open, printed on every report.

    Translated for the person reading a page or an export; the CLI reads English.
    """
    outliers = (
        _(
            "Groups of fewer than %(min_group)s learners are flagged insufficient_data; "
            "outliers (robust z-score above %(outlier_z)s) are flagged and excluded.",
            min_group=params.min_group,
            outlier_z=number(params.outlier_z),
        )
        if params.exclude_outliers
        else _(
            "Groups of fewer than %(min_group)s learners are flagged insufficient_data; "
            "outliers (robust z-score above %(outlier_z)s) are flagged (kept; exclude on "
            "request).",
            min_group=params.min_group,
            outlier_z=number(params.outlier_z),
        )
    )
    return [
        _(
            "Benefits count first-year effects only (horizon %(horizon)s months) and only for "
            "learners with KPI values in both windows; no data means no improvement.",
            horizon=params.horizon_months,
        ),
        _(
            "The training effect is the change of completers minus the change of colleagues "
            "who had not completed the module by the end of the same windows (difference in "
            "differences); without %(min_control)s such colleagues it falls back to "
            "participants' own attribution x confidence estimates, and without those the "
            "benefit is 0.",
            min_control=params.min_control,
        ),
        _(
            "When several modules claim more than %(whole)s of one learner's KPI change, their "
            "claims are scaled down to share it.",
            whole="100 %",  # a placeholder keeps "% o" from reading as a format in the catalog
        ),
        _(
            "Costs are fully loaded: fixed and per-learner items, learners' time at their "
            "hourly cost, and an equal share of each program's own costs and tutoring time."
        ),
        outliers,
    ]
