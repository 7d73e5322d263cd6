"""HR pages: engagement aggregates (never an individual KPI, small cells suppressed)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from lms_roi.analytics.engagement import PERIODS, suppress_small_cells, team_engagement
from lms_roi.policy import policy
from lms_roi.services.mentees import organisation_today

hr = Blueprint("hr", __name__, url_prefix="/hr")


@hr.route("/")
@policy("hr", "admin")
def home():
    """Engagement by team over the last 30, 90 or 365 days (``?days=``), aggregates only."""
    days, error = _period(request.args.get("days"))
    today = organisation_today()
    table = suppress_small_cells(team_engagement(days, today))
    page = render_template(
        "lms_roi/hr/home.html",
        table=table,
        days=days,
        periods=PERIODS,
        start=today - timedelta(days=days - 1),
        today=today,
        error=error,
    )
    return page, 400 if error else 200


DEFAULT_PERIOD = PERIODS[1]


def _period(value: str | None) -> tuple[int, str | None]:
    """The period asked for, or the default one and an error naming the valid choices."""
    # A quarter by default: a month is often quiet, a year hides what changed lately.
    if value is None or value == "":
        return DEFAULT_PERIOD, None
    if value.strip() in {str(days) for days in PERIODS}:
        return int(value), None
    return DEFAULT_PERIOD, _(
        "Choose a period of %(short)d, %(medium)d or %(long)d days.",
        short=PERIODS[0],
        medium=PERIODS[1],
        long=PERIODS[2],
    )
