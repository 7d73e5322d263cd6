"""HR pages: engagement aggregates (never an individual KPI, small cells suppressed)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup

from lms_roi import charts
from lms_roi.analytics.engagement import PERIODS
from lms_roi.analytics.engagement_dashboard import EngagementTrend, engagement_dashboard
from lms_roi.analytics.team_board import BOARD_WINDOWS
from lms_roi.db import utcnow
from lms_roi.policy import policy
from lms_roi.services.mentees import organisation_today

from .navigation import may_open

hr = Blueprint("hr", __name__, url_prefix="/hr")


@hr.route("/")
@policy("hr", "admin")
def home():
    """Engagement by team and department over the last 30, 90 or 365 days (``?days=``).

    ``?board=`` picks the team board's window (this month, this week, all time).
    """
    days, error = _period(request.args.get("days"))
    window, board_error = _board_window(request.args.get("board"))
    today = organisation_today()
    dashboard = engagement_dashboard(days, today, window, utcnow())
    page = render_template(
        "lms_roi/hr/home.html",
        table=dashboard.table,
        dashboard=dashboard,
        trend_labels=_month_labels(dashboard.trend),
        trend_charts=_trend_charts(dashboard.trend),
        trend_legend=_trend_legend(dashboard.trend),
        days=days,
        periods=PERIODS,
        board_windows=BOARD_WINDOWS,
        start=today - timedelta(days=days - 1),
        today=today,
        error=error,
        board_error=board_error,
        leaderboards_url=_leaderboards_url(),
    )
    return page, 400 if error or board_error else 200


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


def _board_window(value: str | None) -> tuple[str, str | None]:
    """The team board's window, or this month and an error naming the choices."""
    if value is None or value == "" or value in BOARD_WINDOWS:
        return value or BOARD_WINDOWS[0], None
    return BOARD_WINDOWS[0], _("Choose this month, this week or all time for the team board.")


def _month_labels(trend: EngagementTrend) -> list[str]:
    """Short month names of the reader's language (``Mar 2026``, ``mars 2026``)."""
    return [format_date(month, "MMM yyyy") for month in trend.months]


def _trend_charts(trend: EngagementTrend) -> dict[str, Markup]:
    """Two line charts (active learners, XP) with a line per department; gaps are hidden."""
    labels = _month_labels(trend)
    charts_by_metric = {}
    for metric, title in (
        ("active", _("Active learners per month")),
        ("xp", _("XP earned per month")),
    ):
        series = {}
        for line in trend.series:
            name = _("Whole organisation") if line.organisation else line.name or _("No team")
            series[name] = [cell.value for cell in getattr(line, metric)]
        charts_by_metric[metric] = charts.line_chart(labels, series, title=title)
    return charts_by_metric


def _trend_legend(trend: EngagementTrend) -> list[tuple[str, str]]:
    """(colour, name) of every line when the chart's own legend cannot hold them all."""
    if len(trend.series) <= LEGEND_IN_CHART:
        return []
    return [
        (
            charts.PALETTE[i % len(charts.PALETTE)],
            _("Whole organisation") if line.organisation else line.name or _("No team"),
        )
        for i, line in enumerate(trend.series)
    ]


#: Lines whose names fit in the legend drawn inside :func:`lms_roi.charts.line_chart`.
LEGEND_IN_CHART = 3


def _leaderboards_url() -> str | None:
    """The individual leaderboards page, when the viewer may open it."""
    endpoint = "lms_roi.leaderboards.board_page"
    return url_for(endpoint) if may_open(endpoint) else None
