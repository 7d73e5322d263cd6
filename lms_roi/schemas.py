"""marshmallow input schemas shared by the web pages and the REST API."""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from lms_roi.analytics import REPORTS


class RoiQueryIn(Schema):
    """Parameters of an ROI report (query string)."""

    by = fields.String(load_default="module", validate=validate.OneOf(REPORTS))
    pre_days = fields.Integer(load_default=90, validate=validate.Range(1, 3650))
    lag_days = fields.Integer(load_default=30, validate=validate.Range(0, 3650))
    post_days = fields.Integer(load_default=90, validate=validate.Range(1, 3650))
    horizon_months = fields.Integer(load_default=12, validate=validate.Range(1, 120))
    exclude_outliers = fields.Boolean(load_default=False)


class EventStudyQueryIn(Schema):
    """Parameters of an event study (query string): a module, optionally one KPI."""

    module = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kpi = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    periods_before = fields.Integer(load_default=6, validate=validate.Range(1, 120))
    periods_after = fields.Integer(load_default=12, validate=validate.Range(0, 120))


def _not_zero(value: float) -> None:
    if value == 0:
        raise ValidationError(_("give an effect other than 0"))


class PlannerIn(Schema):
    """The planner on a module page: which KPI, and the effect per learner and period to detect."""

    plan = fields.String(required=True, validate=validate.Length(min=1, max=200))
    # Bounded so every answer can be written out (a KPI effect beyond 1e12 is a typo).
    effect = fields.Float(
        required=True,
        allow_nan=False,
        validate=[_not_zero, validate.Range(min=-1e12, max=1e12)],
    )
