"""Gamified engagement per team, rolled up to departments and the organisation.

:func:`team_activity` runs one SQL statement: per-learner ``GROUP BY``s of the
XP ledger, badge awards and completions, joined to the learners and their
streaks and grouped by team. :func:`roll_up` adds the counts of each
department's teams (a learner is in one team, so counts add up) and of the
organisation, still as frames: no loop over learners anywhere.

Windows are calendar days ending ``today``: the XP ledger is read by each
learner's own ``local_day``; badge awards and completions, which carry a
moment, by the organisation's days (:func:`lms_roi.analytics.engagement.period_bounds`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from flask import current_app
from sqlalchemy import and_, case, exists, func, select

from lms_roi.gamification.planner import LEARNING_REASONS
from lms_roi.models import BadgeAward, Completion, Learner, RoleGrant, Streak, Team, XpEvent

from .engagement import PERIODS, period_bounds
from .loader import frame

#: Streak buckets: (key, first length, last length or None).
STREAK_BUCKETS = (("0", 0, 0), ("1-2", 1, 2), ("3-6", 3, 6), ("7-13", 7, 13), ("14+", 14, None))
#: Windows of the weekly and monthly active learners, in days ending today.
WEEK_DAYS, MONTH_DAYS = 7, 30
#: Counts summed from teams to departments and the organisation.
COUNTS = (
    "learners",
    "wau",
    "mau",
    "engaged",
    "xp",
    "xp_learners",
    "badges",
    "badge_learners",
    *(f"streak_{key}" for key, _, _ in STREAK_BUCKETS),
)
#: Per-learner sources whose period figure is compared with other windows.
SPAN_SOURCES = ("xp", "badges", "engaged")


@dataclass(frozen=True)
class Windows:
    """The days a dashboard reads: its period and the spans other views make readable."""

    today: date
    days: int
    boundaries: tuple[date, ...]

    @property
    def start(self) -> date:
        return self.today - timedelta(days=self.days - 1)

    @property
    def spans(self) -> list[tuple[date, date]]:
        """``[low, high)`` day ranges between the period's start and each boundary."""
        return [tuple(sorted((self.start, other))) for other in self.boundaries]

    def span_column(self, source: str, boundary: date) -> str | None:
        """The span count column between the period's start and ``boundary``, if any."""
        if boundary not in self.boundaries:
            return None
        return f"span_{source}_{self.boundaries.index(boundary)}"

    @property
    def earliest(self) -> date:
        return min([self.start, self.today - timedelta(days=MONTH_DAYS - 1), *self.boundaries])


def windows_for(days: int, today: date, trend_start: date) -> Windows:
    """The period and the boundaries one could subtract it from.

    Other periods offered end today too (their difference is a span of days);
    the trend's months start on the first of a month, so the first days of the
    month holding the period's start and of the next one are boundaries too.
    """
    start = today - timedelta(days=days - 1)
    month_start = start.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    others = {today - timedelta(days=other - 1) for other in PERIODS if other != days}
    others |= {day for day in (month_start, next_month) if trend_start <= day <= today}
    others.discard(start)
    return Windows(today=today, days=days, boundaries=tuple(sorted(others)))


def learning_action():
    """Ledger rows of learning actions: what makes a learner active (DESIGN §6).

    A badge's or a challenge's reward (or a streak bonus) alone is not one.
    """
    return XpEvent.reason.in_(LEARNING_REASONS)


def _day_in(column, low: date, high: date | None = None):
    return and_(column >= low, column < high) if high else column >= low


