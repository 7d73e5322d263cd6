"""Effects and benefits of every module (or module version) on every KPI it targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import loader
from .diagnostics import Placebo, mde, underpowered
from .effects import EffectEstimate, RoiParams, participant_effect
from .money import annual_value, attribution_claims, module_costs
from .outlier_pool import ChangePool
from .pair_effects import PairInput, did, outlier_rows, treated_changes
from .panel import KpiPanel, Windows, day_numbers, placebo_bounds, real_bounds


@dataclass
class RoiInputs:
    """Everything the ROI analysis reads from the database, as DataFrames."""

    completions: pd.DataFrame
    modules: pd.DataFrame
    kpis: pd.DataFrame
    module_kpis: pd.DataFrame
    learners: pd.DataFrame
    cost_items: pd.DataFrame
    program_modules: pd.DataFrame
    tutoring: pd.DataFrame
    follow_ups: pd.DataFrame

    @classmethod
    def load(cls) -> RoiInputs:
        return cls(
            loader.completions(),
            loader.modules(),
            loader.kpis(),
            loader.module_kpis(),
            loader.learners(),
            loader.cost_items(),
            loader.program_modules(),
            loader.tutoring_cost_by_program(),
            loader.follow_up_estimates(),
        )

    def first_completions(self) -> pd.DataFrame:
        """Each learner's first completion of each module (the treatment date ``t``)."""
        ordered = self.completions.sort_values(["t", "id"])
        return ordered.drop_duplicates(["learner_id", "module_id"])[
            ["learner_id", "module_id", "version", "t"]
        ]

    def costs(self) -> pd.DataFrame:
        return module_costs(
            self.completions,
            self.modules,
            self.learners,
            self.cost_items,
            self.program_modules,
            self.tutoring,
        )


#: Columns of :attr:`Estimates.effects`, one row per (unit, KPI).
EFFECT_COLUMNS = [
    "unit",
    "module_id",
    "kpi_id",
    "kpi",
    "isolation",
    "n_treated",
    "n_control",
    "effect",
    "std_error",
    "ci_low",
    "ci_high",
    "n_outliers",
    "benefit",
    "mde",
    "underpowered",
    "placebo_effect",
    "placebo_std_error",
    "placebo_ci_low",
    "placebo_ci_high",
    "placebo_n_treated",
    "placebo_n_control",
    "pre_trend_differs",
]


@dataclass
class Estimates:
    """Per (unit, KPI): the effect; per learner: the change and the benefit carried."""

    effects: pd.DataFrame  # EFFECT_COLUMNS: effect, CI, benefit, power and placebo test
    learner_benefits: pd.DataFrame  # learner_id, module_id, kpi_id, claim, unit, benefit
    treated_changes: pd.DataFrame  # learner_id, change, unit, module_id, kpi_id


def estimate(
    inputs: RoiInputs,
    params: RoiParams,
    *,
    by_version: bool = False,
    module_ids: list[int] | None = None,
) -> Estimates:
    """Isolate each unit's effect on each linked KPI and convert it into money.

    A unit is a module, or a (module, version) pair with ``by_version``; a
    learner belongs to the version of their first completion. Each effect
    comes with its diagnostics (DESIGN §7b): the placebo test on windows before
    training, the minimum detectable effect and the ``underpowered`` verdict.

    All pairs of a KPI share one read of its values and one computation of
    every learner's change per window signature (:mod:`.panel`); each pair
    then only touches its own completers (:mod:`.pair_effects`).
    """
    first = inputs.first_completions().reset_index(drop=True)
    first["unit"] = (
        list(zip(first["module_id"], first["version"], strict=True))
        if by_version
        else first["module_id"]
    )
    pairs = (
        first[["unit", "module_id"]]
        .drop_duplicates("unit")
        .merge(inputs.module_kpis, on="module_id")
    )
    if module_ids is not None:
        pairs = pairs[pairs["module_id"].isin(module_ids)]
    pairs = pairs.reset_index(drop=True)
    claims = attribution_claims(first, inputs.module_kpis)
    kpis = inputs.kpis.set_index("kpi_id")
    results = _estimate_pairs(first, pairs, inputs.follow_ups, kpis, params)
    return _assemble(pairs, results, claims, kpis, params)


