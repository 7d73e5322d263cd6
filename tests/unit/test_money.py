"""Known answers for money: annualisation, claims, fully loaded costs, ROI metrics."""

from __future__ import annotations

import pandas as pd
import pytest

from lms_roi.analytics import annual_value, attribution_claims, module_costs, roi_metrics


def test_worked_example_metrics():
    # DESIGN §7 reads 76.47 %, 1.76 and 6.8 months; the data keeps every digit (§7b).
    metrics = roi_metrics(750_000, 425_000)
    assert metrics == {
        "net_benefit": 325_000,
        "roi_pct": 325_000 / 425_000 * 100,
        "bcr": 750_000 / 425_000,
        "payback_months": 425_000 / (750_000 / 12),
    }
    assert repr(metrics["roi_pct"]) == "76.47058823529412"
    assert (round(metrics["roi_pct"], 2), round(metrics["bcr"], 2)) == (76.47, 1.76)
    assert metrics["payback_months"] == 6.8


def test_undefined_metrics_are_none():
    assert roi_metrics(1000, 0) == {
        "net_benefit": 1000,
        "roi_pct": None,
        "bcr": None,
        "payback_months": 0.0,
    }
    assert roi_metrics(-50, 100)["payback_months"] is None


@pytest.mark.parametrize(
    ("period", "expected"),
    [("day", 2 * 365 * 10), ("week", 2 * 52 * 10), ("month", 2 * 12 * 10), ("quarter", 2 * 4 * 10)],
)
def test_annualisation_by_period(period, expected):
    assert annual_value(2, period, 12, 10) == expected


def test_horizon_scales_benefits():
    assert annual_value(2, "month", 6, 10) == 120


def test_claims_are_weights_scaled_down_only_above_one():
    first = pd.DataFrame({"learner_id": [1, 1, 2], "module_id": [10, 11, 10]})
    links = pd.DataFrame({"module_id": [10, 11], "kpi_id": [5, 5], "weight": [1.0, 0.5]})
    claims = attribution_claims(first, links).set_index(["learner_id", "module_id"])["claim"]
    # learner 1 took both: 1 + 0.5 = 1.5 claimed, scaled to 2/3 and 1/3
    assert claims[(1, 10)] == pytest.approx(2 / 3)
    assert claims[(1, 11)] == pytest.approx(1 / 3)
    # learner 2 took one module: its weight stands
    assert claims[(2, 10)] == 1.0
    half = pd.DataFrame({"module_id": [10, 11], "kpi_id": [5, 5], "weight": [0.5, 0.5]})
    assert attribution_claims(first, half)["claim"].tolist() == [0.5, 0.5, 0.5]


def test_fully_loaded_costs():
    completions = pd.DataFrame({"module_id": [1, 1, 2], "learner_id": [7, 8, 7]})
    modules = pd.DataFrame({"module_id": [1, 2, 3], "duration_minutes": [90, 30, 60]})
    learners = pd.DataFrame({"learner_id": [7, 8], "hourly_cost": [40.0, 60.0]})
    items = pd.DataFrame(
        {
            "module_id": [1, 1, None, None],
            "program_id": [None, None, 100, 100],
            "category": ["development", "delivery", "analysis", "delivery"],
            "basis": ["fixed", "per_learner", "fixed", "per_learner"],
            "amount": [1000.0, 50.0, 600.0, 10.0],
        }
    )
    steps = pd.DataFrame({"program_id": [100, 100], "module_id": [1, 2]})
    tutoring = pd.DataFrame({"program_id": [100], "tutoring_cost": [300.0]})
    costs = module_costs(completions, modules, learners, items, steps, tutoring)
    # program 100: 600 fixed + 10 x 2 learners reached + 300 tutoring = 920, 460 per module
    assert costs.loc[1, "fixed"] == 1000
    assert costs.loc[1, "per_learner"] == 100  # 50 x 2 completions
    assert costs.loc[1, "participant_time"] == 1.5 * 40 + 1.5 * 60
    assert costs.loc[1, "program_share"] == 460
    assert costs.loc[1, "cost"] == 1000 + 100 + 150 + 460
    assert costs.loc[2, "cost"] == 0.5 * 40 + 460
    assert costs.loc[3, "cost"] == 0 and costs.loc[3, "n_completions"] == 0
