"""Known answers for the placebo test, the MDE and the completers planner (DESIGN §7b)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from factories import make_kpi, make_kpi_value, make_person
from lms_roi.analytics import RoiParams
from lms_roi.analytics.diagnostics import (
    completers_needed,
    mde,
    placebo_effect,
    placebo_windows,
    underpowered,
)
from lms_roi.analytics.loader import window_means

T = pd.Timestamp("2026-04-15")
PARAMS = RoiParams()  # pre 90, lag 30, post 90: controls must not complete before t + 120 days


def _placebo(treated_changes, direction=1, controls=(0.0, 1.0, 2.0, 3.0, 4.0)):
    """Treated 1..n completed at T; controls 100.. never did; 200 and 201 completed later.

    200 completed at T + 100 days, inside the real post window: not a control, whatever
    its placebo change (50 would move every answer). 201 completed at T + 200 days, after
    it: a control, with placebo change 2.
    """
    treated_ids = list(range(1, len(treated_changes) + 1))
    control_ids = list(range(100, 100 + len(controls)))
    changes = pd.DataFrame(
        {
            "t": T,
            "learner_id": treated_ids + control_ids + [200, 201],
            "change": [*treated_changes, *controls, 50.0, 2.0],
        }
    )
    first = pd.Series(
        [T] * len(treated_ids) + [T + pd.Timedelta(days=100), T + pd.Timedelta(days=200)],
        index=treated_ids + [200, 201],
    )
    treated = pd.DataFrame({"learner_id": treated_ids, "t": T})
    return placebo_effect(treated, changes, first, direction, PARAMS)


def test_placebo_is_exactly_zero_on_parallel_data():
    # Treated 1, 2, 3 (mean 2, SS 2); controls 0, 1, 2, 3, 4 and 201's 2 (mean 2, SS 10).
    # effect = 2 - 2 = 0; s^2 = (2 + 10) / (2 + 5) = 12/7; se = sqrt(12/7 (1/3 + 1/6)) = sqrt(6/7)
    placebo = _placebo([1.0, 2.0, 3.0])
    se = math.sqrt(6 / 7)
    assert placebo.effect == 0.0
    assert placebo.std_error == pytest.approx(se, rel=1e-12)
    assert placebo.ci_low == pytest.approx(-2.365 * se)  # t(0.975, 7 df)
    assert placebo.ci_high == pytest.approx(2.365 * se)
    assert (placebo.n_treated, placebo.n_control) == (3, 6)
    assert placebo.pre_trend_differs is False


def test_diverging_pre_trends_are_flagged():
    # Treated 5, 6, 7 (mean 6, SS 2) against the same controls (mean 2): effect 4,
    # se sqrt(6/7) = 0.9258, CI 4 -+ 2.365 x 0.9258 = [1.810, 6.190] excludes 0.
    placebo = _placebo([5.0, 6.0, 7.0])
    assert placebo.effect == pytest.approx(4.0)
    assert placebo.ci_low == pytest.approx(4 - 2.365 * math.sqrt(6 / 7))
    assert placebo.ci_low > 0
    assert placebo.pre_trend_differs is True
    # For a lower-is-better KPI the same divergence is -4, CI [-6.190, -1.810]: flagged too.
    lower = _placebo([5.0, 6.0, 7.0], direction=-1)
    assert lower.effect == pytest.approx(-4.0)
    assert lower.ci_high < 0 and lower.pre_trend_differs is True


def test_placebo_needs_the_same_number_of_controls_as_the_estimate():
    # Four never-completers plus 201 make 5 controls: enough; three plus 201 are not.
    assert _placebo([1.0, 2.0], controls=(0.0, 1.0, 2.0, 3.0)) is not None
    assert _placebo([1.0, 2.0], controls=(0.0, 1.0, 2.0)) is None


def test_placebo_windows_move_both_windows_back():
    # 2026-04-15 - 90 days = 2026-01-15; - 180 days = 2025-10-17.
    [w] = placebo_windows(pd.Series([T]), PARAMS).to_dict("records")
    assert w == {
        "pre_lo": pd.Timestamp("2025-10-17"),
        "pre_hi": pd.Timestamp("2026-01-15"),
        "post_lo": pd.Timestamp("2026-01-15"),
        "post_hi": T,
    }


def test_placebo_windows_work_with_the_window_means_query(ctx):
    kpi, person = make_kpi(), make_person()
    months = [date(2025, m, 1) for m in (10, 11, 12)] + [date(2026, m, 1) for m in (1, 2, 3, 4)]
    for start, value in zip(months, [100, 1, 2, 3, 10, 11, 12], strict=True):
        make_kpi_value(person, kpi, start, value)
    windows = placebo_windows(pd.Series([T]), PARAMS).assign(wid=0, kpi_id=kpi.id)
    [row] = window_means(windows).to_dict("records")
    # "pre" [2025-10-17, 2026-01-15): Nov, Dec, Jan -> 2; "post" [01-15, 04-15): Feb-Apr -> 11.
    assert (row["pre_mean"], row["post_mean"]) == (2.0, 11.0)


def test_mde_and_underpowered():
    assert mde(0.5) == pytest.approx(1.4008)  # 2.8016 x 0.5
    assert mde(None) is None
    assert underpowered(-0.1, 2.0) is True
    assert underpowered(0.0, 1.0) is True  # the CI touches 0
    assert underpowered(0.5, 2.0) is False
    assert underpowered(-3.0, -0.2) is False
    assert underpowered(None, None) is False


def test_planner_known_answers():
    # se 2 with 10 completers and 40 controls: sd = 2 / sqrt(1/10 + 1/40) = 2 / sqrt(0.125)
    # = 4 sqrt(2) = 5.656854; 2.8016 sd = 15.848178.
    # delta 5: (5 / 15.848178)^2 = 0.099535; - 1/40 = 0.074535; 1 / 0.074535 = 13.416 -> 14
    plan = completers_needed(2.0, 10, 40, 5.0)
    assert plan.sd == pytest.approx(4 * math.sqrt(2))
    assert plan.completers == 14 and plan.reachable
    # delta 3: (3 / 15.848178)^2 = 0.035833; - 0.025 = 0.010833; 1 / 0.010833 = 92.31 -> 93
    assert completers_needed(2.0, 10, 40, 3.0).completers == 93
    # A negative delta asks for the same size of effect.
    assert completers_needed(2.0, 10, 40, -5.0).completers == 14


def test_planner_unreachable_with_the_current_controls():
    # delta 2: (2 / 15.848178)^2 = 0.015926 < 1/40: no number of completers is enough.
    # The floor is 2.8016 sd sqrt(1/40) = 15.848178 / 6.324555 = 2.505827.
    plan = completers_needed(2.0, 10, 40, 2.0)
    assert plan.completers is None and not plan.reachable
    assert plan.floor == pytest.approx(2.505827, abs=1e-6)
    assert plan.n_control == 40


def test_planner_is_consistent_with_the_current_mde():
    # Detecting exactly today's MDE needs exactly today's completers:
    # bracket = (se / sd)^2 - 1/n_C = 1/n_T, so n_T comes back (float noise absorbed).
    for se, n_t, n_c in [(2.0, 10, 40), (0.37, 7, 5), (1.3, 123, 456)]:
        assert completers_needed(se, n_t, n_c, mde(se)).completers == n_t


def test_planner_edge_cases():
    assert completers_needed(0.0, 10, 10, 1.0).completers == 1  # no noise: one completer
    with pytest.raises(ValueError):
        completers_needed(2.0, 10, 40, 0.0)
    with pytest.raises(ValueError):
        completers_needed(2.0, 0, 40, 1.0)
    with pytest.raises(ValueError):
        completers_needed(None, 10, 40, 1.0)
