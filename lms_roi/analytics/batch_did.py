"""The §7 difference in differences of every module x KPI pair of one KPI at once.

:func:`~lms_roi.analytics.pair_effects.did` pair by pair costs a dozen NumPy
calls per pair, thousands of pairs at scale. Here the pairs of a KPI travel
together as flat arrays (a pair index per treated learner and per completer)
and every step is one vectorised call over all of them: the (pair, day)
groups of the treated, segmented cumulative sums over each pair's completers
sorted by date (the completers before ``t + lag + post`` leave the controls of
day ``t``), per-pair sums by ``bincount``, and the distinct controls counted
per learner pattern. Same formulas and the same numbers as the pair-by-pair
path (up to the order of floating-point additions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .effects import EffectEstimate, RoiParams
from .pair_effects import PairInput
from .panel import Windows
from .stats import t_critical

#: Completers x signatures handled per chunk of pairs (bounds the memory of the
#: segmented cumulative sums: a few arrays of this many floats).
CHUNK_ELEMENTS = 2_000_000


@dataclass
class PairBatch:
    """The pairs of one KPI as flat arrays (pairs in order, ``*_start`` their offsets)."""

    t_pair: np.ndarray  # treated learners: their pair
    t_ids: np.ndarray  # learner ids
    t_rows: np.ndarray  # panel rows (-1 without any value of the KPI)
    t_days: np.ndarray  # completion days
    c_pair: np.ndarray  # the module's first completers with values: their pair
    c_rows: np.ndarray  # panel rows
    c_days: np.ndarray  # first completion days (sorted within each pair)
    direction: int

    @classmethod
    def of(cls, pairs: list[PairInput]) -> PairBatch:
        """The pairs (of one KPI, so one direction) as one batch, in their order."""
        index = np.arange(len(pairs))

        def flat(name: str, dtype) -> np.ndarray:
            parts = [getattr(p, name) for p in pairs]
            return np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype)

        return cls(
            np.repeat(index, [len(p.rows) for p in pairs]),
            flat("learner_ids", np.int64),
            flat("rows", np.int64),
            flat("days", np.int64),
            np.repeat(index, [len(p.completer_rows) for p in pairs]),
            flat("completer_rows", np.int64),
            flat("completer_days", np.int64),
            pairs[0].direction if pairs else 1,
        )

    def treated_changes(self, win: Windows) -> np.ndarray:
        """Each treated learner's change over their own day's windows (NaN without data)."""
        change = np.full(len(self.t_rows), np.nan)
        has = self.t_rows >= 0
        change[has] = win.changes[win.sig(self.t_days[has]), self.t_rows[has]]
        return change


def did_batch(
    win: Windows, batch: PairBatch, change: np.ndarray, n_pairs: int, params: RoiParams
) -> list[EffectEstimate | None]:
    """:func:`~lms_roi.analytics.pair_effects.did` of every pair of ``batch`` (no removed
    outliers), ``change`` the treated learners' changes (NaN: no data)."""
    results: list[EffectEstimate | None] = [None] * n_pairs
    per_pair = np.bincount(batch.c_pair, minlength=n_pairs) * max(len(win.sigs), 1)
    t_bounds = np.searchsorted(batch.t_pair, np.arange(n_pairs + 1))
    c_bounds = np.searchsorted(batch.c_pair, np.arange(n_pairs + 1))
    lo = 0
    while lo < n_pairs:
        # Pairs lo..hi-1: about CHUNK_ELEMENTS completer x signature cells (at least one pair).
        fits = int(np.searchsorted(np.cumsum(per_pair[lo:]), CHUNK_ELEMENTS, "right"))
        hi = lo + max(fits, 1)
        t_slice = slice(t_bounds[lo], t_bounds[hi])
        c_slice = slice(c_bounds[lo], c_bounds[hi])
        chunk = PairBatch(
            batch.t_pair[t_slice] - lo,
            batch.t_ids[t_slice],
            batch.t_rows[t_slice],
            batch.t_days[t_slice],
            batch.c_pair[c_slice] - lo,
            batch.c_rows[c_slice],
            batch.c_days[c_slice],
            batch.direction,
        )
        results[lo:hi] = _did_chunk(win, chunk, change[t_slice], hi - lo, params)
        lo = hi
    return results


