"""Isolating the training effect: per-learner change, control groups, difference in differences.

Pure functions of DataFrames; see DESIGN §7. ``t`` is a completion's calendar
date (a midnight ``Timestamp``); a change is ``mean(post window) - mean(pre window)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from .stats import robust_z, t_critical


@dataclass(frozen=True)
class RoiParams:
    """Analysis settings (defaults from the Phillips method as DESIGN §7 applies it)."""

    pre_days: int = 90
    lag_days: int = 30
    post_days: int = 90
    horizon_months: int = 12
    min_control: int = 5
    min_group: int = 5
    outlier_z: float = 3.5
    exclude_outliers: bool = False

    def windows(self, t: pd.Series) -> pd.DataFrame:
        """Half-open pre ``[t - pre, t)`` and post ``[t + lag, t + lag + post)`` bounds."""
        return pd.DataFrame(
            {
                "pre_lo": t - pd.to_timedelta(self.pre_days, unit="D"),
                "pre_hi": t,
                "post_lo": t + pd.to_timedelta(self.lag_days, unit="D"),
                "post_hi": t + pd.to_timedelta(self.lag_days + self.post_days, unit="D"),
            }
        )

    @property
    def control_cutoff(self) -> pd.Timedelta:
        """Controls must not have completed the module before ``t`` + this (end of post window)."""
        return pd.to_timedelta(self.lag_days + self.post_days, unit="D")


@dataclass
class EffectEstimate:
    """The isolated effect of one module (or version) on one KPI."""

    isolation: str  # control_group | participant_estimate | none
    n_treated: int
    n_control: int
    effect: float | None
    std_error: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n_outliers: int = 0
    #: learners whose data carry the estimate (they share the benefit)
    learners: list[int] = field(default_factory=list)
    #: learners whose change was flagged as extreme (left out with ``exclude_outliers``);
    #: the placebo test leaves out the same learners
    outliers: list[int] = field(default_factory=list)


def flag_outliers(treated: pd.DataFrame, candidates: pd.DataFrame, threshold: float) -> set[int]:
    """Learners whose change has a robust z-score above ``threshold`` (treated or controls)."""
    pool = pd.concat(
        [
            treated.dropna(subset=["change"])[["learner_id", "change"]],
            candidates[["learner_id", "change"]],
        ]
    )
    if len(pool) < 3:
        return set()
    scores = robust_z(pool["change"])
    return set(pool.loc[scores.abs().to_numpy() > threshold, "learner_id"].astype(int))


def did_effect(
    treated: pd.DataFrame, controls: pd.DataFrame, direction: int, min_control: int
) -> EffectEstimate | None:
    """Difference in differences against same-window controls, or None without enough controls.

    ``treated``: one row per treated learner (``learner_id``, ``t``, ``change``,
    NaN when a window has no value); ``controls``: rows (``t``, ``learner_id``,
    ``change``) of eligible controls for each completion date.

    effect = direction x mean_i(change_i - mean control change at t_i). A treated
    learner counts only when their date has at least ``min_control`` controls.
    The standard error pools the residual variance of treated changes and of
    each date's control changes: with one date it equals the classical OLS
    standard error of the treated coefficient in ``change ~ treated``.
    """
    with_data = treated.dropna(subset=["change"])
    if with_data.empty or controls.empty:
        return None
    stats = controls.groupby("t")["change"].agg(["count", "mean", "var"])
    stats = pd.DataFrame(
        {
            "n0": stats["count"],
            "mean0": stats["mean"],
            "ss0": stats["var"].fillna(0.0) * (stats["count"] - 1),
        }
    )
    merged = with_data.join(stats, on="t")
    used = merged[merged["n0"] >= min_control]
    if used.empty:
        return None
    n1 = len(used)
    effect = direction * float((used["change"] - used["mean0"]).mean())
    dates = stats.loc[used["t"].unique()]
    ss1 = float(((used["change"] - used["change"].mean()) ** 2).sum())
    dof = (n1 - 1) + float((dates["n0"] - 1).sum())
    std_error = ci_low = ci_high = None
    if dof >= 1:
        s2 = (ss1 + float(dates["ss0"].sum())) / dof
        share = used.groupby("t").size() / n1
        variance = s2 / n1 + float((share**2 * s2 / dates["n0"]).sum())
        std_error = math.sqrt(variance)
        margin = t_critical(dof) * std_error
        ci_low, ci_high = effect - margin, effect + margin
    n_control = int(controls.loc[controls["t"].isin(dates.index), "learner_id"].nunique())
    return EffectEstimate(
        "control_group",
        n1,
        n_control,
        effect,
        std_error,
        ci_low,
        ci_high,
        learners=used["learner_id"].astype(int).tolist(),
    )


def participant_effect(treated: pd.DataFrame, direction: int) -> EffectEstimate:
    """Fallback without a control group: raw change x attribution % x confidence %.

    ``treated`` also carries ``attribution_pct`` and ``confidence_pct`` (NaN when
    the learner gave no follow-up estimate, which then counts as no improvement).
    With no estimate from anybody the isolation is ``none`` and the effect unknown.
    """
    with_data = treated.dropna(subset=["change"])
    has_estimate = with_data["attribution_pct"].notna() & with_data["confidence_pct"].notna()
    if with_data.empty or not has_estimate.any():
        return EffectEstimate(
            "none", len(with_data), 0, None, learners=with_data["learner_id"].astype(int).tolist()
        )
    adjusted = (
        with_data["change"]
        * with_data["attribution_pct"].fillna(0)
        / 100
        * with_data["confidence_pct"].fillna(0)
        / 100
    )
    n = len(adjusted)
    effect = direction * float(adjusted.mean())
    std_error = ci_low = ci_high = None
    if n > 1:
        std_error = float(adjusted.std(ddof=1)) / math.sqrt(n)
        margin = t_critical(n - 1) * std_error
        ci_low, ci_high = effect - margin, effect + margin
    return EffectEstimate(
        "participant_estimate",
        n,
        0,
        effect,
        std_error,
        ci_low,
        ci_high,
        learners=with_data["learner_id"].astype(int).tolist(),
    )


def estimate_effect(
    treated: pd.DataFrame, candidates: pd.DataFrame, direction: int, params: RoiParams
) -> EffectEstimate:
    """Outlier screening, then control-group isolation, then the participant fallback."""
    outliers = flag_outliers(treated, candidates, params.outlier_z)
    if params.exclude_outliers and outliers:
        treated = treated.assign(
            change=treated["change"].where(~treated["learner_id"].isin(outliers))
        )
        candidates = candidates[~candidates["learner_id"].isin(outliers)]
    estimate = did_effect(treated, candidates, direction, params.min_control)
    if estimate is None:
        estimate = participant_effect(treated, direction)
    estimate.n_outliers = len(outliers)
    estimate.outliers = sorted(outliers)
    return estimate


def changes_from_means(means: pd.DataFrame) -> pd.DataFrame:
    """``change = post_mean - pre_mean`` (NaN when either window is empty)."""
    return means.assign(change=means["post_mean"] - means["pre_mean"])


def eligible_controls(
    window_changes: pd.DataFrame, first_completion: pd.Series, params: RoiParams
) -> pd.DataFrame:
    """Candidate controls per date: values in both windows and no completion of the module
    before the end of that date's post window.

    ``window_changes``: rows (``t``, ``learner_id``, ``change``);
    ``first_completion``: the module's first completion date per learner id.
    """
    rows = window_changes.dropna(subset=["change"])
    if rows.empty:
        return rows
    completed = rows["learner_id"].map(first_completion)
    keep = completed.isna() | (completed >= rows["t"] + params.control_cutoff)
    return rows[keep.to_numpy(dtype=bool)]
