"""Twelve months of active learners and XP, per department and for the organisation.

One SQL statement: the ledger grouped by learner and month (the learner's own
``local_day``), then by team and month; pandas adds teams up to departments.
Active learners are those with a learning action, like the dashboard's 7- and
30-day counts.
A learner counts in the department of their current team.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case, exists, func, select

from lms_roi.models import Learner, RoleGrant, XpEvent

from .engagement_groups import learning_action
from .loader import frame

#: Months in the trend, the current one (to date) last.
TREND_MONTHS = 12


def trend_months(today: date, count: int = TREND_MONTHS) -> list[date]:
    """The first day of each of the ``count`` months ending with ``today``'s month."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def monthly_activity(months: list[date]) -> pd.DataFrame:
    """Per team and month index: ``active`` learners, ``xp`` and ``xp_learners`` (XP > 0).

    Active learners have a learning action that month (a ledger row of a learning
    reason, any points), as in the 7- and 30-day counts: a badge's or a challenge's
    reward alone is not one, though its XP counts.
    """
    day = XpEvent.local_day
    bounds = [*months[1:], None]
    index = case(
        *[
            (and_(day >= start, day < end) if end else day >= start, i)
            for i, (start, end) in enumerate(zip(months, bounds, strict=True))
        ]
    ).label("month")
    per_learner = (
        select(
            XpEvent.learner_id,
            index,
            func.sum(XpEvent.points).label("xp"),
            func.max(case((learning_action(), 1), else_=0)).label("learned"),
        )
        .where(day >= months[0])
        .group_by(XpEvent.learner_id, index)
        .subquery("per_learner")
    )
    is_learner = exists().where(RoleGrant.learner_id == Learner.id, RoleGrant.role == "learner")
    stmt = (
        select(
            Learner.team_id,
            per_learner.c.month,
            func.sum(per_learner.c.learned).label("active"),
            func.sum(per_learner.c.xp).label("xp"),
            func.sum(case((per_learner.c.xp > 0, 1), else_=0)).label("xp_learners"),
        )
        .join(per_learner, per_learner.c.learner_id == Learner.id)
        .where(Learner.active.is_(True), is_learner)
        .group_by(Learner.team_id, per_learner.c.month)
    )
    raw = frame(stmt)
    raw[["month", "active", "xp", "xp_learners"]] = (
        raw[["month", "active", "xp", "xp_learners"]].fillna(0).astype(int)
    )
    raw["team_id"] = raw["team_id"].astype("Int64")
    return raw


def department_trend(monthly: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """``department_id`` x ``month`` index with ``active``, ``xp``, ``xp_learners``.

    Months where nobody of a department was active have no row (read as zeros).
    """
    merged = monthly.merge(catalog[["team_id", "department_id"]], on="team_id", how="left")
    return (
        merged.groupby(["department_id", "month"], dropna=False)[["active", "xp", "xp_learners"]]
        .sum()
        .reset_index()
    )
