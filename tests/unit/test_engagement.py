"""Engagement by team: small-cell and complementary suppression, and the SQL aggregate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from factories import make_completion, make_module, make_person, make_team
from lms_roi.analytics.engagement import (
    RAW_COLUMNS,
    Cell,
    period_bounds,
    suppress_small_cells,
    team_engagement,
)


def team(name, learners, *, engaged=0, period=0, all_=0, modules=0, scores=(), scored=None):
    """One raw team row; ``scores`` are the period's scored completions."""
    return dict(
        team=name,
        learners=learners,
        engaged=engaged,
        completions_period=period,
        completions_all=all_,
        modules_period=modules,
        score_sum=float(sum(scores)),
        scored_completions=len(scores),
        scored_learners=len(scores) if scored is None else scored,
    )


def frame(*teams) -> pd.DataFrame:
    return pd.DataFrame(list(teams), columns=list(RAW_COLUMNS))


def values(row) -> list:
    return [cell.value for cell in row.cells()]


SMALL = team("Small", 2, engaged=1, period=2, all_=3, modules=2, scores=(80,))
FIVE = team("Five", 5, engaged=5, period=6, all_=10, modules=5, scores=(60, 70, 80, 90, 75))
SEVEN = team("Seven", 7, engaged=7, period=14, all_=20, modules=14, scores=(90,) * 7)


def test_teams_of_2_5_and_7_learners_suppress_only_the_small_one():
    table = suppress_small_cells(frame(SEVEN, SMALL, FIVE))
    rows = {row.team: row for row in table.rows}
    small, five, seven = rows["Small"], rows["Five"], rows["Seven"]
    assert all(cell == Cell(None, "small") for cell in small.cells())
    assert values(five) == [5, 5, 1.0, 6, 10, 1.0, 75.0]
    assert values(seven) == [7, 7, 1.0, 14, 20, 2.0, 90.0]
    assert not five.suppressed and not seven.suppressed
    assert [row.team for row in table.rows] == ["Five", "Seven", "Small"]
    assert table.suppressed and table.min_learners == 5


def test_total_is_withheld_when_one_small_team_could_be_recovered():
    total = suppress_small_cells(frame(SMALL, FIVE, SEVEN)).total
    # 14 learners minus the visible 5 and 7 would give the small team's 2.
    assert all(cell == Cell(None, "complement") for cell in total.cells())


def test_total_shows_when_the_hidden_teams_together_cover_five_learners():
    other = team("Other", 3, engaged=2, period=3, all_=4, modules=3, scores=(70, 70))
    table = suppress_small_cells(frame(SMALL, other, SEVEN))
    rows = {row.team: row for row in table.rows}
    assert rows["Small"].suppressed and rows["Other"].suppressed
    total = table.total
    assert not total.suppressed
    assert values(total)[:6] == [12, 10, 10 / 12, 19, 27, 19 / 12]
    assert total.average_score.value == pytest.approx((80 + 140 + 630) / 10)
    # Subtracting the visible team leaves both small teams together, never one alone.
    assert total.active_learners.value - rows["Seven"].active_learners.value == 2 + 3


def test_total_is_withheld_when_the_hidden_teams_together_cover_fewer_than_five():
    tiny = team("Tiny", 1, engaged=1, period=1, all_=1, modules=1, scores=(50,))
    total = suppress_small_cells(frame(SMALL, tiny, SEVEN)).total
    assert total.active_learners == Cell(None, "complement")
    assert total.average_score == Cell(None, "complement")


def test_few_scored_learners_hide_the_average_but_not_the_counts():
    few_scores = team("Scored", 8, engaged=6, period=9, all_=9, modules=8, scores=(40, 60, 80))
    table = suppress_small_cells(frame(few_scores, SEVEN))
    rows = {row.team: row for row in table.rows}
    assert rows["Scored"].average_score == Cell(None, "small")
    assert values(rows["Scored"])[:6] == [8, 6, 0.75, 9, 9, 1.0]
    # Counts: no small team, the total is exact; average: 3 hidden scored learners.
    assert values(table.total)[:6] == [15, 13, 13 / 15, 23, 29, 22 / 15]
    assert table.total.average_score == Cell(None, "complement")


def test_without_suppression_the_total_is_exact():
    table = suppress_small_cells(frame(FIVE, SEVEN))
    assert not table.suppressed
    assert values(table.total)[:6] == [12, 12, 1.0, 20, 30, 19 / 12]
    assert table.total.average_score.value == pytest.approx((375 + 630) / 12)


def test_a_team_without_scores_shows_no_average_and_hides_nothing():
    quiet = team("Quiet", 6, all_=2)
    table = suppress_small_cells(frame(quiet))
    assert values(table.rows[0]) == [6, 0, 0.0, 0, 2, 0.0, None]
    assert not table.suppressed and table.total.average_score == Cell(None)


