"""Calendar keys of XP: the learner's day, and the organisation's ISO week and month."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

ALL = "all"
PERIOD_KINDS = ("all", "week", "month")


def zone(name: str | None = None) -> ZoneInfo:
    """A time zone by name, else the organisation's (``LMS_ROI_TIMEZONE``), else UTC."""
    for candidate in (name, current_app.config.get("LMS_ROI_TIMEZONE"), "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (KeyError, ValueError):
                continue
    return ZoneInfo("UTC")


def local_day(moment: datetime, learner_zone: str | None) -> date:
    """The calendar day of ``moment`` where the learner is."""
    return moment.astimezone(zone(learner_zone)).date()


def week_key(day: date) -> str:
    """ISO week key, e.g. ``2026-W48``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_key(day: date) -> str:
    """Month key, e.g. ``2026-11``."""
    return f"{day.year}-{day.month:02d}"


def period_keys(moment: datetime) -> dict[str, str]:
    """The leaderboard buckets of ``moment``, in the organisation's time zone."""
    day = moment.astimezone(zone()).date()
    return {"all": ALL, "week": week_key(day), "month": month_key(day)}


def current_keys(now: datetime) -> dict[str, str]:
    """The buckets a leaderboard reads now (same as :func:`period_keys`)."""
    return period_keys(now)
