"""The §7 estimate of one module (or version) on one KPI, from a KPI's shared windows.

The same answers as :func:`~lms_roi.analytics.effects.estimate_effect` and
:func:`~lms_roi.analytics.diagnostics.placebo_effect` on DataFrames, computed
without materialising the control rows: for a completion day, the controls
are everybody with a change over that day's windows (sums kept per signature
by :class:`~lms_roi.analytics.panel.Windows`) minus the module's completers
not yet eligible (cumulative sums over the completers sorted by date) minus
the learners left out as outliers. Work per pair grows with its completers and
days, not with the number of learners.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .effects import EffectEstimate, RoiParams
from .outlier_pool import ChangePool
from .panel import Windows
from .stats import t_critical


@dataclass
class PairInput:
    """A pair's treated learners and the module's completers, as panel rows and days."""

    learner_ids: np.ndarray  # treated learner ids (first completions of the unit)
    rows: np.ndarray  # their panel rows (-1 without any value of the KPI)
    days: np.ndarray  # their completion days
    completer_rows: np.ndarray  # the module's first completers with values, by first day
    completer_days: np.ndarray  # their first completion days (sorted)
    direction: int


def treated_changes(win: Windows, pair: PairInput) -> np.ndarray:
    """Each treated learner's change over the windows of their own day (NaN without data)."""
    change = np.full(len(pair.rows), np.nan)
    has = pair.rows >= 0
    change[has] = win.changes[win.sig(pair.days[has]), pair.rows[has]]
    return change


def did(
    win: Windows,
    pair: PairInput,
    change: np.ndarray,
    removed: np.ndarray,
    params: RoiParams,
) -> EffectEstimate | None:
    """:func:`~lms_roi.analytics.effects.did_effect` of the pair over ``win``.

    ``change``: the treated learners' changes (NaN for no data or a removed
    outlier); ``removed``: panel rows left out of every control group.
    """
    with_data = np.isfinite(change)
    if not with_data.any():
        return None
    days, day_of = np.unique(pair.days[with_data], return_inverse=True)
    sigs = win.sig(days)
    n0, s0, q0 = _control_sums(win, pair, days, sigs, removed, params)
    usable = n0 >= max(params.min_control, 1)
    used_day = day_of[usable[day_of]]
    if not len(used_day):
        return None
    y = change[with_data][usable[day_of]]
    ids = pair.learner_ids[with_data][usable[day_of]]
    mean0 = win.shift[sigs] + s0 / np.where(n0 > 0, n0, 1)
    n1 = len(y)
    effect = pair.direction * float(np.mean(y - mean0[used_day]))
    per_day = np.bincount(used_day, minlength=len(days))
    dated = per_day > 0
    ss0 = np.maximum(q0 - s0 * s0 / np.where(n0 > 0, n0, 1), 0.0)[dated]
    n0_used = n0[dated]
    ss1 = float(((y - y.mean()) ** 2).sum())
    dof = (n1 - 1) + float((n0_used - 1).sum())
    std_error = ci_low = ci_high = None
    if dof >= 1:
        s2 = (ss1 + float(ss0.sum())) / dof
        share = per_day[dated] / n1
        variance = s2 / n1 + float((share**2 * s2 / n0_used).sum())
        std_error = math.sqrt(variance)
        margin = t_critical(dof) * std_error
        ci_low, ci_high = effect - margin, effect + margin
    n_control = _distinct_controls(win, pair, days[dated], removed, params)
    return EffectEstimate(
        "control_group",
        n1,
        n_control,
        effect,
        std_error,
        ci_low,
        ci_high,
        learners=ids.astype(int).tolist(),
    )


