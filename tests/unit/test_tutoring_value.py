"""Does tutoring pay? Known answers written by hand, on small frames and then on the database.

Mentees are learners 1-10, non-mentees 11-20 in the frame tests.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from factories import make_completion, make_kpi, make_module, make_pair, make_person
from factories import make_session as make_tutoring_session
from lms_roi.analytics.effects import RoiParams
from lms_roi.analytics.knowledge import knowledge_gain
from lms_roi.analytics.stats import t_critical
from lms_roi.analytics.tutoring_value import (
    _pooled,
    compare_means,
    kpi_effects,
    normalised_gains,
    overall,
    tutoring_value,
)
from tutoring_value_factories import DONE, build_organisation

MENTEES = set(range(1, 11))


def completed(module_id: int, flags: dict[int, int]) -> pd.DataFrame:
    """Rows of ``learner_id -> completed (0/1)`` for one module, as percent values."""
    return pd.DataFrame(
        {
            "learner_id": list(flags),
            "module_id": module_id,
            "value": [100.0 * v for v in flags.values()],
        }
    )


@pytest.fixture
def rates() -> pd.DataFrame:
    """Completion rates of five modules; 1 and 3 have enough learners on both sides."""
    frames = [
        # module 1: mentees 4 of 5 (80 %), non-mentees 3 of 6 (50 %)
        completed(1, {1: 1, 2: 1, 3: 1, 4: 1, 5: 0, 11: 1, 12: 1, 13: 1, 14: 0, 15: 0, 16: 0}),
        # module 2: only 2 mentees
        completed(2, {1: 1, 2: 1, **{i: 1 for i in range(11, 21)}}),
        # module 3: mentees 6 of 10 (60 %), non-mentees 5 of 5 (100 %)
        completed(3, {**{i: int(i <= 6) for i in range(1, 11)}, **{i: 1 for i in range(11, 16)}}),
        # module 4: 4 and 3; module 5: 5 mentees but 4 non-mentees
        completed(4, {1: 1, 2: 1, 3: 1, 4: 1, 11: 1, 12: 1, 13: 1}),
        completed(5, {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 11: 1, 12: 1, 13: 1, 14: 1}),
    ]
    return compare_means(pd.concat(frames, ignore_index=True), MENTEES)


def test_completion_rates_per_module(rates):
    assert rates.loc[1].to_dict() == {
        "n_mentees": 5,
        "n_others": 6,
        "mentees": 80.0,
        "others": 50.0,
        "difference": 30.0,
        "reason": None,
    }
    assert rates.loc[3, ["mentees", "others", "difference"]].tolist() == [60.0, 100.0, -40.0]


def test_groups_under_five_are_not_shown_and_say_why(rates):
    assert rates["reason"].to_dict() == {
        1: None,
        2: "too_few_mentees",
        3: None,
        4: "too_few_on_both_sides",
        5: "too_few_others",
    }
    hidden = rates.loc[[2, 4, 5]]
    assert hidden[["mentees", "others", "difference"]].isna().all().all()
    assert hidden[["n_mentees", "n_others"]].values.tolist() == [[2, 10], [4, 3], [5, 4]]


def test_overall_weights_each_module_by_its_mentees(rates):
    comparison, n_modules = overall(rates)
    assert n_modules == 2
    # weights 5/15 and 10/15 for both groups (the hidden modules do not count)
    assert comparison.mentees == pytest.approx((5 * 80 + 10 * 60) / 15, rel=1e-15)
    assert comparison.others == pytest.approx((5 * 50 + 10 * 100) / 15, rel=1e-15)
    assert comparison.difference == pytest.approx(-50 / 3, rel=1e-12)
    # the raw pooled rate of non-mentees would be 8 / 11: not what is compared
    assert comparison.others != pytest.approx(800 / 11)
    assert (comparison.n_mentees, comparison.n_others, comparison.reason) == (15, 11, None)


def test_overall_without_any_module_shown(rates):
    comparison, n_modules = overall(rates.loc[[2, 4, 5]])
    assert (n_modules, comparison.reason, comparison.difference) == (0, "no_module_shown", None)


def test_normalised_gain_is_the_one_of_knowledge_py():
    scores = pd.DataFrame(
        {"pre": [50.0, 20.0, 100.0, 80.0, None, 0.0], "post": [75.0, 60.0, 100.0, 70.0, 90.0, 45.0]}
    )
    gains = normalised_gains(scores)
    assert gains.iloc[[0, 1, 3, 5]].tolist() == [0.5, 0.5, -0.5, 0.45]
    assert math.isnan(gains.iloc[2]) and math.isnan(gains.iloc[4])  # nothing left; no pre-test
    for (pre, post), gain in zip(scores.itertuples(index=False), gains, strict=True):
        expected = knowledge_gain(None if pd.isna(pre) else pre, post)
        assert (expected is None or expected.normalised is None) == math.isnan(gain)
        if not math.isnan(gain):
            assert gain == expected.normalised


def changes(module_id, kpi_id, values: dict[int, float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "learner_id": list(values),
            "module_id": module_id,
            "kpi_id": kpi_id,
            "change": [np.nan if v is None else v for v in values.values()],
        }
    )


def test_kpi_effect_is_the_difference_in_differences_of_mentees_and_others():
    # mentees change 2, 4, 6, 8, 10 (mean 6), non-mentees 1..5 (mean 3): effect 3.
    # Pooled variance (40 + 10) / 8 = 6.25, standard error sqrt(6.25 / 5 + 6.25 / 5).
    frame = pd.concat(
        [
            changes(1, 7, {1: 2, 2: 4, 3: 6, 4: 8, 5: 10, 6: None, 11: 1, 12: 2, 13: 3}),
            changes(1, 7, {14: 4, 15: 5, 16: None}),
            changes(1, 8, {1: 2, 2: 4, 3: 6, 4: 8, 5: 10, 11: 1, 12: 2, 13: 3, 14: 4, 15: 5}),
        ]
    )
    effects = kpi_effects(frame, MENTEES, pd.Series({7: 1, 8: -1})).set_index("kpi_id")
    row = effects.loc[7]
    assert (row["n_mentees"], row["n_others"]) == (5, 5)  # learners without data left out
    assert (row["mentees"], row["others"], row["difference"]) == (6.0, 3.0, 3.0)
    assert row["std_error"] == pytest.approx(math.sqrt(2.5), rel=1e-12)
    margin = t_critical(8) * math.sqrt(2.5)
    assert t_critical(8) == pytest.approx(2.306, abs=1e-3)  # Student t, 8 dof, 0.975
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((3 - margin, 3 + margin), rel=1e-12)
    # Lower is better for KPI 8: the same changes are an effect of -3.
    assert effects.loc[8, "difference"] == -3.0
    # It is the OLS coefficient of a mentee dummy, with its classical standard error.
    y = np.array([2, 4, 6, 8, 10, 1, 2, 3, 4, 5], dtype=float)
    x = np.column_stack([np.ones(10), [1] * 5 + [0] * 5])
    beta, residuals, *_ = np.linalg.lstsq(x, y, rcond=None)
    se = math.sqrt(residuals[0] / 8 * np.linalg.inv(x.T @ x)[1, 1])
    assert (beta[1], se) == pytest.approx((3.0, row["std_error"]), rel=1e-9)


def test_overall_kpi_effect_pools_modules_by_mentees():
    # module 1: effect 6 - 3 = 3 with 5 mentees; module 2: 10 mentees of change 2 against
    # 5 others of change 1, effect 1. Pooled: (5 x 3 + 10 x 1) / 15 = 5/3, worth 5/3 x 12 x 100.
    frame = pd.concat(
        [
            changes(1, 7, {1: 2, 2: 4, 3: 6, 4: 8, 5: 10, 11: 1, 12: 2, 13: 3, 14: 4, 15: 5}),
            changes(2, 7, {**{i: 2 for i in range(1, 11)}, **{i: 1 for i in range(11, 16)}}),
        ]
    )
    effects = kpi_effects(frame, MENTEES, pd.Series({7: 1}))
    kpis = pd.DataFrame(
        {"key": ["leads"], "name": ["Leads"], "unit": ["count"], "period": ["month"]},
        index=pd.Index([7], name="kpi_id"),
    ).assign(value_per_unit=100.0)
    [pooled] = _pooled(effects, kpis, RoiParams())
    assert (pooled.kpi, pooled.n_modules) == ("leads", 2)
    assert pooled.comparison.difference == pytest.approx(5 / 3, rel=1e-12)
    assert (pooled.comparison.n_mentees, pooled.comparison.n_others) == (15, 10)
    # module 2 has no spread: se 0; the pooled se is 5/15 x sqrt(2.5), normal 95 % interval
    se = 5 / 15 * math.sqrt(2.5)
    assert pooled.comparison.ci_low == pytest.approx(5 / 3 - 1.96 * se, rel=1e-12)
    assert pooled.comparison.value_per_mentee == pytest.approx(5 / 3 * 12 * 100, rel=1e-12)
    # one module only: its own figures, Student-t interval included
    [single] = _pooled(effects[effects["module_id"] == 1], kpis, RoiParams())
    assert single.comparison.ci_low == effects.loc[0, "ci_low"]
    assert single.comparison.std_error == pytest.approx(math.sqrt(2.5), rel=1e-12)


def test_kpi_effect_needs_five_learners_with_data_on_each_side():
    frame = changes(1, 7, {1: 2, 2: 4, 3: 6, 4: 8, 5: None, 11: 1, 12: 2, 13: 3, 14: 4, 15: 5})
    [row] = kpi_effects(frame, MENTEES, pd.Series({7: 1})).to_dict("records")
    assert (row["n_mentees"], row["n_others"], row["reason"]) == (4, 5, "too_few_mentees")
    assert pd.isna(row["difference"]) and pd.isna(row["std_error"])


# -- on the database ---------------------------------------------------------------------------
def test_tutoring_value_on_known_data(ctx):
    build_organisation()
    value = tutoring_value()
    [module] = value.modules
    assert module.module == "coaching"
    c = module.completion
    assert (c.n_mentees, c.n_others) == (6, 7)
    assert c.mentees == pytest.approx(500 / 6, rel=1e-15)
    assert c.others == pytest.approx(500 / 7, rel=1e-15)
    assert c.difference == pytest.approx(500 / 6 - 500 / 7, rel=1e-12)
    g = module.gain
    assert (g.n_mentees, g.n_others) == (5, 5)
    assert (g.mentees, g.others, g.difference) == pytest.approx((0.5, 0.2, 0.3), rel=1e-12)
    [kpi] = module.kpis
    e = kpi.comparison
    assert (kpi.kpi, e.n_mentees, e.n_others) == ("leads", 5, 5)
    assert (e.mentees, e.others, e.difference) == pytest.approx((6.0, 3.0, 3.0), rel=1e-12)
    assert e.std_error == pytest.approx(math.sqrt(2.5), rel=1e-12)
    assert e.value_per_mentee == pytest.approx(3 * 12 * 100, rel=1e-12)  # a year of 3 leads
    # Overall: one module, so the same figures; the KPI pooled over that module.
    assert value.completion.difference == pytest.approx(c.difference, rel=1e-12)
    assert value.n_modules == {"completion": 1, "gain": 1}
    [pooled] = value.kpis
    assert pooled.comparison.difference == pytest.approx(3.0) and pooled.n_modules == 1
    assert pooled.comparison.ci_low == e.ci_low  # one module: its own interval
    cost = value.cost
    assert (cost.n_mentees, cost.n_sessions, cost.minutes) == (6, 6, 90 + 5 * 30)
    assert cost.cost == pytest.approx(160.0, rel=1e-15)
    assert cost.cost_per_mentee == pytest.approx(160 / 6, rel=1e-15)


def test_a_small_organisation_shows_no_comparison(ctx):
    leads = make_kpi("leads")
    module = make_module("coaching", kpis={leads: 1.0})
    tom = make_person("tom@example.com", roles=("learner", "tutor"), password=None)
    tom.hourly_cost = Decimal("60")
    for i in range(3):
        person = make_person(f"m{i}@example.com", password=None)
        make_tutoring_session(make_pair(tom, person), date(2026, 3, 2), minutes=60)
        make_completion(person, module, DONE)
    for i in range(8):
        make_completion(make_person(f"n{i}@example.com", password=None), module, DONE)
    value = tutoring_value()
    [row] = value.modules
    assert (row.completion.reason, row.completion.n_mentees, row.completion.n_others) == (
        "too_few_mentees",
        3,
        8,
    )
    assert row.completion.mentees is None and row.completion.difference is None
    assert row.kpis[0].comparison.reason == "too_few_on_both_sides"  # no KPI values at all
    assert value.completion.reason == "no_module_shown" and value.kpis == []
    assert (value.cost.n_mentees, value.cost.cost, value.cost.cost_per_mentee) == (3, 180.0, 60.0)