def _did_chunk(win, batch: PairBatch, change, n_pairs, params) -> list[EffectEstimate | None]:
    out: list[EffectEstimate | None] = [None] * n_pairs
    with_data = np.isfinite(change)
    if not with_data.any():
        return out
    span = params.lag_days + params.post_days
    pair, day, y = batch.t_pair[with_data], batch.t_days[with_data], change[with_data]
    ids = batch.t_ids[with_data]
    # (pair, day) groups: keys ordered by pair, then day.
    origin = int(min(day.min(), batch.c_days.min(initial=day.min()))) - 1
    big = int(max(day.max(), batch.c_days.max(initial=day.max()))) - origin + span + 2
    keys, group = np.unique(pair * big + (day - origin), return_inverse=True)
    g_pair, g_day = keys // big, keys % big + origin
    g_sig = win.sig(g_day)
    n0, s0, q0 = _control_sums(win, batch, g_pair, g_day, g_sig, big, origin, span, n_pairs)

    usable = n0 >= max(params.min_control, 1)
    used = usable[group]
    if not used.any():
        return out
    y, pair, group, ids = y[used], pair[used], group[used], ids[used]
    mean0 = win.shift[g_sig] + s0 / np.where(n0 > 0, n0, 1)
    n1 = np.bincount(pair, minlength=n_pairs).astype(float)
    safe_n1 = np.where(n1 > 0, n1, 1)
    effect = batch.direction * np.bincount(pair, y - mean0[group], minlength=n_pairs) / safe_n1
    mean1 = np.bincount(pair, y, minlength=n_pairs) / safe_n1
    ss1 = np.bincount(pair, (y - mean1[pair]) ** 2, minlength=n_pairs)
    per_group = np.bincount(group, minlength=len(keys))
    dated = per_group > 0
    d_pair, d_n0 = g_pair[dated], n0[dated]
    d_ss0 = np.maximum(q0 - s0 * s0 / np.where(n0 > 0, n0, 1), 0.0)[dated]
    dof = (n1 - 1) + np.bincount(d_pair, d_n0 - 1, minlength=n_pairs)
    safe_dof = np.where(dof >= 1, dof, 1)
    s2 = (ss1 + np.bincount(d_pair, d_ss0, minlength=n_pairs)) / safe_dof
    share = per_group[dated] / safe_n1[d_pair]
    variance = s2 / safe_n1 + np.bincount(
        d_pair, share**2 * s2[d_pair] / d_n0, minlength=n_pairs
    )
    n_control = _distinct_controls(
        win, batch, (g_pair[dated], g_day[dated], g_sig[dated]), (big, origin, span), n_pairs
    )
    id_bounds = np.searchsorted(pair, np.arange(n_pairs + 1))
    for p in np.flatnonzero(n1 > 0).tolist():
        std_error = ci_low = ci_high = None
        e = float(effect[p])
        if dof[p] >= 1:
            std_error = math.sqrt(float(variance[p]))
            margin = t_critical(float(dof[p])) * std_error
            ci_low, ci_high = e - margin, e + margin
        out[p] = EffectEstimate(
            "control_group",
            int(n1[p]),
            int(n_control[p]),
            e,
            std_error,
            ci_low,
            ci_high,
            learners=ids[id_bounds[p] : id_bounds[p + 1]].astype(int).tolist(),
        )
    return out


def _segments(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segments ``[start, start + length)``: each element's segment and position."""
    owner = np.repeat(np.arange(len(lengths)), lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return owner, starts[owner] + np.arange(int(offsets[-1])) - offsets[owner]


def _control_sums(win, batch, g_pair, g_day, g_sig, big, origin, span, n_pairs):
    """Per (pair, day) group: count, shifted sum and sum of squares of its controls'
    changes (everybody with a change minus the pair's completers before day + span)."""
    n0, s0, q0 = win.n_all[g_sig].copy(), win.s_all[g_sig].copy(), win.q_all[g_sig].copy()
    if not len(batch.c_rows):
        return n0, s0, q0
    c_start = np.searchsorted(batch.c_pair, np.arange(n_pairs))
    c_keys = batch.c_pair * big + (batch.c_days - origin)
    late = np.searchsorted(c_keys, g_pair * big + (g_day + span - origin), "left")
    late -= c_start[g_pair]
    # (pair, signature) runs: the signature grows with the day, so each run is contiguous
    # and its last group has the longest prefix of completers to add up.
    combo = g_pair * len(win.sigs) + g_sig
    first = np.flatnonzero(np.r_[True, combo[1:] != combo[:-1]])
    last = np.r_[first[1:], len(combo)] - 1
    of_group = np.repeat(np.arange(len(first)), np.diff(np.r_[first, len(combo)]))
    lengths = late[last]
    owner, at = _segments(c_start[g_pair[first]], lengths)
    sig = g_sig[first][owner]
    values = win.changes[sig, batch.c_rows[at]]
    finite = np.isfinite(values)
    shifted = np.where(finite, values - win.shift[sig], 0.0)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    for total, part in ((n0, finite.astype(float)), (s0, shifted), (q0, shifted * shifted)):
        cumulative = np.concatenate([[0.0], part.cumsum()])
        start = offsets[of_group]
        total -= cumulative[start + late] - cumulative[start]
    return n0, s0, q0


def _distinct_controls(win, batch, dated, frame, n_pairs_all) -> np.ndarray:
    """Per pair: how many learners serve as a control on at least one of its dated days."""
    (d_pair, d_day, d_sig), (big, origin, span) = dated, frame
    n_sigs = len(win.sigs)
    # Each pair reaches the learner patterns with a change on one of its signatures.
    seen = np.zeros((n_sigs, n_pairs_all), dtype=np.float32)
    seen[d_sig, d_pair] = 1.0
    reached = (win.patterns.astype(np.float32) @ seen) > 0  # patterns x pairs
    total = win.pattern_size.astype(float) @ reached.astype(float)
    # The pair's completers are not controls of every day: taken off, then counted again
    # when they are a control of one of the days up to their first day - lag - post.
    total -= np.bincount(
        batch.c_pair,
        reached[win.pattern_of[batch.c_rows], batch.c_pair].astype(float),
        minlength=n_pairs_all,
    )
    combo = d_pair * n_sigs + d_sig
    first = np.flatnonzero(np.r_[True, combo[1:] != combo[:-1]])  # earliest day of each run
    c_start = np.searchsorted(batch.c_pair, np.arange(n_pairs_all + 1))
    # Completers whose first day is at least the run's earliest day + span: a suffix.
    c_keys = batch.c_pair * big + (batch.c_days - origin)
    begin = np.searchsorted(c_keys, d_pair[first] * big + (d_day[first] + span - origin), "left")
    lengths = c_start[d_pair[first] + 1] - begin
    owner, at = _segments(begin, lengths)
    hit = win.finite[d_sig[first][owner], batch.c_rows[at]]
    counted = np.zeros(len(batch.c_rows), dtype=bool)
    counted[at[hit]] = True
    total += np.bincount(batch.c_pair[counted], minlength=n_pairs_all)
    return total