def team_activity(windows: Windows) -> pd.DataFrame:
    """One row per team (``team_id`` None: no team) with the :data:`COUNTS` and span counts.

    ``span_<source>_<i>`` counts the learners who make the source's figure over
    the ``i``-th span of ``windows`` (earned XP, got a badge, completed a module);
    ``gap_wau`` and ``gap_mau`` the learners active (a learning action) between
    the start of that window and the first day of the current month.
    """
    timezone = current_app.config.get("LMS_ROI_TIMEZONE", "UTC")
    today = windows.today
    day = XpEvent.local_day
    learning = learning_action()
    xp_spans = [
        func.sum(case((_day_in(day, low, high), XpEvent.points), else_=0)).label(f"s{i}")
        for i, (low, high) in enumerate(windows.spans)
    ]
    # Days between each activity window's start and the current month's first day:
    # when nobody was active then, the window's count is the trend's current month
    # (both count learning actions only).
    month_start = today.replace(day=1)
    gaps = []
    for name, days in (("wau", WEEK_DAYS), ("mau", MONTH_DAYS)):
        low, high = sorted((today - timedelta(days=days - 1), month_start))
        in_gap = and_(learning, _day_in(day, low, high))
        gaps.append(func.max(case((in_gap, 1), else_=0)).label(f"g_{name}"))
    xp = (
        select(
            XpEvent.learner_id,
            *gaps,
            # Active = a learning action (a badge or a challenge reward alone is not one).
            func.max(
                case((and_(learning, day >= today - timedelta(days=WEEK_DAYS - 1)), 1), else_=0)
            ).label("w"),
            func.max(
                case((and_(learning, day >= today - timedelta(days=MONTH_DAYS - 1)), 1), else_=0)
            ).label("m"),
            func.sum(case((day >= windows.start, XpEvent.points), else_=0)).label("v"),
            *xp_spans,
        )
        .where(day >= windows.earliest)
        .group_by(XpEvent.learner_id)
        .subquery("xp")
    )
    badges = _moments(
        BadgeAward.learner_id,
        BadgeAward.issued_on,
        windows,
        timezone,
        BadgeAward.revoked.is_(False),
        "badges",
    )
    engaged = _moments(
        Completion.learner_id, Completion.completed_at, windows, timezone, None, "done"
    )
    # A streak counts only while alive: its last active day is today or yesterday.
    length = case(
        (Streak.last_active_on >= today - timedelta(days=1), Streak.current_length), else_=0
    )
    buckets = [
        func.sum(
            case(
                (and_(length >= low, length <= high) if high is not None else length >= low, 1),
                else_=0,
            )
        ).label(f"streak_{key}")
        for key, low, high in STREAK_BUCKETS
    ]
    spans = []
    for source, sub in (("xp", xp), ("badges", badges), ("engaged", engaged)):
        spans += [
            func.sum(case((sub.c[f"s{i}"] > 0, 1), else_=0)).label(f"span_{source}_{i}")
            for i in range(len(windows.spans))
        ]
    is_learner = exists().where(RoleGrant.learner_id == Learner.id, RoleGrant.role == "learner")
    stmt = (
        select(
            Learner.team_id,
            func.count(Learner.id).label("learners"),
            func.sum(func.coalesce(xp.c.w, 0)).label("wau"),
            func.sum(func.coalesce(xp.c.m, 0)).label("mau"),
            func.sum(func.coalesce(xp.c.g_wau, 0)).label("gap_wau"),
            func.sum(func.coalesce(xp.c.g_mau, 0)).label("gap_mau"),
            func.sum(case((engaged.c.v > 0, 1), else_=0)).label("engaged"),
            func.sum(func.coalesce(xp.c.v, 0)).label("xp"),
            func.sum(case((xp.c.v > 0, 1), else_=0)).label("xp_learners"),
            func.sum(func.coalesce(badges.c.v, 0)).label("badges"),
            func.sum(case((badges.c.v > 0, 1), else_=0)).label("badge_learners"),
            *buckets,
            *spans,
        )
        .select_from(Learner)
        .outerjoin(xp, xp.c.learner_id == Learner.id)
        .outerjoin(badges, badges.c.learner_id == Learner.id)
        .outerjoin(engaged, engaged.c.learner_id == Learner.id)
        .outerjoin(Streak, Streak.learner_id == Learner.id)
        .where(Learner.active.is_(True), is_learner)
        .group_by(Learner.team_id)
    )
    raw = frame(stmt)
    numbers = [c for c in raw.columns if c != "team_id"]
    raw[numbers] = raw[numbers].fillna(0).astype(int)
    raw["team_id"] = raw["team_id"].astype("Int64")
    return raw


def _moments(learner, moment, windows: Windows, timezone: str, condition, name: str):
    """Per learner: rows in the period (``v``) and in each span (``s<i>``), by org days."""

    def since(day: date):
        start, _ = period_bounds(1, day, timezone)
        return start

    spans = [
        func.count(case((and_(moment >= since(low), moment < since(high)), 1))).label(f"s{i}")
        for i, (low, high) in enumerate(windows.spans)
    ]
    stmt = select(
        learner.label("learner_id"),
        func.count(
            case(
                (
                    and_(
                        moment >= since(windows.start),
                        moment < since(windows.today + timedelta(days=1)),
                    ),
                    1,
                )
            )
        ).label("v"),
        *spans,
    ).where(moment >= since(windows.earliest))
    if condition is not None:
        stmt = stmt.where(condition)
    return stmt.group_by(learner).subquery(name)


def teams() -> pd.DataFrame:
    """Every team: ``team_id``, ``name``, ``department_id`` (its parent, else itself)."""
    df = frame(select(Team.id.label("team_id"), Team.name, Team.parent_id))
    df["department_id"] = df["parent_id"].fillna(df["team_id"]).astype("Int64")
    df["team_id"] = df["team_id"].astype("Int64")
    return df.drop(columns="parent_id")


def roll_up(activity: pd.DataFrame, catalog: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Team rows with their department, and department rows (sums of their teams).

    Learners without a team form their own department (``department_id`` NA).
    """
    rows = activity.merge(catalog[["team_id", "name", "department_id"]], on="team_id", how="left")
    summed = [c for c in rows.columns if c in COUNTS or c.startswith(("span_", "gap_"))]
    departments = rows.groupby("department_id", dropna=False)[summed].sum().reset_index()
    names = catalog.set_index("team_id")["name"]
    departments["name"] = departments["department_id"].map(names)
    return rows, departments


def span_small(row, min_learners: int) -> dict[str, bool]:
    """Per source, whether a span between this period and another singles out a few learners."""
    result = {}
    for source in SPAN_SOURCES:
        counts = [row[c] for c in row.index if c.startswith(f"span_{source}_")]
        result[source] = any(0 < count < min_learners for count in counts)
    return result