@dataclass
class _PairResult:
    result: EffectEstimate
    placebo: Placebo | None
    learner_ids: np.ndarray  # treated learners, in ``first`` order
    change: np.ndarray  # their changes (before any outlier is left out)


def _estimate_pairs(first, pairs, follow_ups, kpis, params) -> list[_PairResult]:
    """Every pair's estimate, KPI by KPI (one panel in memory at a time)."""
    days = day_numbers(first["t"])
    learner_ids = first["learner_id"].to_numpy(dtype=np.int64)
    by_unit = first.groupby("unit", sort=False).indices
    by_module = first.groupby("module_id", sort=False).indices
    values = loader.kpi_panel_rows(pairs["kpi_id"].unique()) if len(pairs) else None
    results: list[_PairResult | None] = [None] * len(pairs)
    for kpi_id, group in pairs.groupby("kpi_id", sort=False):
        mine = values["kpi_id"] == kpi_id
        panel = KpiPanel.build(
            values["learner_id"][mine], values["day"][mine], values["value"][mine]
        )
        rows = panel.index(learner_ids)
        kpi_days = np.unique(np.concatenate([days[by_unit[u]] for u in group["unit"]]))
        real = Windows(panel, kpi_days, real_bounds(kpi_days, params))
        placebo = Windows(panel, kpi_days, placebo_bounds(kpi_days, params))
        pool = ChangePool(real.changes)
        direction = 1 if kpis.loc[kpi_id, "direction"] == "higher" else -1
        for index, unit, module_id in group[["unit", "module_id"]].itertuples():
            treated = by_unit[unit]
            completers = by_module[module_id]
            completers = completers[rows[completers] >= 0]
            completers = completers[np.argsort(days[completers], kind="stable")]
            pair = PairInput(
                learner_ids[treated],
                rows[treated],
                days[treated],
                rows[completers],
                days[completers],
                direction,
            )
            results[index] = _estimate_pair(
                real, placebo, pool, panel.learners, pair, module_id, follow_ups, params
            )
    return results


def _estimate_pair(
    real, placebo, pool, panel_learners, pair, module_id, follow_ups, params
) -> _PairResult:
    """Outlier screening, control-group isolation or the participant fallback, placebo test."""
    change = treated_changes(real, pair)
    flagged = outlier_rows(real, pool, pair, change, params)
    outliers = sorted(int(i) for i in panel_learners[flagged])
    removed = flagged if params.exclude_outliers else np.empty(0, dtype=np.int64)
    kept = change.copy()
    if len(removed):
        kept[np.isin(pair.learner_ids, outliers)] = np.nan
    result = did(real, pair, kept, removed, params)
    if result is None:
        follow = follow_ups[follow_ups["module_id"] == module_id]
        treated = pd.DataFrame({"learner_id": pair.learner_ids, "change": kept}).merge(
            follow[["learner_id", "attribution_pct", "confidence_pct"]],
            on="learner_id",
            how="left",
        )
        result = participant_effect(treated, pair.direction)
    result.n_outliers = len(outliers)
    result.outliers = outliers
    placebo_change = treated_changes(placebo, pair)
    if len(removed):
        placebo_change[np.isin(pair.learner_ids, outliers)] = np.nan
    test = did(placebo, pair, placebo_change, removed, params)
    placebo_result = None
    if test is not None:
        placebo_result = Placebo(
            test.effect, test.std_error, test.ci_low, test.ci_high, test.n_treated, test.n_control
        )
    return _PairResult(result, placebo_result, pair.learner_ids, change)


