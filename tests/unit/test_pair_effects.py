"""The vectorised estimate of a pair equals the DataFrame functions on explicit control rows.

The report computes every module x KPI pair from shared panels (``panel``,
``pair_effects``, ``outlier_pool``); here each random case is also computed the
long way — every control's change on every completion day, then
``estimate_effect`` and ``placebo_effect`` — and the two must agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lms_roi.analytics.diagnostics import placebo_effect, placebo_windows
from lms_roi.analytics.effects import RoiParams, eligible_controls, estimate_effect
from lms_roi.analytics.estimate import _estimate_kpi
from lms_roi.analytics.outlier_pool import ChangePool
from lms_roi.analytics.pair_effects import PairInput
from lms_roi.analytics.panel import KpiPanel, Windows, day_numbers, placebo_bounds, real_bounds

MONTHS = pd.date_range("2025-01-01", periods=16, freq="MS")
NO_FOLLOW_UPS = pd.DataFrame(
    columns=["learner_id", "module_id", "attribution_pct", "confidence_pct"]
)


def _case(seed: int, *, integers: bool = False):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 70))
    values = pd.DataFrame(
        [(i, m, float(rng.normal(50 + i % 7, 4))) for i in range(1, n + 1) for m in MONTHS],
        columns=["learner_id", "period_start", "value"],
    )
    values = values.sample(frac=0.9, random_state=seed).reset_index(drop=True)
    if integers:  # many ties: the MAD can be 0, then the mean absolute deviation serves
        values["value"] = (values["value"] // 40).astype(float)
    wild = rng.choice(values.index, size=3, replace=False)
    values.loc[wild, "value"] += rng.choice([-1, 1], 3) * 300
    completers = rng.choice(np.arange(1, n + 12), size=int(rng.integers(3, 25)), replace=False)
    days = pd.Timestamp("2025-03-01") + pd.to_timedelta(
        rng.integers(0, 300, len(completers)), unit="D"
    )
    first = pd.DataFrame({"learner_id": completers, "t": days}).sort_values(["t", "learner_id"])
    # Treated: the learners of one version (a subset of the module's completers).
    treated = first[rng.random(len(first)) < 0.8].reset_index(drop=True)
    return values, first.reset_index(drop=True), treated


def _reference(values, first, treated, direction, params):
    """The long way: every learner's change on every completion day, then the §7 functions."""

    def changes(bounds):
        rows = []
        for t in treated["t"].unique():
            w = bounds(pd.Series([t])).iloc[0]
            for learner, own in values.groupby("learner_id"):
                p = own["period_start"]
                pre = own.loc[(p >= w["pre_lo"]) & (p < w["pre_hi"]), "value"]
                post = own.loc[(p >= w["post_lo"]) & (p < w["post_hi"]), "value"]
                change = post.mean() - pre.mean() if len(pre) and len(post) else np.nan
                rows.append((t, learner, change))
        return pd.DataFrame(rows, columns=["t", "learner_id", "change"])

    real = changes(params.windows)
    completed_on = first.set_index("learner_id")["t"]
    frame = treated[["learner_id", "t"]].merge(real, on=["t", "learner_id"], how="left")
    frame = frame.assign(attribution_pct=np.nan, confidence_pct=np.nan)
    controls = eligible_controls(real, completed_on, params)
    result = estimate_effect(frame, controls, direction, params)
    placebo = changes(lambda t: placebo_windows(t, params))
    if params.exclude_outliers:
        placebo = placebo[~placebo["learner_id"].isin(result.outliers)]
    test = placebo_effect(frame, placebo, completed_on, direction, params)
    return result, test


