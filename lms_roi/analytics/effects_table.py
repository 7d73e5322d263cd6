"""The estimate's tables: one effects row per (unit, KPI), the benefit each learner
carries and every treated learner's change, from the pairs' results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .diagnostics import Placebo, mde, underpowered
from .money import annual_value

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


def assemble(pairs, results, claims, kpis, params) -> Estimates:
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
            "learner_id": _concat([np.asarray(u, dtype=np.int64) for u in used], np.int64),
        }
    )
    carried["module_id"] = pairs["module_id"].to_numpy()[carried["pair"].to_numpy()]
    carried["kpi_id"] = pairs["kpi_id"].to_numpy()[carried["pair"].to_numpy()]
    carried = carried.merge(claims, on=["learner_id", "module_id", "kpi_id"])
    bounds = np.searchsorted(carried["pair"].to_numpy(), np.arange(len(results) + 1))
    claim = carried["claim"].to_numpy(dtype=float)
    records, per_learner = [], np.zeros(len(results))
    kpi_rows = kpis.to_dict("index")  # a row per pair through .loc costs more than the rest
    for i, ((unit, module_id, kpi_id), done) in enumerate(
        zip(pairs[["unit", "module_id", "kpi_id"]].itertuples(index=False), results, strict=True)
    ):
        kpi = kpi_rows[kpi_id]
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