def _assemble(pairs, results, claims, kpis, params) -> Estimates:
    """Effects rows, per-learner benefits and treated changes, in the order of ``pairs``."""
    sizes = np.array([len(done.learner_ids) for done in results], dtype=np.int64)
    pair_of = np.repeat(np.arange(len(results)), sizes)
    units = pairs["unit"].to_numpy(dtype=object)
    treated_changes_ = pd.DataFrame(
        {
            "learner_id": _concat([done.learner_ids for done in results], np.int64),
            "change": _concat([done.change for done in results], float),
            "unit": units[pair_of],
            "module_id": pairs["module_id"].to_numpy()[pair_of],
            "kpi_id": pairs["kpi_id"].to_numpy()[pair_of],
        }
    )
    # The learners carrying each estimate take their claims (one per module and KPI).
    used = [done.result.learners for done in results]
    carried = pd.DataFrame(
        {
            "pair": np.repeat(np.arange(len(results)), [len(u) for u in used]),
            "learner_id": np.asarray([i for u in used for i in u], dtype=np.int64),
        }
    )
    carried["module_id"] = pairs["module_id"].to_numpy()[carried["pair"].to_numpy()]
    carried["kpi_id"] = pairs["kpi_id"].to_numpy()[carried["pair"].to_numpy()]
    carried = carried.merge(claims, on=["learner_id", "module_id", "kpi_id"])
    bounds = np.searchsorted(carried["pair"].to_numpy(), np.arange(len(results) + 1))
    claim = carried["claim"].to_numpy(dtype=float)
    records, per_learner = [], np.zeros(len(results))
    for i, ((unit, module_id, kpi_id), done) in enumerate(
        zip(pairs[["unit", "module_id", "kpi_id"]].itertuples(index=False), results, strict=True)
    ):
        kpi = kpis.loc[kpi_id]
        result = done.result
        if result.effect is not None:
            per_learner[i] = annual_value(
                result.effect, kpi["period"], params.horizon_months, kpi["value_per_unit"]
            )
        isolated = result.isolation == "control_group"
        records.append(
            {
                "unit": unit,
                "module_id": module_id,
                "kpi_id": kpi_id,
                "kpi": kpi["key"],
                "isolation": result.isolation,
                "n_treated": result.n_treated,
                "n_control": result.n_control,
                "effect": result.effect,
                "std_error": result.std_error,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                "n_outliers": result.n_outliers,
                "benefit": float(claim[bounds[i] : bounds[i + 1]].sum() * per_learner[i]),
                # Power only speaks of the control-group comparison (DESIGN §7b).
                "mde": mde(result.std_error) if isolated else None,
                "underpowered": isolated and underpowered(result.ci_low, result.ci_high),
                **_placebo_columns(done.placebo),
            }
        )
    effects = pd.DataFrame.from_records(records, columns=EFFECT_COLUMNS)
    pair = carried["pair"].to_numpy()
    learner_benefits = pd.DataFrame(
        {
            "learner_id": carried["learner_id"].to_numpy(),
            "module_id": carried["module_id"].to_numpy(),
            "kpi_id": carried["kpi_id"].to_numpy(),
            "claim": claim,
            "unit": units[pair],
            "benefit": claim * per_learner[pair],
        }
    )
    return Estimates(effects, learner_benefits, treated_changes_)


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype=dtype)


def _placebo_columns(placebo: Placebo | None) -> dict:
    """The placebo test's columns of an effects row (no test: None, 0 and not flagged)."""
    if placebo is None:
        return {
            "placebo_effect": None,
            "placebo_std_error": None,
            "placebo_ci_low": None,
            "placebo_ci_high": None,
            "placebo_n_treated": 0,
            "placebo_n_control": 0,
            "pre_trend_differs": False,
        }
    return {
        "placebo_effect": placebo.effect,
        "placebo_std_error": placebo.std_error,
        "placebo_ci_low": placebo.ci_low,
        "placebo_ci_high": placebo.ci_high,
        "placebo_n_treated": placebo.n_treated,
        "placebo_n_control": placebo.n_control,
        "pre_trend_differs": placebo.pre_trend_differs,
    }
