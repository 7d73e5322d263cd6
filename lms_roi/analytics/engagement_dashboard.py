"""The HR engagement dashboard: every figure HR reads, protected together (DESIGN §8).

:func:`engagement_dashboard` reads the aggregates (team table, gamified
engagement by team and department, twelve-month trend, team board) and runs
one disclosure control (:func:`lms_roi.analytics.disclosure.protect`) over all
the figures the page shows and the relations between them:

* a department equals the sum of its teams, the organisation the sum of its
  departments (learners without a team form one), for every column;
* a row's learners equal the sum of its streak buckets;
* each month, the organisation's trend equals the sum of its departments';
* a department's XP for the period equals the sum of its months when no XP
  was earned in the days that separate them, and a window of active learners
  equals the current month's count when nobody was active in between.

Figures the team table already shows (team sizes and completion shares, with
their own rules in :mod:`lms_roi.analytics.engagement`) are locked: the
control hides department figures around them instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from .disclosure import MIN_LEARNERS, Figure, Relation, protect
from .engagement import Cell, EngagementTable, suppress_small_cells, team_engagement
from .engagement_groups import (
    STREAK_BUCKETS,
    Windows,
    roll_up,
    span_small,
    team_activity,
    teams,
    windows_for,
)
from .engagement_trend import department_trend, monthly_activity, trend_months
from .team_board import TeamBoard, team_board

ORG = ("org",)
STREAKS = tuple(f"streak_{key}" for key, _, _ in STREAK_BUCKETS)
#: Figures of each row: (metric, column of the amount, column of the contributors).
METRICS = (
    ("learners", "learners", "learners"),
    ("wau", "wau", "wau"),
    ("mau", "mau", "mau"),
    ("engaged", "engaged", "engaged"),
    ("xp", "xp", "xp_learners"),
    ("badges", "badges", "badge_learners"),
    *((streak, streak, streak) for streak in STREAKS),
)
#: Metrics whose period figure another view could be subtracted from.
SPANNED = {"engaged": "engaged", "xp": "xp", "badges": "badges"}


@dataclass(frozen=True)
class GroupRow:
    """One row of the table by team and department (``name`` None: no team)."""

    name: str | None
    kind: str  # "team", "department" or "organisation"
    cells: dict[str, Cell]

    @property
    def suppressed(self) -> bool:
        return any(cell.hidden for cell in self.cells.values())


@dataclass(frozen=True)
class DepartmentBlock:
    """A department's row and its teams' (no teams: the department is one team)."""

    row: GroupRow
    teams: list[GroupRow]


@dataclass(frozen=True)
class GroupTable:
    departments: list[DepartmentBlock]
    total: GroupRow
    min_learners: int

    @property
    def suppressed(self) -> bool:
        rows = [self.total] + [r for b in self.departments for r in (b.row, *b.teams)]
        return any(row.suppressed for row in rows)


@dataclass(frozen=True)
class TrendSeries:
    """Active learners and XP per month of one department (``name`` None: no team)."""

    name: str | None
    organisation: bool
    active: list[Cell]
    xp: list[Cell]


@dataclass(frozen=True)
class EngagementTrend:
    months: list[date]
    series: list[TrendSeries]


@dataclass(frozen=True)
class EngagementDashboard:
    table: EngagementTable
    groups: GroupTable
    trend: EngagementTrend
    board: TeamBoard
    windows: Windows


def engagement_dashboard(
    days: int, today: date, window: str, now: datetime, min_learners: int = MIN_LEARNERS
) -> EngagementDashboard:
    """Every aggregate of the HR page for the last ``days`` days, protected together."""
    table = suppress_small_cells(team_engagement(days, today), min_learners)
    months = trend_months(today)
    windows = windows_for(days, today, months[0])
    catalog = teams()
    team_rows, departments = roll_up(team_activity(windows), catalog)
    trend = department_trend(monthly_activity(months), catalog)
    layout = _layout(team_rows, departments)
    figures, relations = _figures(layout, table, trend, windows, months, min_learners)
    state = protect(figures, relations, min_learners)
    return EngagementDashboard(
        table=table,
        groups=_group_table(layout, figures, state, min_learners),
        trend=_trend(layout, figures, state, months),
        board=team_board(window, now, min_learners),
        windows=windows,
    )


@dataclass(frozen=True)
class _Group:
    key: tuple
    name: str | None
    kind: str
    record: pd.Series
    department_id: int | None = None


def _na(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _name(value) -> str | None:
    return None if pd.isna(value) else str(value)


def _layout(team_rows: pd.DataFrame, departments: pd.DataFrame) -> dict:
    """Groups of the table: each department with its team groups, and the organisation.

    A department whose only team is itself (or learners without a team) is one
    group keyed as that team, so its figures are the team table's.
    """
    blocks = []
    for dept in departments.itertuples(index=False):
        dept_id = _na(dept.department_id)
        members = team_rows[
            team_rows["department_id"].isna()
            if dept_id is None
            else team_rows["department_id"] == dept_id
        ]
        record = (
            departments[departments["department_id"].isna()]
            if dept_id is None
            else (departments[departments["department_id"] == dept_id])
        )
        record = record.iloc[0]
        alone = len(members) == 1 and _na(members["team_id"].iloc[0]) == dept_id
        if alone:
            head, children = (
                _Group(("team", dept_id), _name(dept.name), "department", record, dept_id),
                [],
            )
        else:
            head = _Group(("dept", dept_id), _name(dept.name), "department", record, dept_id)
            children = [
                _Group(("team", _na(row["team_id"])), _name(row["name"]), "team", row, dept_id)
                for _, row in members.iterrows()
            ]
            children.sort(key=lambda g: (g.name or "").casefold())
        blocks.append((head, children))
    blocks.sort(key=lambda block: (block[0].name is None, (block[0].name or "").casefold()))
    total = departments.drop(columns=["department_id", "name"]).sum()
    org = _Group(ORG, None, "organisation", total)
    return {"blocks": blocks, "org": org}


def _groups(layout: dict) -> list[_Group]:
    return [layout["org"]] + [g for head, kids in layout["blocks"] for g in (head, *kids)]


def _figures(layout, table, trend, windows, months, min_learners):
    """The figures of the page and the relations tying them (see the module docstring)."""
    locks = _locks(table)
    figures: dict[tuple, Figure] = {}
    relations: list[Relation] = []
    for group in _groups(layout):
        record = group.record
        spans = span_small(record, min_learners)
        population = int(record["learners"])
        for metric, amount, contributors in METRICS:
            figures[(group.key, metric)] = Figure(
                amount=float(record[amount]),
                population=population,
                contributors=int(record[contributors]),
                small=spans[SPANNED[metric]] if metric in SPANNED else False,
                locked=locks.get((group.key, metric)),
            )
        relations.append(
            Relation((group.key, "learners"), tuple((group.key, s) for s in STREAKS), "part")
        )
    heads = [head for head, _ in layout["blocks"]]
    for head, kids in layout["blocks"]:
        for metric, _, _ in METRICS:
            if kids:
                relations.append(Relation((head.key, metric), tuple((k.key, metric) for k in kids)))
    for metric, _, _ in METRICS:
        relations.append(Relation((ORG, metric), tuple((h.key, metric) for h in heads)))
    by_department = {
        (_na(row.department_id), int(row.month)): row for row in trend.itertuples(index=False)
    }
    for i in range(len(months)):
        org_active = org_xp = org_xp_learners = 0
        for head in heads:
            row = by_department.get((head.department_id, i))
            active, xp, xp_learners = (row.active, row.xp, row.xp_learners) if row else (0, 0, 0)
            org_active, org_xp, org_xp_learners = (
                org_active + active,
                org_xp + xp,
                org_xp_learners + xp_learners,
            )
            _trend_figures(figures, head, i, active, xp, xp_learners)
        _trend_figures(figures, layout["org"], i, org_active, org_xp, org_xp_learners)
        for metric in ("active", "xp"):
            relations.append(
                Relation(
                    ("trend", ORG, i, metric),
                    tuple(("trend", h.key, i, metric) for h in heads),
                    "part",
                )
            )
    relations += _alignments([layout["org"], *heads], windows, months)
    return figures, relations


def _trend_figures(figures, group, i, active, xp, xp_learners) -> None:
    population = int(group.record["learners"])
    figures[("trend", group.key, i, "active")] = Figure(active, population, int(active))
    figures[("trend", group.key, i, "xp")] = Figure(xp, population, int(xp_learners))


def _alignments(groups, windows: Windows, months: list[date]) -> list[Relation]:
    """Relations between the period's figures and the trend's months when they coincide.

    A department's XP over the period equals the sum of its months from the
    period's first full month when nobody earned XP between the period's start
    and that month (and from the month holding the start when nobody earned XP
    in that month before the start); a window of active learners is the
    current month's count when nobody was active between the window's start
    and the month's first day.
    """
    relations = []
    start = windows.start
    month_start = start.replace(day=1)
    next_month = (
        month_start if start == month_start else (month_start + timedelta(days=32)).replace(day=1)
    )
    for group in groups:
        for first, gap in ((next_month, (start, next_month)), (month_start, (month_start, start))):
            if first not in months:
                continue
            low, high = gap
            boundary = high if low == start else low
            column = windows.span_column("xp", boundary) if low != high else None
            if low != high and (column is None or int(group.record[column]) != 0):
                continue
            parts = tuple(
                ("trend", group.key, i, "xp") for i in range(months.index(first), len(months))
            )
            relations.append(Relation((group.key, "xp"), parts))
    for metric in ("wau", "mau"):
        for group in groups:
            if int(group.record[f"gap_{metric}"]) == 0:
                month = ("trend", group.key, len(months) - 1, "active")
                relations.append(Relation((group.key, metric), (month,)))
    return relations


def _locks(table: EngagementTable) -> dict[tuple, str]:
    """States the team table already fixed: team sizes and completion shares."""
    locks = {}
    for key, row in [*(((("team", r.team_id)), r) for r in table.rows), (ORG, table.total)]:
        locks[(key, "learners")] = row.active_learners.hidden or "shown"
        locks[(key, "engaged")] = row.engaged_share.hidden or "shown"
    return locks


def _cell(figures, state, key, value=None) -> Cell:
    hidden = state[key]
    return Cell(None, hidden) if hidden else Cell(figures[key].amount if value is None else value)


def _row(group: _Group, figures, state) -> GroupRow:
    def key(metric):
        return (group.key, metric)

    learners = figures[key("learners")].amount
    rate_hidden = state[key("engaged")] or state[key("learners")]
    rate = figures[key("engaged")].amount / learners if learners else None
    cells = {metric: _cell(figures, state, key(metric)) for metric, _, _ in METRICS}
    cells["completion_rate"] = Cell(None, rate_hidden) if rate_hidden else Cell(rate)
    return GroupRow(name=group.name, kind=group.kind, cells=cells)


def _group_table(layout, figures, state, min_learners) -> GroupTable:
    blocks = [
        DepartmentBlock(
            row=_row(head, figures, state), teams=[_row(k, figures, state) for k in kids]
        )
        for head, kids in layout["blocks"]
    ]
    return GroupTable(
        departments=blocks, total=_row(layout["org"], figures, state), min_learners=min_learners
    )


def _trend(layout, figures, state, months) -> EngagementTrend:
    series = []
    for group in [layout["org"], *(head for head, _ in layout["blocks"])]:
        cells = {
            metric: [
                _cell(figures, state, ("trend", group.key, i, metric)) for i in range(len(months))
            ]
            for metric in ("active", "xp")
        }
        series.append(
            TrendSeries(
                name=group.name,
                organisation=group.key == ORG,
                active=cells["active"],
                xp=cells["xp"],
            )
        )
    return EngagementTrend(months=months, series=series)