def _control_sums(win, pair, days, sigs, removed, params):
    """Per day: count, shifted sum and sum of squares of its eligible controls' changes."""
    n0, s0, q0 = win.n_all[sigs].copy(), win.s_all[sigs].copy(), win.q_all[sigs].copy()
    # The module's completers before t + lag + post are not controls of day t.
    cutoff = days + params.lag_days + params.post_days
    late = np.searchsorted(pair.completer_days, cutoff, side="left")
    if len(pair.completer_rows):
        unique_sigs, sig_row = np.unique(sigs, return_inverse=True)
        values = win.changes[np.ix_(unique_sigs, pair.completer_rows)]
        finite = np.isfinite(values)
        shifted = np.where(finite, values - win.shift[unique_sigs][:, None], 0.0)
        for total, part in ((n0, finite.astype(float)), (s0, shifted), (q0, shifted * shifted)):
            cumulative = np.concatenate([np.zeros((len(unique_sigs), 1)), part.cumsum(axis=1)], 1)
            total -= cumulative[sig_row, late]
    if len(removed):
        # Outliers left out, on the days they would otherwise count as controls.
        values = win.changes[np.ix_(sigs, removed)]  # days x removed
        eligible = np.isfinite(values) & _eligible(pair, removed, cutoff)
        shifted = np.where(eligible, values - win.shift[sigs][:, None], 0.0)
        n0 -= eligible.sum(axis=1)
        s0 -= shifted.sum(axis=1)
        q0 -= (shifted * shifted).sum(axis=1)
    return n0, s0, q0


def _eligible(pair: PairInput, rows: np.ndarray, cutoff: np.ndarray) -> np.ndarray:
    """Days x ``rows``: not a completer of the module before the day's cutoff."""
    first = np.full(len(rows), np.iinfo(np.int64).max)
    order = np.argsort(pair.completer_rows, kind="stable")
    sorted_rows = pair.completer_rows[order]
    if len(sorted_rows):
        at = np.minimum(np.searchsorted(sorted_rows, rows), len(sorted_rows) - 1)
        hit = sorted_rows[at] == rows
        first[hit] = pair.completer_days[order][at[hit]]
    return first[None, :] >= cutoff[:, None]


def _distinct_controls(win, pair, days, removed, params) -> int:
    """How many learners serve as a control on at least one of ``days``."""
    sigs = np.unique(win.sig(days))
    reached = win.patterns[:, sigs].any(axis=1)
    total = int(win.pattern_size[reached].sum())
    special = np.unique(np.concatenate([pair.completer_rows, removed]))
    total -= int(reached[win.pattern_of[special]].sum())
    completers = pair.completer_rows[~np.isin(pair.completer_rows, removed)]
    completer_days = pair.completer_days[~np.isin(pair.completer_rows, removed)]
    if len(completers):
        # A completer is a control of the days up to their own first day - lag - post.
        last = np.searchsorted(days, completer_days - params.lag_days - params.post_days, "right")
        finite = win.finite[np.ix_(win.sig(days), completers)]
        seen = np.concatenate([np.zeros((1, len(completers)), bool), finite.cumsum(0) > 0])
        total += int(seen[last, np.arange(len(completers))].sum())
    return total


def outlier_rows(
    win: Windows, pool: ChangePool, pair: PairInput, change: np.ndarray, params: RoiParams
) -> np.ndarray:
    """Panel rows flagged by :func:`~lms_roi.analytics.effects.flag_outliers` for the pair.

    The pool: the treated changes, and for each distinct completion day the
    changes of that day's eligible controls (:class:`ChangePool` weights).
    """
    days = np.unique(pair.days)
    sig_of_day = win.sig(days)
    per_sig = np.bincount(sig_of_day, minlength=len(win.sigs))
    at, extra = [], []
    finite = np.isfinite(change)
    at.append(pool.positions(win.sig(pair.days[finite]), pair.rows[finite]))
    extra.append(np.ones(int(finite.sum())))
    if len(pair.completer_rows):
        # Days of signature s form a run [start_s, stop_s) of the sorted days; a
        # completer misses the days after their first day - lag - post.
        sigs = np.flatnonzero(per_sig)
        start = np.searchsorted(sig_of_day, sigs, "left")
        stop = np.searchsorted(sig_of_day, sigs, "right")
        gone = np.searchsorted(
            days, pair.completer_days - params.lag_days - params.post_days, "right"
        )
        missed = np.clip(stop[None, :] - np.maximum(start[None, :], gone[:, None]), 0, None)
        who, which = np.nonzero(missed)
        at.append(pool.positions(sigs[which], pair.completer_rows[who]))
        extra.append(-missed[who, which])
    weighted = pool.weighted(per_sig, np.concatenate(at), np.concatenate(extra))
    return weighted.outliers(params.outlier_z)
