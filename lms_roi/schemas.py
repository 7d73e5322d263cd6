"""marshmallow input schemas shared by the web pages and the REST API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lms_roi.analytics import REPORTS


class RoiQueryIn(Schema):
    """Parameters of an ROI report (query string)."""

    by = fields.String(load_default="module", validate=validate.OneOf(REPORTS))
    pre_days = fields.Integer(load_default=90, validate=validate.Range(1, 3650))
    lag_days = fields.Integer(load_default=30, validate=validate.Range(0, 3650))
    post_days = fields.Integer(load_default=90, validate=validate.Range(1, 3650))
    horizon_months = fields.Integer(load_default=12, validate=validate.Range(1, 120))
    exclude_outliers = fields.Boolean(load_default=False)
