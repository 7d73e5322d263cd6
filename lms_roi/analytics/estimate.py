"""Effects and benefits of every module (or module version) on every KPI it targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import loader
from .diagnostics import Placebo, mde, placebo_effect, placebo_windows, underpowered
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
    windows, window_ids = _analysis_windows(scope, inputs.module_kpis, params)
    # Real and placebo windows in one query: their ids never collide.
    changes = changes_from_means(loader.window_means(windows)) if len(windows) else None
    kpis = inputs.kpis.set_index("kpi_id")
    follow = inputs.follow_ups
    records, benefits, changed = [], [], []
    for unit, module_id, kpi_id in pairs[["unit", "module_id", "kpi_id"]].itertuples(index=False):
        kpi = kpis.loc[kpi_id]
        direction = 1 if kpi["direction"] == "higher" else -1
        treated = first.loc[first["unit"] == unit, ["learner_id", "t"]].merge(
            window_ids.loc[window_ids["kpi_id"] == kpi_id, ["t", "wid", "placebo_wid"]],
            on="t",
            how="left",
        )
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
        placebo = _placebo(treated, changes, completed_on, direction, params, result.outliers)
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
                "benefit": float(carried["claim"].sum() * per_learner),
                # Power only speaks of the control-group comparison (DESIGN §7b).
                "mde": mde(result.std_error) if isolated else None,
                "underpowered": isolated and underpowered(result.ci_low, result.ci_high),
                **_placebo_columns(placebo),
            }
        )
    effects = pd.DataFrame.from_records(records, columns=EFFECT_COLUMNS)
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


def _placebo(treated, changes, completed_on, direction, params, outliers) -> Placebo | None:
    """The placebo test of one unit on one KPI, without the real estimate's excluded outliers."""
    placebo_changes = _window_changes(treated.assign(wid=treated["placebo_wid"]), changes)
    if params.exclude_outliers and outliers:
        placebo_changes = placebo_changes[~placebo_changes["learner_id"].isin(outliers)]
    return placebo_effect(treated, placebo_changes, completed_on, direction, params)


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


def _analysis_windows(first: pd.DataFrame, module_kpis: pd.DataFrame, params: RoiParams):
    """The real (§7) and placebo (§7b) windows of every KPI and completion day.

    Returns the windows table (``wid``, ``kpi_id`` and bounds; placebo ids follow
    the real ones) and the ids table (``kpi_id``, ``t``, ``wid``, ``placebo_wid``;
    NaN when a window can hold no value at all).
    """
    columns = ["wid", "kpi_id", "pre_lo", "pre_hi", "post_lo", "post_hi"]
    dates = first[["module_id", "t"]].merge(module_kpis[["module_id", "kpi_id"]], on="module_id")
    dates = dates[["kpi_id", "t"]].drop_duplicates().reset_index(drop=True)
    if dates.empty:
        ids = dates.assign(wid=pd.Series(dtype=float), placebo_wid=pd.Series(dtype=float))
        return pd.DataFrame(columns=columns), ids
    periods = loader.kpi_periods(dates["kpi_id"].unique())
    real = _windows(dates, params.windows, periods)
    # Fewer distinct windows than dates, so numbering placebo ids from len(dates) is safe.
    placebo = _windows(dates, lambda t: placebo_windows(t, params), periods, first_wid=len(dates))
    ids = dates.assign(wid=real["wid"], placebo_wid=placebo["wid"])
    windows = pd.concat([real, placebo]).dropna(subset=["wid"]).drop_duplicates("wid")
    return windows.astype({"wid": int})[columns], ids


def _windows(
    dates: pd.DataFrame,
    bounds: Callable[[pd.Series], pd.DataFrame],
    periods: dict[int, np.ndarray],
    *,
    first_wid: int = 0,
) -> pd.DataFrame:
    """Distinct analysis windows per KPI, merged when they cover the same recorded periods.

    ``dates``: ``kpi_id``, ``t``; ``bounds`` turns the days ``t`` into the
    ``pre_lo``, ``pre_hi``, ``post_lo``, ``post_hi`` columns. Returns ``dates``
    with the bounds and a window id ``wid`` numbered from ``first_wid`` (NaN when
    the window can hold no value at all), aligned with ``dates``.
    """
    dates = pd.concat([dates, bounds(dates["t"])], axis=1)
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
    number = sig.groupby(["sig_kpi", "a", "b", "c", "d"]).ngroup().to_numpy() + first_wid
    dates["wid"] = pd.Series(number, index=dates.index).where(usable)
    return dates


def _window_changes(treated: pd.DataFrame, changes: pd.DataFrame | None) -> pd.DataFrame:
    """Every learner's change over the windows ``wid`` of the treated learners' dates."""
    columns = ["t", "learner_id", "change"]
    if changes is None:
        return pd.DataFrame(columns=columns).astype({"change": float})
    dates = treated[["t", "wid"]].dropna().drop_duplicates()
    merged = dates.astype({"wid": int}).merge(changes, on="wid")
    return merged[columns]
