"""The placebo test and the power verdicts on module x KPI rows of the ROI report (§7b)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from factories import (
    make_completion,
    make_diverging_trends,
    make_kpi,
    make_kpi_value,
    make_module,
    make_person,
)
from lms_roi.analytics import RoiParams, roi_report
from lms_roi.db import session
from lms_roi.models import Kpi

T_6 = 2.447  # t(0.975) with 6 degrees of freedom: (3 - 1) + (5 - 1)
DONE = datetime(2026, 4, 15, 12, tzinfo=UTC)
MONTHS = [date(2025, m, 1) for m in (10, 11, 12)] + [date(2026, m, 1) for m in range(1, 9)]


def _row(slug: str, params: RoiParams | None = None) -> dict:
    return next(r for r in roi_report("module", params).rows if r["module"] == slug)


def test_diverging_pre_trends_and_a_noisy_effect_are_flagged(ctx):
    make_diverging_trends()
    row = _row("coaching")
    [kpi] = row["kpis"]
    # Placebo: treated p 5, 6, 7 (mean 6, SS 2), colleagues 0..4 (mean 2, SS 10):
    # effect 4, s^2 = 12 / 6 = 2, se = sqrt(2 (1/3 + 1/5)) = sqrt(16/15).
    placebo_se = math.sqrt(16 / 15)
    assert kpi["placebo_effect"] == pytest.approx(4.0, rel=1e-12)
    assert kpi["placebo_ci_low"] == pytest.approx(4 - T_6 * placebo_se, rel=1e-12)
    assert kpi["placebo_ci_high"] == pytest.approx(4 + T_6 * placebo_se, rel=1e-12)
    assert kpi["pre_trend_differs"] is True  # [1.473, 6.527] excludes 0
    # Real: treated c 2, 4, 6 (mean 4, SS 8), colleagues 1, 1, 2, 2, 4 (mean 2, SS 6):
    # effect 2, s^2 = 14 / 6 = 7/3, se = sqrt(7/3 x 8/15) = sqrt(56/45) = 1.115547.
    se = math.sqrt(56 / 45)
    assert (kpi["isolation"], kpi["n_treated"], kpi["n_control"]) == ("control_group", 3, 5)
    assert kpi["effect"] == pytest.approx(2.0, rel=1e-12)
    assert kpi["std_error"] == pytest.approx(se, rel=1e-12)
    assert kpi["ci_low"] == pytest.approx(2 - T_6 * se, rel=1e-12)  # -0.730: includes 0
    assert kpi["underpowered"] is True
    assert kpi["mde"] == pytest.approx(2.8016 * se, rel=1e-12)  # 3.1253
    assert row["flags"] == ["insufficient_data", "pre_trend_differs", "underpowered"]


def test_parallel_trends_are_not_flagged(ctx):
    # Same people, but the completers' pre-trend equals their colleagues' mean (2) and
    # their change is clearly larger: the placebo CI holds 0, the effect's does not.
    leads = make_kpi("leads")
    module = make_module("steady", kpis={leads: 1.0})
    trends = {"t1": (1, 9), "t2": (2, 10), "t3": (3, 11)}
    trends |= {f"c{i}": (i, 0) for i in range(5)}
    for name, (pre_trend, change) in trends.items():
        person = make_person(f"{name}@example.com", password=None)
        if name.startswith("t"):
            make_completion(person, module, DONE)
        for month in MONTHS:
            value = 10 + (pre_trend if month >= date(2026, 2, 1) else 0)
            value += change if month >= date(2026, 6, 1) else 0
            make_kpi_value(person, leads, month, value)
    [kpi] = _row("steady")["kpis"]
    # Placebo: treated 1, 2, 3 (mean 2) vs colleagues 0..4 (mean 2): exactly 0.
    assert kpi["placebo_effect"] == 0.0
    assert kpi["placebo_ci_low"] < 0 < kpi["placebo_ci_high"]
    assert kpi["pre_trend_differs"] is False
    # Effect 10 - 0 = 10, se sqrt((2 + 0) / 6 x 8/15): CI far from 0.
    assert kpi["effect"] == pytest.approx(10.0, rel=1e-12)
    assert kpi["std_error"] == pytest.approx(math.sqrt(2 / 6 * 8 / 15), rel=1e-12)
    assert kpi["underpowered"] is False
    assert "pre_trend_differs" not in _row("steady")["flags"]


def test_power_is_only_judged_with_a_control_group(ctx):
    # Everybody completed: no colleague can serve as control, so no MDE and no verdict.
    leads = make_kpi("leads")
    module = make_module("everyone", kpis={leads: 1.0})
    for i in range(3):
        person = make_person(f"e{i}@example.com", password=None)
        make_completion(person, module, DONE)
        for month in MONTHS:
            make_kpi_value(person, leads, month, 10 + (i if month >= date(2026, 6, 1) else 0))
    [kpi] = _row("everyone")["kpis"]
    assert kpi["isolation"] == "none"
    assert (kpi["mde"], kpi["underpowered"]) == (None, False)
    assert (kpi["placebo_effect"], kpi["pre_trend_differs"]) == (None, False)


def test_excluded_outliers_are_left_out_of_the_placebo_too(ctx):
    # A colleague whose training-window change explodes is an outlier of the real estimate;
    # with --exclude-outliers the placebo leaves the same learner out, although their
    # placebo change (p = 40) would not be flagged there on its own.
    make_diverging_trends()
    wild = make_person("wild@example.com", password=None)
    leads = session().scalar(select(Kpi).where(Kpi.key == "leads"))
    for month in MONTHS:
        value = 10 + (40 if month >= date(2026, 2, 1) else 0)
        make_kpi_value(wild, leads, month, value + (500 if month >= date(2026, 6, 1) else 0))
    kept = _row("coaching")["kpis"][0]
    excluded = _row("coaching", RoiParams(exclude_outliers=True))["kpis"][0]
    # Kept: six colleagues' placebo changes 0, 1, 2, 3, 4, 40 (mean 50/6); excluded: 0..4.
    assert kept["placebo_effect"] == pytest.approx(6 - 50 / 6, rel=1e-12)
    assert excluded["placebo_effect"] == pytest.approx(4.0, rel=1e-12)
    assert excluded["effect"] == pytest.approx(2.0, rel=1e-12)
