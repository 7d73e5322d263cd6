"""HR engagement by team and department: SQL aggregates, suppression, no recovery by subtraction.

The organisation of :func:`hr_factories.build_engagement_org`: Marketing (Tiny, 2
learners; Content, 5) and Sales (Field, 7); all activity lies in the 13 days
before ``TODAY``, a mid-month day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from factories import make_person
from hr_factories import build_engagement_org, make_totals, make_unit, make_xp
from lms_roi.analytics.disclosure import Figure, Relation, protect, recoverable
from lms_roi.analytics.engagement_dashboard import engagement_dashboard
from lms_roi.analytics.engagement_groups import roll_up, team_activity, teams, windows_for
from lms_roi.analytics.engagement_trend import (
    department_trend,
    monthly_activity,
    trend_months,
)
from lms_roi.analytics.team_board import team_board

TODAY = date(2026, 3, 18)
NOW = datetime(2026, 3, 18, 12, tzinfo=UTC)
BUCKETS = ("streak_0", "streak_1-2", "streak_3-6", "streak_7-13", "streak_14+")
COLUMNS = ("learners", "wau", "mau", "engaged", "completion_rate", "xp", "badges", *BUCKETS)


def shown(cell):
    return cell.hidden or cell.value


def rows_of(dashboard) -> dict:
    """Rows of the table by team and department, keyed by name (org: "ORG")."""
    rows = {"ORG": dashboard.groups.total}
    for block in dashboard.groups.departments:
        rows[block.row.name] = block.row
        rows.update({team.name: team for team in block.teams})
    return rows


def test_raw_aggregates_by_team_and_department(ctx):
    build_engagement_org(TODAY)
    windows = windows_for(30, TODAY, trend_months(TODAY)[0])
    team_rows, departments = roll_up(team_activity(windows), teams())
    by_team = team_rows.set_index("name")
    expected = {
        # learners, weekly active, monthly active, XP, learners earning XP, badges
        "Tiny": (2, 1, 1, 50, 1, 1),
        "Content": (5, 5, 5, 100, 5, 5),
        "Field": (7, 6, 7, 90, 7, 0),
    }
    columns = ["learners", "wau", "mau", "xp", "xp_learners", "badges"]
    for name, values in expected.items():
        assert tuple(int(v) for v in by_team.loc[name, columns]) == values
    # Streaks: Content 3, 3, 1, 0 and one without a row; Field 7, 8, 14, 20, 1, 2, 0;
    # Tiny 5 and one without a row.
    buckets = {name: [int(by_team.loc[name, b]) for b in BUCKETS] for name in expected}
    assert buckets == {
        "Tiny": [1, 0, 1, 0, 0],
        "Content": [2, 1, 2, 0, 0],
        "Field": [1, 2, 0, 2, 2],
    }
    by_department = departments.set_index("name")
    assert [int(v) for v in by_department.loc["Marketing", columns]] == [7, 6, 6, 150, 6, 6]
    assert [int(v) for v in by_department.loc["Sales", columns]] == [7, 6, 7, 90, 7, 0]
    # The revoked badge never counts; f0's badge of 200 days ago is outside the period
    # but inside a span another period would subtract: one learner, so flagged.
    yearly = windows.span_column("badges", TODAY - timedelta(days=364))
    assert int(by_department.loc["Sales", yearly]) == 1


def test_twelve_month_trend_per_department(ctx):
    people = build_engagement_org(TODAY)
    make_xp(people["field"][0], date(2025, 11, 3), 15)
    make_xp(people["field"][0], date(2025, 11, 4), 5)  # one learner, two days
    make_xp(people["tiny"][1], date(2025, 4, 1), 0)  # first trend day, no points
    make_xp(people["tiny"][1], date(2025, 3, 31), 99)  # before the trend
    months = trend_months(TODAY)
    assert months[0] == date(2025, 4, 1) and months[-1] == date(2026, 3, 1) and len(months) == 12
    trend = department_trend(monthly_activity(months), teams())
    names = teams().set_index("team_id")["name"]
    got = {
        (names[row.department_id], months[row.month]): (row.active, row.xp, row.xp_learners)
        for row in trend.itertuples()
    }
    assert got == {
        ("Marketing", date(2026, 3, 1)): (6, 150, 6),
        ("Sales", date(2026, 3, 1)): (7, 90, 7),
        ("Sales", date(2025, 11, 1)): (1, 20, 1),
        ("Marketing", date(2025, 4, 1)): (1, 0, 0),
    }


def test_dashboard_suppresses_small_cells_and_their_complements(ctx):
    build_engagement_org(TODAY)
    rows = rows_of(engagement_dashboard(30, TODAY, "month", NOW))
    tiny = rows["Tiny"]
    assert all(cell.hidden == "small" for cell in tiny.cells.values())
    # Field: 7 learners, all figures shown but its badges (one learner's badge would
    # be the difference with the yearly view) and its streak buckets of 1 or 2 people.
    field = {k: shown(c) for k, c in rows["Field"].cells.items()}
    assert field == {
        "learners": 7, "wau": 6, "mau": 7, "engaged": 0, "completion_rate": 0.0, "xp": 90,
        "badges": "small", "streak_0": "small", "streak_1-2": "small", "streak_3-6": 0,
        "streak_7-13": "small", "streak_14+": "small",
    }  # fmt: skip
    assert {k: shown(c) for k, c in rows["Sales"].cells.items()} == field
    # Marketing = Tiny + Content. Its learners would give Tiny's size away: withheld.
    # Its XP, weekly and monthly active learners equal its trend for March (nobody was
    # active in February): shown, so Content's are withheld instead.
    marketing, content = rows["Marketing"].cells, rows["Content"].cells
    assert marketing["learners"].hidden == "complement"
    assert [shown(marketing[k]) for k in ("wau", "mau", "xp")] == [6, 6, 150]
    assert [shown(content[k]) for k in ("wau", "mau", "xp")] == ["complement"] * 3
    assert shown(content["learners"]) == 5 and shown(content["badges"]) == 5
    assert shown(marketing["badges"]) == "complement"
    # Content's streak row: 2, 1 and 2 learners hidden together (5), zeros shown.
    assert [shown(content[b]) for b in BUCKETS] == ["small", "small", "small", 0, 0]
    org = {k: shown(c) for k, c in rows["ORG"].cells.items()}
    assert org["learners"] == "complement" and org["completion_rate"] == "complement"
    assert (org["wau"], org["mau"], org["xp"]) == (12, 13, 240)
    assert org["badges"] == "small"  # f0's old badge again: one learner between periods


def test_the_trend_hides_a_department_month_with_its_complement(ctx):
    people = build_engagement_org(TODAY)
    for learner in people["field"]:
        make_xp(learner, date(2025, 11, 10), 15)
    for learner in people["tiny"]:
        make_xp(learner, date(2025, 11, 10), 10)
    dashboard = engagement_dashboard(30, TODAY, "month", NOW)
    november = dashboard.trend.months.index(date(2025, 11, 1))
    series = {line.name: line for line in dashboard.trend.series}
    assert series[None].organisation and shown(series[None].active[november]) == 9
    assert shown(series[None].xp[november]) == 125
    assert shown(series["Marketing"].active[november]) == "small"  # 2 learners
    assert shown(series["Sales"].active[november]) == "complement"  # else 9 - 7 = 2
    assert shown(series[None].active[-1]) == 13
    # Marketing's XP of the last 30 days is its March (nobody earned XP in February) and
    # would differ from the yearly view by Tiny's November alone: both stay hidden.
    assert shown(series["Marketing"].xp[-1]) == "complement"
    marketing = next(b.row for b in dashboard.groups.departments if b.row.name == "Marketing")
    assert marketing.cells["xp"].hidden == "small"


def relations_of(dashboard, structure: dict) -> list[tuple]:
    """Every subtraction the page allows: (total cell, part cells), built here by hand."""
    rows = rows_of(dashboard)
    pairs = []
    for row in rows.values():
        pairs.append((row.cells["learners"], [row.cells[b] for b in BUCKETS]))
    for column in COLUMNS:
        for department, members in structure.items():
            pairs.append((rows[department].cells[column], [rows[m].cells[column] for m in members]))
        pairs.append((rows["ORG"].cells[column], [rows[d].cells[column] for d in structure]))
    series = {line.name: line for line in dashboard.trend.series}
    for metric in ("active", "xp"):
        for i in range(len(dashboard.trend.months)):
            total = getattr(series[None], metric)[i]
            pairs.append((total, [getattr(series[d], metric)[i] for d in structure]))
    return pairs


@pytest.mark.parametrize("days", [30, 90, 365])
@pytest.mark.parametrize(
    "today", [TODAY, date(2026, 3, 7), date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 30)]
)
def test_no_suppressed_value_is_recovered_by_subtracting_shown_cells(ctx, days, today):
    people = build_engagement_org(today)
    for learner in people["field"][:5] + people["tiny"]:
        make_xp(learner, today - timedelta(days=60), 10)
    dashboard = engagement_dashboard(days, today, "month", datetime(2026, 4, 1, tzinfo=UTC))
    structure = {"Marketing": ["Tiny", "Content"], "Sales": ["Field"]}
    for total, parts in relations_of(dashboard, structure):
        members = [total, *parts]
        hidden = [cell for cell in members if cell.hidden]
        # One hidden cell among shown ones is the total minus (or plus) the others.
        assert len(hidden) != 1, (total, parts)


def test_protect_prefers_totals_then_the_smallest_safe_part():
    figures = {
        "dept": Figure(14, 14, 14),
        "a": Figure(2, 2, 2),
        "b": Figure(5, 5, 5),
        "c": Figure(7, 7, 7),
        "row": Figure(7, 7, 7, locked="shown"),
        "x": Figure(3, 7, 3),
        "y": Figure(4, 7, 4),
        "z": Figure(0, 7, 0),
    }
    state = protect(
        figures,
        [Relation("dept", ("a", "b", "c")), Relation("row", ("x", "y", "z"), "part")],
    )
    assert state["a"] == "small" and state["dept"] == "complement"
    assert state["b"] is None and state["c"] is None
    assert state["x"] == state["y"] == "small" and state["z"] is None  # 3 + 4 hidden together
    # Locked total: the next smallest part that covers 5 learners with "a" is hidden.
    figures["dept"] = Figure(14, 14, 14, locked="shown")
    state = protect(figures, [Relation("dept", ("a", "b", "c"))])
    assert (state["a"], state["b"], state["c"]) == ("small", "complement", None)


def test_protect_closes_a_chain_and_shows_what_is_determined_anyway():
    # dept = a + b; org = dept + other; a is small. dept is withheld, then org.
    figures = {
        "org": Figure(20, 20, 20),
        "dept": Figure(9, 9, 9),
        "other": Figure(11, 11, 11),
        "a": Figure(2, 2, 2),
        "b": Figure(7, 7, 7),
    }
    relations = [Relation("dept", ("a", "b")), Relation("org", ("dept", "other"))]
    state = protect(figures, relations)
    assert state == {"org": "complement", "dept": "complement", "other": None, "a": "small",
                     "b": None}  # fmt: skip
    assert recoverable(state, relations) == set()
    # A department equal to the shown organisation is shown: hiding it would hide nothing.
    figures["org"] = Figure(9, 9, 9, locked="shown")
    state = protect(figures, [Relation("dept", ("a", "b")), Relation("org", ("dept",))])
    assert state["dept"] is None and state["b"] == "complement" and state["a"] == "small"


def test_team_board_ranks_xp_per_active_member_and_leaves_small_teams_off(ctx):
    big, tied, small = make_unit("big", "Big"), make_unit("tied", "Tied"), make_unit("few", "Few")
    day = TODAY
    for i, xp in enumerate((100, 50, 30, 20, 0, 0)):  # 4 earn XP: left off
        learner = make_person(f"b{i}@example.com", team=small, password=None)
        if xp:
            make_totals(learner, day, xp)
    for i, xp in enumerate((10, 20, 30, 40, 50, 0)):  # 5 earners: 150 / 5 = 30
        learner = make_person(f"g{i}@example.com", team=big, password=None)
        if xp:
            make_totals(learner, day - timedelta(days=1), xp)
    for i in range(5):  # 30 each, reached later: ranks second
        make_totals(make_person(f"t{i}@example.com", team=tied, password=None), day, 30)
    board = team_board("month", NOW)
    assert [(row.rank, row.team, row.xp_per_member) for row in board.rows] == [
        (1, "Big", 30.0),
        (2, "Tied", 30.0),
    ]
    assert board.left_off == 1
    assert team_board("week", NOW + timedelta(days=7)).rows == []  # next week: nothing yet
    with pytest.raises(ValueError, match="window"):
        team_board("year", NOW)
