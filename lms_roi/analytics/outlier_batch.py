"""Outlier screening of every module x KPI pair of one KPI, the pool weights at once.

:func:`~lms_roi.analytics.pair_effects.outlier_rows` weighs the KPI's
:class:`~lms_roi.analytics.outlier_pool.ChangePool` for one pair: its number of
days per signature, one more for each treated learner's own change, a little
less for the completers on the days after their first day - lag - post. Here
the weights of all pairs come from one matrix product (cells x signatures by
signatures x pairs) and one ``bincount``; a weight of one change is looked up
from the pair's treated learners and completers when the order statistics
need it, so no pair sorts its list of weighted changes. The median, the MAD
and the flagged learners are then those of :class:`WeightedPool`, unchanged,
pair by pair: they touch a few cells each (taking them across all pairs at
once with per-pair lookup tables measured slower at 100,000 learners).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from .effects import RoiParams
from .outlier_pool import PER_CELL, ChangePool, WeightedPool
from .panel import Windows


def outlier_rows_batch(
    win: Windows, pool: ChangePool, batch, change: np.ndarray, n_pairs: int, params: RoiParams
) -> list[np.ndarray]:
    """Per pair of ``batch`` (a :class:`~lms_roi.analytics.batch_did.PairBatch`, every
    pair with a treated learner): the panel rows flagged by
    :func:`~lms_roi.analytics.pair_effects.outlier_rows`; ``change``: the treated
    learners' real changes."""
    span = params.lag_days + params.post_days
    n_sigs = len(win.sigs)
    # (pair, day) groups of every treated learner's day, ordered by pair then day.
    origin = int(min(batch.t_days.min(), batch.c_days.min(initial=batch.t_days.min()))) - span - 1
    big = int(max(batch.t_days.max(), batch.c_days.max(initial=0))) - origin + span + 2
    keys = np.unique(batch.t_pair * big + (batch.t_days - origin))
    g_pair, g_sig = keys // big, win.sig(keys % big + origin)
    per_sig = np.bincount(g_sig * n_pairs + g_pair, minlength=n_sigs * n_pairs)
    per_sig = per_sig.reshape(n_sigs, n_pairs).astype(float)
    # Runs of days of one (pair, signature): the signature grows with the day.
    combo = g_pair * n_sigs + g_sig
    r_start = np.flatnonzero(np.r_[True, combo[1:] != combo[:-1]])
    r_stop = np.r_[r_start[1:], len(combo)]
    r_key, r_sig = combo[r_start], g_sig[r_start]
    # A completer misses the days after their first day - lag - post (global day index).
    gone = np.searchsorted(keys, batch.c_pair * big + (batch.c_days - span - origin), "right")
    first_run = np.searchsorted(r_stop, gone, "right")
    pair_runs = np.searchsorted(r_key // n_sigs, np.arange(n_pairs + 1))
    lengths = np.maximum(pair_runs[batch.c_pair + 1] - first_run, 0)
    owner = np.repeat(np.arange(len(gone)), lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    run = first_run[owner] + np.arange(int(offsets[-1])) - offsets[owner]
    missed = r_stop[run] - np.maximum(r_start[run], gone[owner])
    finite = np.isfinite(change)
    at = np.concatenate(
        [
            pool.positions(win.sig(batch.t_days[finite]), batch.t_rows[finite]),
            pool.positions_by_learner(r_sig[run], batch.c_rows[owner]),
        ]
    )
    extra = np.concatenate([np.ones(int(finite.sum())), -missed.astype(float)])
    at_pair = np.concatenate([batch.t_pair[finite], batch.c_pair[owner]])
    keep = at >= 0
    n_cells = len(pool.lo)
    cell = at_pair[keep] * n_cells + at[keep] // PER_CELL  # pool.cell, without a gather
    cell_weight = (pool.counts @ per_sig).T.ravel() + np.bincount(
        cell, weights=extra[keep], minlength=n_pairs * n_cells
    )
    cell_weight = cell_weight.reshape(n_pairs, n_cells)
    t_bounds = np.searchsorted(batch.t_pair, np.arange(n_pairs + 1))
    c_bounds = np.searchsorted(batch.c_pair, np.arange(n_pairs + 1))
    # Scratch lookups (learner row -> index in the pair's lists, signature -> run),
    # filled for one pair at a time and cleared after it.
    n_learners = pool.n_learners
    scratch = (np.full(n_learners, -1), np.full(n_learners, -1), np.full(n_sigs, -1))
    flagged = []
    for p in range(n_pairs):
        t, c = slice(t_bounds[p], t_bounds[p + 1]), slice(c_bounds[p], c_bounds[p + 1])
        mine = finite[t]
        treated = (batch.t_rows[t][mine], win.sig(batch.t_days[t][mine]))
        completers = (batch.c_rows[c], gone[c])
        pair_runs_ = slice(pair_runs[p], pair_runs[p + 1])
        runs = (r_sig[pair_runs_], r_start[pair_runs_], r_stop[pair_runs_])
        weighted = LookupPool(pool, per_sig[:, p], cell_weight[p], treated, completers, runs)
        with weighted.filled(scratch):
            flagged.append(weighted.outliers(params.outlier_z))
    return flagged


class LookupPool(WeightedPool):
    """:class:`WeightedPool` of one pair with its cell weights given, and each change's
    weight looked up from the pair's treated learners and completers."""

    def __init__(self, pool, per_sig, cell_weight, treated, completers, runs):
        self.pool = pool
        self.per_sig = per_sig
        self.cell_weight = cell_weight
        self.total = float(cell_weight.sum())
        self.t_rows, self.t_sigs = treated  # rows are distinct (first completions)
        self.c_rows, self.c_gone = completers
        self.runs = runs  # the pair's signatures, with their runs of days [start, stop)

    @contextmanager
    def filled(self, scratch):
        """Fill the scratch lookups with this pair for the time of the block."""
        self.t_slot, self.c_slot, self.run_of_sig = scratch
        sigs = self.runs[0]
        self.t_slot[self.t_rows] = np.arange(len(self.t_rows))
        self.c_slot[self.c_rows] = np.arange(len(self.c_rows))
        self.run_of_sig[sigs] = np.arange(len(sigs))
        try:
            yield self
        finally:
            self.t_slot[self.t_rows] = -1
            self.c_slot[self.c_rows] = -1
            self.run_of_sig[sigs] = -1

    def _weights(self, positions: np.ndarray) -> np.ndarray:
        pool = self.pool
        sig, row = pool.sig[positions], pool.learner[positions]
        weight = self.per_sig[sig]
        if len(self.t_rows):  # +1: a treated learner's own change
            i = self.t_slot[row]
            weight = weight + ((i >= 0) & (self.t_sigs[i] == sig))
        i, j = self.c_slot[row], self.run_of_sig[sig]
        hit = (i >= 0) & (j >= 0)  # -missed: a completer on the days after they stop
        if hit.any():
            _, start, stop = self.runs
            i, j = i[hit], j[hit]
            missed = np.maximum(stop[j] - np.maximum(start[j], self.c_gone[i]), 0)
            weight = weight.astype(float)
            weight[hit] -= missed
        return weight
