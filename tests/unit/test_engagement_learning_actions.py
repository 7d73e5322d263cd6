"""HR engagement counts a learner as active for a learning action, never for a reward alone.

The organisation of :func:`hr_factories.build_engagement_org` (``TODAY`` 18 March
2026: Marketing = Tiny 2 + Content 5 learners, Sales = Field 7), plus by hand:

* Field f0, November: a badge (10 XP) and a challenge reward (25 XP), nothing else;
  f1, November: a challenge reward (25) and a completion (15).
* Field f2, 20 February: a badge (10 XP) alone.
* Tiny t1, 2 March: a badge (50 XP) alone.

So November in Sales: 1 active learner (f1), 75 XP, 2 learners with XP; February in
Sales: nobody active, 10 XP; March in Marketing: still 6 active (c0-c4 and t0), XP
150 + 50 = 200 by 7 learners. Between the 30-day window's start (17 February) and
1 March there are only rewards (no learner active), and between 1 March and the
7-day window's start (12 March) only f6's completion of 5 March (13 days ago) and
t1's badge: one learner active.
"""

from __future__ import annotations

from datetime import date

from hr_factories import build_engagement_org, make_xp
from lms_roi.analytics.engagement_groups import roll_up, team_activity, teams, windows_for
from lms_roi.analytics.engagement_trend import department_trend, monthly_activity, trend_months

TODAY = date(2026, 3, 18)


def rewards(people) -> None:
    field, tiny = people["field"], people["tiny"]
    make_xp(field[0], date(2025, 11, 3), 10, "badge")
    make_xp(field[0], date(2025, 11, 4), 25, "challenge")
    make_xp(field[1], date(2025, 11, 5), 25, "challenge")
    make_xp(field[1], date(2025, 11, 5), 15, "module_completed")
    make_xp(field[2], date(2026, 2, 20), 10, "badge")
    make_xp(tiny[1], date(2026, 3, 2), 50, "badge")


def test_the_trend_counts_learning_actions_and_all_xp(ctx):
    rewards(build_engagement_org(TODAY))
    months = trend_months(TODAY)
    trend = department_trend(monthly_activity(months), teams())
    names = teams().set_index("team_id")["name"]
    got = {
        (names[row.department_id], months[row.month]): (row.active, row.xp, row.xp_learners)
        for row in trend.itertuples()
    }
    # (active learners, XP, learners with XP)
    assert got == {
        ("Marketing", date(2026, 3, 1)): (6, 200, 7),
        ("Sales", date(2026, 3, 1)): (7, 90, 7),
        ("Sales", date(2026, 2, 1)): (0, 10, 1),
        ("Sales", date(2025, 11, 1)): (1, 75, 2),
    }


def test_windows_and_the_gaps_to_the_month_count_learning_actions_too(ctx):
    rewards(build_engagement_org(TODAY))
    windows = windows_for(30, TODAY, trend_months(TODAY)[0])
    rows, _ = roll_up(team_activity(windows), teams())
    by_team = rows.set_index("name")
    columns = ["wau", "mau", "gap_wau", "gap_mau", "xp", "xp_learners"]
    got = {name: tuple(int(v) for v in by_team.loc[name, columns]) for name in by_team.index}
    assert got == {
        "Tiny": (1, 1, 0, 0, 100, 2),  # t1's badge: XP, not activity, even in the gap
        "Content": (5, 5, 0, 0, 100, 5),
        # f6 learned on 5 March, between 1 March and the 7 days; f2's badge of 20 February
        # is XP of the 30 days but no activity between their start and 1 March.
        "Field": (6, 7, 1, 0, 100, 7),
    }
