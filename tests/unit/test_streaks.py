"""Streaks: consecutive local days with a learning action, per learner's own time zone,
unaffected by a DST change (Europe/Paris: last Sundays of March and October 2026)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms_roi.gamification import engine
from lms_roi.gamification.rebuild import rebuild
from lms_roi.gamification.streaks import StreakState, current_length, from_days
from xp_factories import at, ledger, make_learner, streak_of


def act(learner, moment, key):
    return engine.award(learner.id, 0, "review", key, moment)


def test_runs_from_days_known_answers():
    d = date(2026, 5, 1)
    days = [d, d + timedelta(1), d + timedelta(2), d + timedelta(4), d + timedelta(5), d]
    assert from_days(days) == StreakState(2, 3, d + timedelta(5))
    assert from_days([]) == StreakState(0, 0, None)


@pytest.mark.parametrize(
    ("today", "alive"),
    [(date(2026, 5, 3), 3), (date(2026, 5, 4), 3), (date(2026, 5, 5), 0)],
)
def test_a_streak_is_alive_today_or_the_day_after(today, alive):
    streak = StreakState(3, 5, date(2026, 5, 3))
    assert current_length(streak, today) == alive
    assert current_length(None, today) == 0


def test_each_learner_counts_days_in_their_own_time_zone(ctx):
    paris = make_learner("ana", "Europe/Paris")
    tokyo = make_learner("kei", "Asia/Tokyo")
    la = make_learner("lou", "America/Los_Angeles")
    # The same three instants: 23:30 on 1 May, 08:00 and 23:30 on 2 May in Paris.
    moments = [at(2026, 5, 1, 23, 30), at(2026, 5, 2, 8), at(2026, 5, 2, 23, 30)]
    for learner in (paris, tokyo, la):
        for i, moment in enumerate(moments):
            act(learner, moment, f"r:{learner.id}:{i}")
    # Paris: 1, 2, 2 May -> 2 days. Tokyo (+9): 2, 2, 3 May -> 2 days.
    # Los Angeles (-9): 1, 1, 2 May -> 2 days. Each gets one bonus.
    assert streak_of(paris) == (2, 2, date(2026, 5, 2))
    assert streak_of(tokyo) == (2, 2, date(2026, 5, 3))
    assert streak_of(la) == (2, 2, date(2026, 5, 2))
    # And one instant a day apart for Paris may be the same day in Tokyo:
    late = make_learner("rin", "Asia/Tokyo")
    act(late, at(2026, 5, 1, 0, 30), "r:late:1")  # 07:30 on 1 May in Tokyo
    act(late, at(2026, 5, 1, 23, 30), "r:late:2")  # 06:30 on 2 May in Tokyo
    act(late, at(2026, 5, 2, 16, 30), "r:late:3")  # 23:30 on 2 May in Tokyo
    assert streak_of(late) == (2, 2, date(2026, 5, 2))
    assert ledger(late).count(("streak_bonus", 5)) == 1


@pytest.mark.parametrize(
    "sunday",
    [date(2026, 3, 29), date(2026, 10, 25)],
    ids=["spring-forward", "fall-back"],
)
def test_a_dst_change_neither_breaks_nor_doubles_a_streak(ctx, sunday):
    ana = make_learner("ana", "Europe/Paris")
    saturday, monday = sunday - timedelta(1), sunday + timedelta(1)
    # 23:30 Saturday, 00:30 and 23:30 Sunday (22 h apart in spring, 24 h in autumn),
    # 00:30 Monday: by the calendar three consecutive days, whatever the day's length.
    act(ana, at(saturday.year, saturday.month, saturday.day, 23, 30), "sat")
    act(ana, at(sunday.year, sunday.month, sunday.day, 0, 30), "sun-early")
    act(ana, at(sunday.year, sunday.month, sunday.day, 23, 30), "sun-late")
    act(ana, at(monday.year, monday.month, monday.day, 0, 30), "mon")
    assert streak_of(ana) == (3, 3, monday)
    assert ledger(ana).count(("streak_bonus", 5)) == 2  # Sunday and Monday
    tuesday = monday + timedelta(1)
    act(ana, at(tuesday.year, tuesday.month, tuesday.day, 23, 59), "tue")
    assert streak_of(ana) == (4, 4, tuesday)
    thursday = tuesday + timedelta(2)
    act(ana, at(thursday.year, thursday.month, thursday.day, 0, 1), "thu")
    assert streak_of(ana) == (1, 4, thursday)


def test_late_history_recomputes_the_streak_and_the_rebuild_agrees(ctx):
    ana = make_learner()
    act(ana, at(2026, 5, 1, 9), "a")
    act(ana, at(2026, 5, 3, 9), "c")
    assert streak_of(ana) == (1, 1, date(2026, 5, 3))
    act(ana, at(2026, 5, 2, 9), "b")  # a tutoring session logged late, say
    assert streak_of(ana) == (3, 3, date(2026, 5, 3))
    report = rebuild()
    assert report.streaks_changed == 0
    assert streak_of(ana) == (3, 3, date(2026, 5, 3))
