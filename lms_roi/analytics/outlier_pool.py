"""Outlier screening of a module x KPI pair without building its pool of changes.

:func:`~lms_roi.analytics.effects.flag_outliers` takes robust z-scores over a
pair's treated changes plus, for each completion day of the pair, the change of
every eligible control over that day's windows. At scale that pool holds
millions of rows per pair, but it is a *weighted* copy of one set shared by all
pairs of a KPI — every learner's change for every signature — where signature
``s`` weighs the pair's number of days with that signature, a little less for
the module's completers (not eligible on later days) and one more for each
treated learner's own change. Median and MAD are weighted order statistics of
that set: per-cell weights (one small matrix product) bound them to a few
cells, and only those cells are sorted.
"""

from __future__ import annotations

import numpy as np

#: Changes per value cell (the fewer, the fewer values sorted per statistic, but the
#: more cells weighed per pair).
PER_CELL = 512


class ChangePool:
    """Every finite change of one KPI (signature x learner), grouped into value cells."""

    def __init__(self, changes: np.ndarray):
        n_sigs, n_learners = changes.shape
        flat = changes.ravel()
        finite = np.flatnonzero(np.isfinite(flat))
        # Heapsort: a fifth faster than the default on these many-tied changes.
        order = finite[np.argsort(flat[finite], kind="heapsort")]
        # Cells: runs of PER_CELL consecutive changes in value order (ties may straddle
        # two cells; each cell's bounds are its first and last value).
        self.values = flat[order]
        self.sig = order // max(n_learners, 1)
        self.learner = order % max(n_learners, 1)
        n = len(order)
        self.bounds = np.append(np.arange(0, n, PER_CELL), n)
        n_cells = len(self.bounds) - 1
        self.cell = np.arange(n) // PER_CELL
        self.lo = self.values[self.bounds[:-1]]
        self.hi = self.values[self.bounds[1:] - 1] if n else self.lo
        self.position = np.full(flat.shape[0], -1, dtype=np.int64)
        self.position[order] = np.arange(n)
        # The same, learner by learner: one learner's signatures lie side by side, so
        # looking up a completer's run of signatures stays in the CPU's cache.
        self.position_by_learner = self.position.reshape(n_sigs, n_learners).T.ravel()
        self.counts = (
            np.bincount(self.cell * n_sigs + self.sig, minlength=n_cells * n_sigs)
            .reshape(n_cells, n_sigs)
            .astype(float)
        )
        self.n_sigs = n_sigs
        self.n_learners = n_learners

    def positions(self, sigs: np.ndarray, learners: np.ndarray) -> np.ndarray:
        """Where the change of (signature, learner row) sits, -1 when it is not finite."""
        return self.position[sigs * self.n_learners + learners]

    def positions_by_learner(self, sigs: np.ndarray, learners: np.ndarray) -> np.ndarray:
        """:meth:`positions`, faster when consecutive lookups are one learner's."""
        return self.position_by_learner[learners * self.n_sigs + sigs]

    def weighted(self, per_sig: np.ndarray, at: np.ndarray, extra: np.ndarray) -> WeightedPool:
        """The pool with ``per_sig`` copies of each signature's changes, plus ``extra``
        copies (negative: fewer) of the changes at positions ``at``."""
        return WeightedPool(self, per_sig.astype(float), at, extra.astype(float))


