"""ROI analytics: SQL selects in, pandas in the middle, report rows out (DESIGN §7)."""

from .effects import EffectEstimate, RoiParams, did_effect, estimate_effect, participant_effect
from .money import annual_value, attribution_claims, module_costs, roi_metrics
from .report import REPORTS, RoiReport, roi_report, roi_reports

__all__ = [
    "REPORTS",
    "EffectEstimate",
    "RoiParams",
    "RoiReport",
    "annual_value",
    "attribution_claims",
    "did_effect",
    "estimate_effect",
    "module_costs",
    "participant_effect",
    "roi_metrics",
    "roi_report",
    "roi_reports",
]
