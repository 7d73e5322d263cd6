"""Bare baseline of the speed-at-scale benchmark: the §7 effect with no product code at all.

One SELECT per table of the rows the module report reads (each learner's first
completion of each module, as a UTC day number; every KPI value; the module-KPI
links; the KPI directions) through the database driver (a binary cursor on
PostgreSQL, whose ``COPY TO`` hands rows over one by one and is slower here;
the cyclic garbage collector paused while millions of row tuples are built),
then the difference in differences of every module x KPI pair (DESIGN §7 steps
1-3) vectorised with NumPy. Per KPI, a learner x period matrix with cumulative
sums gives every window mean in O(1); dates are grouped by the recorded periods
their windows cover; the controls of a date are everybody with a change over
those windows minus the module's completers before ``t + lag + post``, taken
off with segmented cumulative sums over the completers sorted by date. No
outlier screening, money or levels: the bare estimation a module report needs.
"""

from __future__ import annotations

import gc
import sqlite3
import time

import numpy as np
import pandas as pd
from sqlalchemy import make_url

PRE, LAG, POST, MIN_CONTROL = 90, 30, 90, 5
Z975 = 1.959964
CHUNK = 250_000  # degrees of freedom run in the thousands at this scale

QUERIES = {
    # Dates travel as text ("YYYY-MM-DD") on SQLite and as day numbers on PostgreSQL: the
    # cheapest form each driver hands over; ``_days`` turns either into day numbers.
    "sqlite": {
        "first": "SELECT learner_id, module_id, substr(MIN(completed_at), 1, 10)"
        " FROM lms_roi_completion GROUP BY learner_id, module_id",
        "values": "SELECT learner_id, kpi_id, period_start, value FROM lms_roi_kpi_value",
    },
    "postgresql": {
        "first": "SELECT learner_id, module_id, (MIN(completed_at) AT TIME ZONE 'UTC')::date"
        " - DATE '1970-01-01' FROM lms_roi_completion GROUP BY learner_id, module_id",
        "values": "SELECT learner_id, kpi_id, period_start - DATE '1970-01-01', value"
        " FROM lms_roi_kpi_value",
    },
}
LINKS = "SELECT module_id, kpi_id FROM lms_roi_module_kpi"
KPIS = "SELECT id, key, direction FROM lms_roi_kpi"