class WeightedPool:
    """One pair's pool: :class:`ChangePool` with weights."""

    def __init__(self, pool: ChangePool, per_sig: np.ndarray, at: np.ndarray, extra: np.ndarray):
        self.pool = pool
        self.per_sig = per_sig
        keep = at >= 0
        self.at, inverse = np.unique(at[keep], return_inverse=True)
        self.extra = np.bincount(inverse, weights=extra[keep], minlength=len(self.at))
        self.cell_weight = pool.counts @ per_sig + np.bincount(
            pool.cell[self.at], weights=self.extra, minlength=len(pool.lo)
        )
        self.total = float(self.cell_weight.sum())

    def _weights(self, positions: np.ndarray) -> np.ndarray:
        weight = self.per_sig[self.pool.sig[positions]]
        if len(self.at):
            i = np.minimum(np.searchsorted(self.at, positions), len(self.at) - 1)
            weight = weight + np.where(self.at[i] == positions, self.extra[i], 0.0)
        return weight

    def _elements(self, cells: np.ndarray) -> np.ndarray:
        """The positions of every change in ``cells`` (ascending cells)."""
        starts, stops = self.pool.bounds[cells], self.pool.bounds[cells + 1]
        lengths = stops - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return offsets + np.arange(int(lengths.sum()))

    def kth(
        self, ks: list[float], lo: np.ndarray, hi: np.ndarray, key, *, ordered: bool = False
    ) -> list[float]:
        """The ``k``-th smallest ``key(value)`` for each of ``ks`` (1-based, weights
        counted), given per-cell bounds ``lo <= key <= hi`` of each cell's keys;
        ``ordered``: the key grows with the value (no sorting needed, the pool is)."""
        live = np.flatnonzero(self.cell_weight > 0)
        weight, lo, hi = self.cell_weight[live], lo[live], hi[live]
        by_lo = slice(None) if ordered else np.argsort(lo, kind="stable")
        floor = lo[by_lo][np.searchsorted(np.cumsum(weight[by_lo]), min(ks))]
        by_hi = slice(None) if ordered else np.argsort(hi, kind="stable")
        ceiling = hi[by_hi][np.searchsorted(np.cumsum(weight[by_hi]), max(ks))]
        below = float(weight[hi < floor].sum())  # cells wholly below the answers' floor
        positions = self._elements(live[(hi >= floor) & (lo <= ceiling)])
        keys = key(self.pool.values[positions])
        order = slice(None) if ordered else np.argsort(keys, kind="stable")
        cumulative = below + np.cumsum(self._weights(positions)[order])
        return [float(keys[order][np.searchsorted(cumulative, k)]) for k in ks]

    def median_of(self, lo: np.ndarray, hi: np.ndarray, key, *, ordered: bool = False) -> float:
        """The median of ``key`` over the pool, as pandas computes it (mean of the two
        middle values for an even count)."""
        n = int(round(self.total))
        if n % 2:
            return self.kth([(n + 1) / 2], lo, hi, key, ordered=ordered)[0]
        low, high = self.kth([n / 2, n / 2 + 1], lo, hi, key, ordered=ordered)
        return (low + high) / 2

    def outliers(self, threshold: float) -> np.ndarray:
        """Learner rows with a robust z-score above ``threshold`` somewhere in the pool,
        exactly as :func:`~lms_roi.analytics.stats.robust_z` scores the pool's rows."""
        pool = self.pool
        if self.total < 3:
            return np.empty(0, dtype=np.int64)
        median = self.median_of(pool.lo, pool.hi, lambda v: v, ordered=True)
        # Bounds of |v - median| within each cell.
        up, down = pool.hi - median, median - pool.lo
        dev_lo = np.where(pool.lo >= median, pool.lo - median, 0.0)
        dev_lo = np.where(pool.hi <= median, median - pool.hi, dev_lo)
        dev_hi = np.maximum(np.abs(up), np.abs(down))
        mad = self.median_of(dev_lo, dev_hi, lambda v: np.abs(v - median))
        if mad > 0:

            def score(v):
                return 0.6745 * (v - median) / mad

        else:
            mean_ad = self._mean_abs_deviation(median)
            if not mean_ad > 0:
                return np.empty(0, dtype=np.int64)

            def score(v):
                return (v - median) / (1.253314 * mean_ad)

        # Scores grow with the value: only cells reaching past the threshold can hold outliers.
        reaching = (np.abs(score(pool.lo)) > threshold) | (np.abs(score(pool.hi)) > threshold)
        cells = np.flatnonzero(reaching & (self.cell_weight > 0))
        positions = self._elements(cells)
        flagged = (np.abs(score(pool.values[positions])) > threshold) & (
            self._weights(positions) > 0
        )
        return np.unique(pool.learner[positions[flagged]])

    def _mean_abs_deviation(self, median: float) -> float:
        """Mean |v - median| over the pool (rare: only when half the pool ties at the median)."""
        positions = np.arange(len(self.pool.values))
        weight = self._weights(positions)
        return float((weight * np.abs(self.pool.values - median)).sum() / self.total)
