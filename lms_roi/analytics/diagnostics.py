"""Can the estimate be trusted: placebo test, minimum detectable effect, completers needed.

Pure functions (DESIGN §7b). The placebo is the §7 difference in differences
(:func:`~lms_roi.analytics.effects.did_effect`) on windows moved back before
training, with the control rule of the real estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .effects import RoiParams, did_effect, eligible_controls

#: z(0.975) + z(0.80): two-sided alpha 0.05, power 0.80, normal approximation.
MDE_FACTOR = 2.8016


@dataclass(frozen=True)
class Placebo:
    """The difference in differences over two windows before training (should be 0)."""

    effect: float
    std_error: float | None
    ci_low: float | None
    ci_high: float | None
    n_treated: int
    n_control: int

    @property
    def pre_trend_differs(self) -> bool:
        """True when the 95 % CI excludes 0: completers already diverged before training."""
        return self.ci_low is not None and (self.ci_low > 0 or self.ci_high < 0)


def placebo_windows(t: pd.Series, params: RoiParams) -> pd.DataFrame:
    """Placebo "pre" ``[t - 2 pre, t - pre)`` and "post" ``[t - pre, t)`` bounds.

    Same columns as :meth:`RoiParams.windows`, so the same SQL computes the means.
    """
    pre = pd.to_timedelta(params.pre_days, unit="D")
    return pd.DataFrame(
        {"pre_lo": t - 2 * pre, "pre_hi": t - pre, "post_lo": t - pre, "post_hi": t}
    )


def placebo_effect(
    treated: pd.DataFrame,
    placebo_changes: pd.DataFrame,
    first_completion: pd.Series,
    direction: int,
    params: RoiParams,
) -> Placebo | None:
    """The placebo difference in differences of one module on one KPI, or None without controls.

    ``treated``: ``learner_id``, ``t`` (first completion day); ``placebo_changes``:
    ``t``, ``learner_id``, ``change`` — every learner's change over the placebo
    windows of each completion day ``t``; ``first_completion``: the module's
    first completion day per learner id. Controls are chosen exactly as for the
    real estimate: values in both (placebo) windows and no completion before
    ``t + lag + post``, the end of the real post window.
    """
    with_change = treated[["learner_id", "t"]].merge(
        placebo_changes, on=["t", "learner_id"], how="left"
    )
    controls = eligible_controls(placebo_changes, first_completion, params)
    estimate = did_effect(with_change, controls, direction, params.min_control)
    if estimate is None:
        return None
    return Placebo(
        estimate.effect,
        estimate.std_error,
        estimate.ci_low,
        estimate.ci_high,
        estimate.n_treated,
        estimate.n_control,
    )


def mde(std_error: float | None) -> float | None:
    """Minimum detectable effect: ``2.8016 x std_error`` (None without a standard error)."""
    return None if std_error is None else MDE_FACTOR * std_error


def underpowered(ci_low: float | None, ci_high: float | None) -> bool:
    """True when the effect's 95 % CI includes 0 (False when there is no CI to judge)."""
    return ci_low is not None and ci_high is not None and ci_low <= 0 <= ci_high


@dataclass(frozen=True)
class CompletersNeeded:
    """The planner's answer for an effect ``delta`` per learner and period."""

    delta: float
    sd: float
    n_control: int
    #: completers needed with the current controls; None when not reachable
    completers: int | None
    #: the smallest effect detectable with unlimited completers and these controls
    floor: float

    @property
    def reachable(self) -> bool:
        return self.completers is not None


def completers_needed(
    std_error: float, n_treated: int, n_control: int, delta: float
) -> CompletersNeeded:
    """Completers needed to detect ``delta`` with the current controls (DESIGN §7b).

    ``sd = std_error / sqrt(1/n_T + 1/n_C)`` is the per-learner spread implied by
    the estimate; ``n_T = ceil(1 / ((delta / (2.8016 sd))^2 - 1/n_C))``. When the
    bracket is not positive, no number of completers is enough with ``n_C``
    controls (``completers`` is None). Without noise (sd 0) one completer does.
    """
    if n_treated < 1 or n_control < 1:
        raise ValueError("the estimate needs at least one completer and one control")
    if std_error is None or std_error < 0 or not math.isfinite(std_error):
        raise ValueError("a finite, non-negative standard error is needed")
    delta = abs(delta)
    if delta == 0:
        raise ValueError("the effect to detect must not be 0")
    sd = std_error / math.sqrt(1 / n_treated + 1 / n_control)
    floor = MDE_FACTOR * sd * math.sqrt(1 / n_control)
    if sd == 0:
        return CompletersNeeded(delta, sd, n_control, 1, floor)
    ratio = delta / (MDE_FACTOR * sd)
    # ratio * ratio overflows to inf for a huge delta (one completer), where ** 2 would raise.
    bracket = ratio * ratio - 1 / n_control
    if bracket <= 0:
        return CompletersNeeded(delta, sd, n_control, None, floor)
    # The tolerance keeps float noise (e.g. 12.000000000002) from adding a completer.
    completers = max(1, math.ceil(1 / bracket - 1e-9))
    return CompletersNeeded(delta, sd, n_control, completers, floor)