def test_an_organisation_under_five_learners_shows_nothing():
    table = suppress_small_cells(frame(SMALL))
    assert all(cell.hidden == "small" for cell in table.total.cells())


def test_learners_without_a_team_come_last_and_a_bad_frame_is_refused():
    table = suppress_small_cells(frame(team(None, 5), SEVEN))
    assert [row.team for row in table.rows] == ["Seven", None]
    with pytest.raises(ValueError, match="scored_learners"):
        suppress_small_cells(pd.DataFrame([{"team": "x", "learners": 5}]))


def test_period_bounds_are_local_calendar_days():
    start, end = period_bounds(30, date(2026, 3, 31), "Europe/Paris")
    assert start == datetime(2026, 3, 1, 23, tzinfo=UTC)  # 2 March, Paris winter time
    assert end == datetime(2026, 3, 31, 22, tzinfo=UTC)  # 1 April, Paris summer time


def test_team_engagement_aggregates_active_learners_per_team(ctx):
    content, service = make_team("content"), make_team("service")
    seo, ads = make_module("seo-basics"), make_module("social-ads")
    today = date(2026, 3, 31)
    start, _ = period_bounds(30, today, "Europe/Paris")
    ana = make_person("ana@example.com", team=content)
    bob = make_person("bob@example.com", team=content)
    make_person("cy@example.com", team=content)  # active, never completed
    gone = make_person("gone@example.com", team=content)
    gone.active = False
    make_person("tutor@example.com", roles=("tutor",), team=content)  # not a learner
    nomad = make_person("nomad@example.com")
    eve = make_person("eve@example.com", team=service)
    make_completion(ana, seo, start, score=80)  # first moment of the period
    make_completion(ana, seo, start + timedelta(days=3), score=90)
    make_completion(ana, ads, start + timedelta(days=4))
    make_completion(bob, seo, start - timedelta(seconds=1), score=10)  # just before
    make_completion(gone, seo, start + timedelta(days=1), score=100)
    make_completion(nomad, ads, start + timedelta(days=2), score=50)
    make_completion(eve, ads, datetime(2025, 6, 1, tzinfo=UTC))

    raw = team_engagement(30, today).set_index("team", drop=False)
    assert len(raw) == 3
    row = raw.loc["Content"]
    assert (row.learners, row.engaged, row.completions_period, row.completions_all) == (3, 1, 3, 4)
    assert (row.modules_period, row.scored_completions, row.scored_learners) == (2, 2, 1)
    assert row.score_sum == 170
    service_row = raw.loc["Service"]
    assert (service_row.learners, service_row.engaged, service_row.completions_all) == (1, 0, 1)
    nomads = raw[raw["team"].isna()].iloc[0]
    assert (nomads.learners, nomads.engaged, nomads.score_sum) == (1, 1, 50)
    assert team_engagement(365, today).set_index("team").loc["Content"].engaged == 2


def test_a_few_engaged_learners_hide_the_period_activity_not_the_team_size():
    # 9 learners, 2 of them active lately: their completions would describe 2 people.
    few = team("Few", 9, engaged=2, period=3, all_=12, modules=3, scores=(70, 90))
    rows = {row.team: row for row in suppress_small_cells(frame(few, SEVEN)).rows}
    assert values(rows["Few"])[0] == 9 and values(rows["Few"])[4] == 12
    hidden = [rows["Few"].engaged_learners, rows["Few"].engaged_share,
              rows["Few"].completions_period, rows["Few"].modules_per_learner,
              rows["Few"].average_score]  # fmt: skip
    assert all(cell == Cell(None, "small") for cell in hidden)
    # 2 hidden engaged learners: the total's activity would give them away.
    total = suppress_small_cells(frame(few, SEVEN)).total
    assert total.active_learners == Cell(16)
    assert total.completions_period == Cell(None, "complement")


def test_a_small_span_between_two_periods_hides_what_subtracting_them_would_reveal():
    # 30 days: 6 completions by 6 learners; the year adds one learner's completion.
    # Showing both would give that learner's score by subtraction: the period's
    # activity and score are hidden (the page of each period applies the same rule).
    recent = {**team("Content", 6, engaged=6, period=6, all_=7, modules=6,
                     scores=(60, 70, 80, 90, 100, 100)), "span_small": True,
              "span_score_small": True}  # fmt: skip
    table = suppress_small_cells(pd.DataFrame([recent]))
    row = table.rows[0]
    assert row.active_learners == Cell(6) and row.completions_all == Cell(7)
    assert row.completions_period == Cell(None, "small")
    assert row.average_score == Cell(None, "small")
    assert table.total.completions_period == Cell(None, "complement")


def test_a_small_scored_span_hides_only_the_score():
    scored_span = {**SEVEN, "span_small": False, "span_score_small": True}
    row = suppress_small_cells(pd.DataFrame([scored_span])).rows[0]
    assert values(row)[:6] == [7, 7, 1.0, 14, 20, 2.0]
    assert row.average_score == Cell(None, "small")
