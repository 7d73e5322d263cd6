"""Effects and benefits of every module (or module version) on every KPI it targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import loader
from .effects import RoiParams, changes_from_means, eligible_controls, estimate_effect
from .money import annual_value, attribution_claims, module_costs


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


@dataclass
class Estimates:
    """Per (unit, KPI): the effect; per learner: the change and the benefit carried."""

    effects: pd.DataFrame  # unit, module_id, kpi_id, kpi, isolation, n_*, effect, CI, benefit
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
    learner belongs to the version of their first completion.
    """
    first = inputs.first_completions()
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
    claims = attribution_claims(first, inputs.module_kpis)
    scope = first if module_ids is None else first[first["module_id"].isin(module_ids)]
    windows, window_of = _windows(scope, inputs.module_kpis, params)
    changes = changes_from_means(loader.window_means(windows)) if len(windows) else None
    kpis = inputs.kpis.set_index("kpi_id")
    follow = inputs.follow_ups
    records, benefits, changed = [], [], []
    for unit, module_id, kpi_id in pairs[["unit", "module_id", "kpi_id"]].itertuples(index=False):
        kpi = kpis.loc[kpi_id]
        direction = 1 if kpi["direction"] == "higher" else -1
        treated = first.loc[first["unit"] == unit, ["learner_id", "t"]].copy()
        treated["wid"] = [window_of.get((kpi_id, t)) for t in treated["t"]]
        window_changes = _window_changes(treated, changes)
        treated = treated.merge(window_changes, on=["t", "learner_id"], how="left")
        treated = treated.merge(
            follow[follow["module_id"] == module_id][
                ["learner_id", "attribution_pct", "confidence_pct"]
            ],
            on="learner_id",
            how="left",
        )
        completed_on = first[first["module_id"] == module_id].set_index("learner_id")["t"]
        controls = eligible_controls(window_changes, completed_on, params)
        result = estimate_effect(treated, controls, direction, params)
        changed.append(
            treated[["learner_id", "change"]].assign(
                unit=[unit] * len(treated), module_id=module_id, kpi_id=kpi_id
            )
        )
        unit_claims = claims[(claims["module_id"] == module_id) & (claims["kpi_id"] == kpi_id)]
        per_learner = (
            0.0
            if result.effect is None
            else annual_value(
                result.effect, kpi["period"], params.horizon_months, kpi["value_per_unit"]
            )
        )
        carried = unit_claims[unit_claims["learner_id"].isin(result.learners)]
        benefits.append(
            carried.assign(unit=[unit] * len(carried), benefit=carried["claim"] * per_learner)
        )
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
                "benefit": float(carried["claim"].sum() * per_learner),
            }
        )
    effects = pd.DataFrame.from_records(
        records,
        columns=[
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
        ],
    )
    learner_benefits = (
        pd.concat(benefits, ignore_index=True)
        if benefits
        else pd.DataFrame(columns=["learner_id", "module_id", "kpi_id", "claim", "unit", "benefit"])
    )
    treated_changes = (
        pd.concat(changed, ignore_index=True)
        if changed
        else pd.DataFrame(columns=["learner_id", "change", "unit", "module_id", "kpi_id"])
    )
    return Estimates(effects, learner_benefits, treated_changes)


def _windows(first: pd.DataFrame, module_kpis: pd.DataFrame, params: RoiParams):
    """Distinct analysis windows per KPI, merged when they cover the same recorded periods.

    Returns the windows table (``wid``, ``kpi_id`` and bounds) and a map
    ``(kpi_id, t) -> wid`` (None when a window can hold no value at all).
    """
    dates = first[["module_id", "t"]].merge(module_kpis[["module_id", "kpi_id"]], on="module_id")
    dates = dates[["kpi_id", "t"]].drop_duplicates().reset_index(drop=True)
    if dates.empty:
        return pd.DataFrame(), {}
    dates = pd.concat([dates, params.windows(dates["t"])], axis=1)
    periods = loader.kpi_periods(dates["kpi_id"].unique())
    signatures = []
    for kpi_id, group in dates.groupby("kpi_id"):
        starts = periods.get(int(kpi_id), np.array([], dtype="datetime64[ns]"))
        idx = {
            name: np.searchsorted(starts, group[name].to_numpy(), side="left")
            for name in ("pre_lo", "pre_hi", "post_lo", "post_hi")
        }
        signatures.append(
            pd.DataFrame(
                {
                    "row": group.index,
                    "sig_kpi": kpi_id,
                    "a": idx["pre_lo"],
                    "b": idx["pre_hi"],
                    "c": idx["post_lo"],
                    "d": idx["post_hi"],
                }
            )
        )
    sig = pd.concat(signatures).set_index("row").loc[dates.index]
    usable = ((sig["a"] < sig["b"]) | (sig["c"] < sig["d"])).to_numpy()
    dates["wid"] = pd.Series(
        sig.groupby(["sig_kpi", "a", "b", "c", "d"]).ngroup().to_numpy(), index=dates.index
    ).where(usable)
    window_of = {
        (int(k), t): (None if pd.isna(w) else int(w))
        for k, t, w in dates[["kpi_id", "t", "wid"]].itertuples(index=False)
    }
    windows = dates.dropna(subset=["wid"]).drop_duplicates("wid").astype({"wid": int})
    return windows[["wid", "kpi_id", "pre_lo", "pre_hi", "post_lo", "post_hi"]], window_of


def _window_changes(treated: pd.DataFrame, changes: pd.DataFrame | None) -> pd.DataFrame:
    """Every learner's change over the windows of the treated learners' dates."""
    columns = ["t", "learner_id", "change"]
    if changes is None:
        return pd.DataFrame(columns=columns).astype({"change": float})
    dates = treated[["t", "wid"]].dropna().drop_duplicates()
    merged = dates.astype({"wid": int}).merge(changes, on="wid")
    return merged[columns]