def _vectorised(values, first, treated, direction, params):
    panel = KpiPanel.build(
        values["learner_id"].to_numpy(), day_numbers(values["period_start"]), values["value"]
    )
    days = np.unique(day_numbers(treated["t"]))
    real = Windows(panel, days, real_bounds(days, params))
    placebo = Windows(panel, days, placebo_bounds(days, params))
    completers = first[panel.index(first["learner_id"].to_numpy()) >= 0]
    pair = PairInput(
        treated["learner_id"].to_numpy(dtype=np.int64),
        panel.index(treated["learner_id"].to_numpy()),
        day_numbers(treated["t"]),
        panel.index(completers["learner_id"].to_numpy()),
        day_numbers(completers["t"]),
        direction,
    )
    pool = ChangePool(real.changes)
    (done,) = _estimate_kpi(real, placebo, pool, panel.learners, [pair], params)
    if done.result is not None:
        done.result.n_outliers, done.result.outliers = len(done.outliers), done.outliers
    return done.result, done.placebo


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("exclude", [False, True])
def test_a_pair_gives_the_same_answer_as_the_explicit_control_rows(seed, exclude):
    values, first, treated = _case(seed, integers=seed % 3 == 2)
    direction = -1 if seed % 2 else 1
    params = RoiParams(exclude_outliers=exclude, min_control=3 + seed % 4)
    expected, expected_placebo = _reference(values, first, treated, direction, params)
    result, placebo = _vectorised(values, first, treated, direction, params)
    assert (result.isolation, result.n_treated, result.n_control) == (
        expected.isolation,
        expected.n_treated,
        expected.n_control,
    )
    assert (result.n_outliers, result.outliers) == (expected.n_outliers, expected.outliers)
    assert sorted(result.learners) == sorted(expected.learners)
    for name in ("effect", "std_error", "ci_low", "ci_high"):
        assert getattr(result, name) == pytest.approx(getattr(expected, name), rel=1e-9), name
    assert (placebo is None) == (expected_placebo is None)
    if placebo is not None:
        assert (placebo.n_treated, placebo.n_control) == (
            expected_placebo.n_treated,
            expected_placebo.n_control,
        )
        assert placebo.effect == pytest.approx(expected_placebo.effect, rel=1e-9)
        assert placebo.std_error == pytest.approx(expected_placebo.std_error, rel=1e-9)


def test_the_cases_cover_outliers_and_ties():
    # The equivalence above means something only if outliers are found and left out.
    flagged = 0
    for seed in range(8):
        values, first, treated = _case(seed, integers=seed % 3 == 2)
        result, _ = _vectorised(values, first, treated, 1, RoiParams())
        flagged += result.n_outliers
    assert flagged >= 8


@pytest.mark.parametrize("seed", range(6))
def test_a_batch_of_pairs_gives_each_pair_its_own_answer(seed, monkeypatch):
    # Several units of one KPI computed together (in chunks of a few pairs) must each get
    # what the pair-by-pair functions give them alone.
    from lms_roi.analytics import batch_did
    from lms_roi.analytics.batch_did import PairBatch, did_batch
    from lms_roi.analytics.outlier_batch import outlier_rows_batch
    from lms_roi.analytics.pair_effects import did, outlier_rows, treated_changes

    monkeypatch.setattr(batch_did, "CHUNK_ELEMENTS", 40)
    values, first, _ = _case(seed, integers=seed % 3 == 2)
    params = RoiParams(min_control=3 + seed % 3)
    panel = KpiPanel.build(
        values["learner_id"].to_numpy(), day_numbers(values["period_start"]), values["value"]
    )
    rng = np.random.default_rng(seed)
    completers = first[panel.index(first["learner_id"].to_numpy()) >= 0]
    pairs = []
    for _ in range(5):
        treated = first[rng.random(len(first)) < 0.6]
        if not len(treated):
            treated = first.iloc[:1]
        pairs.append(
            PairInput(
                treated["learner_id"].to_numpy(dtype=np.int64),
                panel.index(treated["learner_id"].to_numpy()),
                day_numbers(treated["t"]),
                panel.index(completers["learner_id"].to_numpy()),
                day_numbers(completers["t"]),
                1,
            )
        )
    days = np.unique(np.concatenate([p.days for p in pairs]))
    real = Windows(panel, days, real_bounds(days, params))
    pool = ChangePool(real.changes)
    batch = PairBatch.of(pairs)
    change = batch.treated_changes(real)
    flagged = outlier_rows_batch(real, pool, batch, change, len(pairs), params)
    estimates = did_batch(real, batch, change, len(pairs), params)
    none = np.empty(0, dtype=np.int64)
    for pair, rows, result in zip(pairs, flagged, estimates, strict=True):
        alone = treated_changes(real, pair)
        assert rows.tolist() == outlier_rows(real, pool, pair, alone, params).tolist()
        expected = did(real, pair, alone, none, params)
        assert (result is None) == (expected is None)
        if result is not None:
            assert (result.n_treated, result.n_control, result.learners) == (
                expected.n_treated,
                expected.n_control,
                expected.learners,
            )
            assert result.effect == pytest.approx(expected.effect, rel=1e-9)
            assert result.std_error == pytest.approx(expected.std_error, rel=1e-9)
