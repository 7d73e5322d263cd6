"""Known answers for the effect isolation: OLS equivalence, fallbacks, outliers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lms_roi.analytics import RoiParams, did_effect, estimate_effect, participant_effect
from lms_roi.analytics.stats import robust_z, t_critical

T = pd.Timestamp("2026-03-02")


def _treated(changes, t=T, **extra):
    return pd.DataFrame(
        {"learner_id": range(1, len(changes) + 1), "t": t, "change": changes, **extra}
    )


def _controls(changes, t=T, first_id=100):
    return pd.DataFrame(
        {"t": t, "learner_id": range(first_id, first_id + len(changes)), "change": changes}
    )


def test_one_date_equals_ols_of_change_on_a_treated_dummy():
    treated = [5.0, 7.0, 6.0, 9.0, 8.0, 4.0]
    controls = [1.0, 2.0, 0.0, 3.0, 1.5, 2.5, 0.5]
    estimate = did_effect(_treated(treated), _controls(controls), direction=1, min_control=5)
    # OLS by hand: change = a + b * treated; b = difference of means.
    y = np.array(treated + controls)
    x = np.column_stack([np.ones(len(y)), [1] * len(treated) + [0] * len(controls)])
    beta, residuals, *_ = np.linalg.lstsq(x, y, rcond=None)
    sigma2 = residuals[0] / (len(y) - 2)
    se = math.sqrt(sigma2 * np.linalg.inv(x.T @ x)[1, 1])
    assert estimate.effect == pytest.approx(beta[1])  # 6.5 - 1.5 = 5.0
    assert estimate.effect == pytest.approx(5.0)
    assert estimate.std_error == pytest.approx(se)
    assert estimate.ci_low == pytest.approx(5.0 - 2.201 * se)  # t(0.975, 11 df)
    assert estimate.ci_high == pytest.approx(5.0 + 2.201 * se)
    assert (estimate.n_treated, estimate.n_control, estimate.isolation) == (6, 7, "control_group")


def test_hand_computed_standard_error():
    # treated 2, 4, 6 (mean 4, SS 8); controls 1, 1, 2, 2, 4 (mean 2, SS 6); df 6
    estimate = did_effect(_treated([2.0, 4.0, 6.0]), _controls([1.0, 1.0, 2.0, 2.0, 4.0]), 1, 5)
    s2 = (8 + 6) / 6
    assert estimate.effect == pytest.approx(2.0)
    assert estimate.std_error == pytest.approx(math.sqrt(s2 * (1 / 3 + 1 / 5)))


def test_lower_is_better_turns_a_drop_into_a_positive_effect():
    estimate = did_effect(
        _treated([-6.0, -4.0]), _controls([-1.0] * 5), direction=-1, min_control=5
    )
    assert estimate.effect == pytest.approx(4.0)


def test_each_treated_learner_is_compared_with_controls_of_their_own_dates():
    t2 = pd.Timestamp("2026-05-04")
    treated = pd.concat([_treated([10.0]), _treated([3.0], t=t2).assign(learner_id=2)])
    controls = pd.concat([_controls([8.0] * 5), _controls([1.0] * 5, t=t2, first_id=200)])
    estimate = did_effect(treated, controls, 1, 5)
    assert estimate.effect == pytest.approx(((10 - 8) + (3 - 1)) / 2)
    assert estimate.n_control == 10


def test_dates_with_too_few_controls_do_not_count():
    t2 = pd.Timestamp("2026-05-04")
    treated = pd.concat([_treated([10.0]), _treated([50.0], t=t2).assign(learner_id=2)])
    controls = pd.concat([_controls([8.0] * 5), _controls([1.0] * 4, t=t2, first_id=200)])
    estimate = did_effect(treated, controls, 1, 5)
    assert estimate.effect == pytest.approx(2.0)
    assert estimate.learners == [1]
    assert did_effect(_treated([1.0]), _controls([0.0] * 4), 1, 5) is None


def test_no_data_means_no_improvement():
    estimate = did_effect(_treated([6.0, np.nan, np.nan]), _controls([1.0] * 5), 1, 5)
    assert estimate.n_treated == 1 and estimate.learners == [1]


def test_participant_estimate_fallback():
    treated = _treated(
        [10.0, 20.0, 8.0], attribution_pct=[50.0, 25.0, np.nan], confidence_pct=[80.0, 60.0, np.nan]
    )
    estimate = participant_effect(treated, direction=1)
    # 10 x .5 x .8 = 4; 20 x .25 x .6 = 3; no estimate -> 0: mean 7/3
    assert estimate.isolation == "participant_estimate"
    assert estimate.effect == pytest.approx(7 / 3)
    assert estimate.n_treated == 3 and estimate.n_control == 0


def test_without_controls_or_estimates_the_effect_is_unknown():
    treated = _treated([10.0, 20.0], attribution_pct=[np.nan] * 2, confidence_pct=[np.nan] * 2)
    estimate = estimate_effect(treated, _controls([1.0] * 3), 1, RoiParams())
    assert (estimate.isolation, estimate.effect, estimate.n_treated) == ("none", None, 2)


def test_outliers_are_flagged_and_only_excluded_on_request():
    treated = _treated(
        [5.0, 6.0, 7.0, 5.5, 400.0], attribution_pct=[np.nan] * 5, confidence_pct=[np.nan] * 5
    )
    controls = _controls([1.0, 2.0, 1.5, 0.5, 1.0, 2.0])
    kept = estimate_effect(treated, controls, 1, RoiParams())
    assert kept.n_outliers == 1 and kept.n_treated == 5
    excluded = estimate_effect(treated, controls, 1, RoiParams(exclude_outliers=True))
    assert excluded.n_outliers == 1 and excluded.n_treated == 4
    assert excluded.effect == pytest.approx(5.875 - 8 / 6)


def test_robust_z_and_t_table():
    z = robust_z(pd.Series([1.0, 2.0, 3.0, 4.0, 100.0]))
    # median 3, MAD 1: z(100) = 0.6745 x 97
    assert z.iloc[-1] == pytest.approx(0.6745 * 97)
    assert robust_z(pd.Series([2.0, 2.0, 2.0])).tolist() == [0.0, 0.0, 0.0]
    assert t_critical(11) == 2.201
    assert t_critical(10_000) == pytest.approx(1.96, abs=1e-3)
    assert 2.042 > t_critical(35) > 2.021