def connect(url: str):
    """A plain DBAPI connection (sqlite3 or psycopg) to the benchmark database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return sqlite3.connect(parsed.database)
    import psycopg

    return psycopg.connect(parsed.set(drivername="postgresql").render_as_string(False))


def load(url: str) -> dict[str, np.ndarray | list]:
    """The rows as NumPy arrays: ``first`` (learner, module, day), ``values`` (learner,
    kpi, day, value), ``links`` (module, kpi) and ``kpis`` (id, key, direction)."""
    backend = make_url(url).get_backend_name()
    connection = connect(url)
    gc.disable()  # millions of fresh tuples would trigger collections for nothing
    try:
        cursor = connection.cursor(binary=True) if backend == "postgresql" else connection.cursor()
        out = {}
        for name, sql in QUERIES[backend].items():
            cursor.execute(sql)
            parts = []
            # In chunks: a quarter of a million row tuples at a time, not 2.4 million.
            while rows := cursor.fetchmany(CHUNK):
                columns = list(zip(*rows, strict=True))
                columns[2] = _days(columns[2])
                parts.append(np.column_stack([np.asarray(c, dtype=float) for c in columns]))
            out[name] = np.concatenate(parts) if parts else np.empty((0, 4))
        cursor.execute(LINKS)
        out["links"] = np.array(cursor.fetchall(), dtype=np.int64)
        cursor.execute(KPIS)
        out["kpis"] = cursor.fetchall()
    finally:
        gc.enable()
        connection.close()
    return out


def _days(column: tuple) -> np.ndarray:
    """Day numbers since 1970-01-01 from day numbers or ISO date texts (each text parsed once)."""
    if not column or not isinstance(column[0], str):
        return np.asarray(column)
    codes, uniques = pd.factorize(np.asarray(column, dtype=object))
    return np.asarray(uniques, dtype="datetime64[D]").astype(np.int64)[codes]


def run(url: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """Load and estimate; returns the effects and the seconds each step took."""
    t0 = time.perf_counter()
    data = load(url)
    t1 = time.perf_counter()
    effects = did_all(data)
    t2 = time.perf_counter()
    return effects, {"select": t1 - t0, "compute": t2 - t1, "total": t2 - t0}


def did_all(data) -> pd.DataFrame:
    """Effect, n_treated and standard error of every module x KPI pair with a control group."""
    first, values, links = data["first"], data["values"], data["links"]
    parts = []
    for kpi_id, key, direction in data["kpis"]:
        mine = values[values[:, 1] == kpi_id]
        modules = links[links[:, 1] == kpi_id, 0]
        rows = first[np.isin(first[:, 1], modules)]
        if len(mine) and len(rows):
            part = _did_kpi(mine, rows, 1 if direction == "higher" else -1)
            parts.append(part.assign(kpi_id=kpi_id, kpi=key))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _did_kpi(values: np.ndarray, rows: np.ndarray, direction: int) -> pd.DataFrame:
    learners, li_value = np.unique(values[:, 0].astype(np.int64), return_inverse=True)
    starts, pi_value = np.unique(values[:, 2].astype(np.int64), return_inverse=True)
    n_learners, n_periods = len(learners), len(starts)
    # Cumulative sums over a learner x period matrix: any window mean in O(1).
    total = np.zeros((n_learners, n_periods + 1))
    count = np.zeros((n_learners, n_periods + 1))
    total[li_value, pi_value + 1] = values[:, 3]
    count[li_value, pi_value + 1] = 1.0
    total, count = total.cumsum(axis=1), count.cumsum(axis=1)

    # Treated: completers of the KPI's modules who have values of the KPI.
    learner = rows[:, 0].astype(np.int64)
    pos = np.minimum(np.searchsorted(learners, learner), n_learners - 1)
    keep = learners[pos] == learner
    module, t, li = rows[keep, 1].astype(np.int64), rows[keep, 2].astype(np.int64), pos[keep]
    order = np.lexsort((t, module))
    module, t, li = module[order], t[order], li[order]

    # Window signatures: which recorded periods each date's pre and post windows cover.
    bounds = np.stack(
        [np.searchsorted(starts, x) for x in (t - PRE, t, t + LAG, t + LAG + POST)], axis=1
    )
    sigs, sig = np.unique(bounds, axis=0, return_inverse=True)
    sig = sig.ravel()
    a, b, c, d = sigs.T
    with np.errstate(invalid="ignore", divide="ignore"):
        pre = (total[:, b] - total[:, a]) / (count[:, b] - count[:, a])
        post = (total[:, d] - total[:, c]) / (count[:, d] - count[:, c])
    change = (post - pre).T  # signature x learner
    finite = np.isfinite(change)
    z = np.where(finite, change, 0.0)
    n_all, s_all, q_all = finite.sum(axis=1), z.sum(axis=1), (z * z).sum(axis=1)

    # Completers of the module before t + lag + post leave the controls of date t.
    big = int(t.max()) + LAG + POST + 1
    key = module * big + t
    module_start = np.searchsorted(module, module, side="left")
    k = np.searchsorted(key, module * big + t + LAG + POST, side="left") - module_start
    n_sig = len(sigs)
    combos, combo_of_row = np.unique(module * n_sig + sig, return_inverse=True)
    combo_module, combo_sig = combos // n_sig, combos % n_sig
    combo_start = np.searchsorted(module, combo_module, side="left")
    combo_len = np.searchsorted(module, combo_module, side="right") - combo_start
    offset = np.concatenate([[0], np.cumsum(combo_len)])
    rep = np.repeat(np.arange(len(combos)), combo_len)
    j = combo_start[rep] + np.arange(offset[-1]) - offset[rep]
    v = change[combo_sig[rep], li[j]]
    ok = np.isfinite(v)
    v = np.where(ok, v, 0.0)
    cum = [np.concatenate([[0.0], np.cumsum(x)]) for x in (ok.astype(float), v, v * v)]
    lo = offset[combo_of_row]
    hi = lo + k
    n_ex, s_ex, q_ex = (x[hi] - x[lo] for x in cum)

    change_i = change[sig, li]
    n0 = n_all[sig] - n_ex
    s0 = s_all[sig] - s_ex
    q0 = q_all[sig] - q_ex
    used = np.isfinite(change_i) & (n0 >= MIN_CONTROL)
    mod_u, y, n0, s0, q0, t_u = module[used], change_i[used], n0[used], s0[used], q0[used], t[used]
    mean0 = s0 / n0
    ids, mi = np.unique(mod_u, return_inverse=True)
    n1 = np.bincount(mi).astype(float)
    effect = direction * np.bincount(mi, y - mean0) / n1
    mean1 = np.bincount(mi, y) / n1
    ss1 = np.bincount(mi, y * y) - n1 * mean1**2
    # Per (module, date): the date's control group counts once in the pooled variance.
    _, first_idx, per_date = np.unique(mod_u * big + t_u, return_index=True, return_counts=True)
    d_mod, d_n0 = mi[first_idx], n0[first_idx]
    d_ss0 = q0[first_idx] - s0[first_idx] ** 2 / d_n0
    dof = n1 - 1 + np.bincount(d_mod, d_n0 - 1, minlength=len(ids))
    s2 = (ss1 + np.bincount(d_mod, d_ss0, minlength=len(ids))) / dof
    share = per_date / n1[d_mod]
    variance = s2 / n1 + np.bincount(d_mod, share**2 * s2[d_mod] / d_n0, minlength=len(ids))
    std_error = np.sqrt(variance)
    return pd.DataFrame(
        {
            "module_id": ids,
            "n_treated": n1.astype(int),
            "effect": effect,
            "std_error": std_error,
            "ci_low": effect - Z975 * std_error,
            "ci_high": effect + Z975 * std_error,
        }
    )
