"""Each KPI as a learner x period panel, and everybody's change over any day's windows.

DESIGN §7 step 1 for every module x KPI pair at once. A KPI's values are read
once (:func:`~lms_roi.analytics.loader.kpi_panel_rows`) into a sum and a count
per learner and recorded period. A completion day's pre and post windows cover
a range of those periods, so the days whose windows cover the same periods
share a *signature*, and every learner's change over a signature's windows is
computed once — however many modules, completions and learners use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .effects import RoiParams


def day_numbers(t: pd.Series) -> np.ndarray:
    """Calendar days (midnight timestamps) as days since 1970-01-01."""
    return t.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def real_bounds(days: np.ndarray, params: RoiParams) -> np.ndarray:
    """Pre ``[t - pre, t)`` and post ``[t + lag, t + lag + post)`` (DESIGN §7), one row a day."""
    lag, post = params.lag_days, params.lag_days + params.post_days
    return np.column_stack([days - params.pre_days, days, days + lag, days + post])


def placebo_bounds(days: np.ndarray, params: RoiParams) -> np.ndarray:
    """Placebo "pre" ``[t - 2 pre, t - pre)`` and "post" ``[t - pre, t)`` (DESIGN §7b)."""
    pre = params.pre_days
    return np.column_stack([days - 2 * pre, days - pre, days - pre, days])


@dataclass
class KpiPanel:
    """One KPI's values: per learner (rows) and recorded period start (columns)."""

    learners: np.ndarray  # sorted learner ids
    starts: np.ndarray  # sorted period starts, days since 1970-01-01
    sums: np.ndarray  # periods x learners: sum of the values
    counts: np.ndarray  # periods x learners: number of values

    @classmethod
    def build(cls, learner_ids: np.ndarray, days: np.ndarray, values: np.ndarray) -> KpiPanel:
        learners, column = np.unique(learner_ids, return_inverse=True)
        starts, row = np.unique(days, return_inverse=True)
        # Periods as rows: a window's periods are contiguous memory.
        shape = (len(starts), len(learners))
        cell = row * shape[1] + column
        size = shape[0] * shape[1]
        sums = np.bincount(cell, weights=values, minlength=size).reshape(shape)
        counts = np.bincount(cell, minlength=size).reshape(shape).astype(float)
        return cls(learners, starts, sums, counts)

    def index(self, learner_ids: np.ndarray) -> np.ndarray:
        """Each learner's row, or -1 for a learner without any value of the KPI."""
        learner_ids = np.asarray(learner_ids, dtype=np.int64)
        if not len(self.learners) or not len(learner_ids):
            return np.full(len(learner_ids), -1)
        top = max(int(self.learners[-1]), int(learner_ids.max()))
        if top <= 50 * (len(learner_ids) + len(self.learners)):  # ids are dense: a lookup table
            lookup = np.full(top + 1, -1)
            lookup[self.learners] = np.arange(len(self.learners))
            return np.where(learner_ids >= 0, lookup[np.maximum(learner_ids, 0)], -1)
        row = np.minimum(np.searchsorted(self.learners, learner_ids), len(self.learners) - 1)
        return np.where(self.learners[row] == learner_ids, row, -1)

    def signatures(self, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distinct signatures of day windows ``bounds`` (days x 4, half-open day bounds).

        Returns the signatures (rows ``a, b, c, d``: pre periods ``[a, b)``, post
        periods ``[c, d)``, ordered like the days) and each day's signature.
        """
        index = np.searchsorted(self.starts, bounds, side="left").reshape(bounds.shape)
        sigs, of_day = np.unique(index, axis=0, return_inverse=True)
        return sigs.reshape(-1, 4), of_day.ravel()

    def changes(self, sigs: np.ndarray) -> np.ndarray:
        """Signatures x learners: mean over the post periods minus mean over the pre
        periods (NaN when a window holds no value: no data means no change)."""
        means: dict[tuple[int, int], np.ndarray] = {}

        def mean(lo: int, hi: int) -> np.ndarray:
            if (lo, hi) not in means:
                total = self.sums[lo:hi].sum(axis=0)
                count = self.counts[lo:hi].sum(axis=0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    means[(lo, hi)] = np.where(count > 0, total / count, np.nan)
            return means[(lo, hi)]

        out = np.empty((len(sigs), len(self.learners)))
        for i, (a, b, c, d) in enumerate(sigs.tolist()):
            out[i] = mean(c, d) - mean(a, b)
        return out


class Windows:
    """One kind of windows (real or placebo) of one KPI over a set of days.

    Holds every learner's change for each signature, and per signature the
    count, shifted sum and shifted sum of squares of the finite changes, so a
    control group is "everybody minus a few learners" (shifted by the
    signature's median change, which keeps the sums of squares exact enough).
    """

    def __init__(self, panel: KpiPanel, days: np.ndarray, bounds: np.ndarray):
        self.days = days  # sorted distinct days
        self.sigs, self.sig_of_day = panel.signatures(bounds)
        self.changes = panel.changes(self.sigs)
        self.finite = np.isfinite(self.changes)
        n_learners = self.changes.shape[1]
        self.shift = np.zeros(len(self.sigs))
        some = self.finite.any(axis=1)
        if some.any():
            self.shift[some] = np.nanmedian(self.changes[some], axis=1)
        shifted = np.where(self.finite, self.changes - self.shift[:, None], 0.0)
        self.n_all = self.finite.sum(axis=1).astype(float)
        self.s_all = shifted.sum(axis=1)
        self.q_all = (shifted * shifted).sum(axis=1)
        # Learners grouped by the signatures where they have a change: counting the
        # distinct controls of a pair looks at a few patterns, not every learner.
        packed = np.packbits(self.finite.T, axis=1) if n_learners else np.zeros((0, 1), np.uint8)
        _, first, self.pattern_of, self.pattern_size = np.unique(
            packed, axis=0, return_index=True, return_inverse=True, return_counts=True
        )
        self.pattern_of = self.pattern_of.ravel()
        self.patterns = self.finite[:, first].T  # patterns x signatures

    def sig(self, days: np.ndarray) -> np.ndarray:
        """The signature of each of ``days`` (each one of :attr:`days`)."""
        return self.sig_of_day[np.searchsorted(self.days, days)]
