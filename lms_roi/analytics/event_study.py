"""Effect by period since training (event study, DESIGN §7b) for one module and its KPIs.

Periods are calendar periods of the KPI (day, Monday-based week, month,
quarter) numbered by :func:`period_index`, so a period with no recorded value
anywhere still counts as a period (no index shift on gaps) and a completion
after the last recorded period is not mistaken for one inside it.

Rows: ``kpi, r, effect, std_error, ci_low, ci_high, n_treated, n_control``.
The reference period ``r = -1`` is always present when any other row is: it
has effect, standard error and CI exactly 0 (every difference is taken from
it) and counts the treated and control learners who entered at least one
retained cell. A relative period with no retained cell has no row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import String, func, select, type_coerce

from lms_roi.models import Completion, Kpi, KpiValue, ModuleKpi

from .loader import frame

#: Two-sided 95 % quantile of the standard normal distribution.
Z975 = 1.959964
COLUMNS = ["kpi", "r", "effect", "std_error", "ci_low", "ci_high", "n_treated", "n_control"]
REFERENCE = -1

_DAY_ZERO = pd.Timestamp("1970-01-01")
_MONDAY_ZERO = pd.Timestamp("1970-01-05")  # weeks start on Monday, as KPI imports require


def period_index(dates, period: str) -> np.ndarray:
    """The calendar index of the KPI ``period`` containing each date (consecutive integers)."""
    days = pd.DatetimeIndex(pd.to_datetime(dates)).normalize()
    if period == "day":
        return np.asarray((days - _DAY_ZERO).days, dtype=np.int64)
    if period == "week":
        return np.asarray((days - _MONDAY_ZERO).days, dtype=np.int64) // 7
    if period == "month":
        return np.asarray(days.year * 12 + days.month - 1, dtype=np.int64)
    if period == "quarter":
        return np.asarray(days.year * 4 + (days.month - 1) // 3, dtype=np.int64)
    raise ValueError(f"unknown KPI period {period!r}")


def period_start(index: int, period: str) -> pd.Timestamp:
    """The first day of the period numbered ``index`` (inverse of :func:`period_index`)."""
    index = int(index)
    if period == "day":
        return _DAY_ZERO + pd.Timedelta(days=index)
    if period == "week":
        return _MONDAY_ZERO + pd.Timedelta(days=7 * index)
    if period == "month":
        return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)
    if period == "quarter":
        return pd.Timestamp(year=index // 4, month=3 * (index % 4) + 1, day=1)
    raise ValueError(f"unknown KPI period {period!r}")


def event_study(
    values: pd.DataFrame,
    completions: pd.DataFrame,
    direction: int,
    *,
    r_before: int = 6,
    r_after: int = 12,
    min_control: int = 5,
    kpi: str = "",
) -> pd.DataFrame:
    """theta(r) for r in ``[-r_before, r_after]`` (DESIGN §7b), one row per relative period.

    ``values``: ``learner_id``, ``period`` (integer index), ``value`` — every
    learner's KPI values, completers or not. ``completions``: ``learner_id``,
    ``period`` — the index of the period containing each learner's first
    completion of the module (the treated learners; the same dates decide who
    may serve as a control).

    Cohort c (treated learners with p_i = c) is compared with the learners who
    had not completed the module by the end of period c + r_after. A cell
    (c, r) keeps ``ATT_c(r) = mean_T(y(c+r) - y(c-1)) - mean_C(...)`` when it has
    at least one treated learner and ``min_control`` controls with both values.
    theta(r) weights cells by their treated counts; its variance is
    ``sum_c w_c^2 (s_T^2/n_T + s_C^2/n_C)`` (ddof 1, a group of one adds 0) and
    the 95 % CI is normal.
    """
    if r_before < 1 or r_after < 0:
        raise ValueError("r_before must be at least 1 and r_after at least 0")
    cells, n_used = _cells(values, completions, r_before, r_after, min_control)
    if cells.empty:
        return pd.DataFrame(columns=COLUMNS)
    total = cells.groupby("r")["n_treated"].transform("sum")
    cells = cells.assign(
        weighted=cells["n_treated"] * cells["att"],
        var_part=(cells["n_treated"] / total) ** 2 * cells["var"],
    )
    sums = cells.groupby("r")[["weighted", "n_treated", "var_part"]].sum()
    rows = pd.DataFrame(
        {
            "r": sums.index.astype(int),
            "effect": direction * sums["weighted"] / sums["n_treated"],
            "std_error": np.sqrt(sums["var_part"]),
            "n_treated": sums["n_treated"].astype(int),
        }
    )
    rows["n_control"] = rows["r"].map(n_used).astype(int)
    reference = {"r": REFERENCE, "effect": 0.0, "std_error": 0.0}
    reference.update(n_treated=n_used["reference_treated"], n_control=n_used["reference_control"])
    rows = pd.concat([rows, pd.DataFrame([reference])], ignore_index=True)
    rows["ci_low"] = rows["effect"] - Z975 * rows["std_error"]
    rows["ci_high"] = rows["effect"] + Z975 * rows["std_error"]
    rows["kpi"] = kpi
    rows = rows.sort_values("r", ignore_index=True)
    return rows.astype({"r": int, "n_treated": int, "n_control": int})[COLUMNS]


def _cells(values, completions, r_before, r_after, min_control):
    """Retained cells (``c``, ``r``, ``n_treated``, ``att``, ``var``) and distinct counts.

    The panel is a periods x learners matrix; for each cohort the differences
    to its reference period are one array operation over all learners and
    relative periods, so the only Python loop is over the (few) cohorts.
    """
    relative = np.array([r for r in range(-r_before, r_after + 1) if r != REFERENCE])
    done = completions.groupby("learner_id")["period"].min()
    cohorts = np.unique(done.to_numpy())
    empty = pd.DataFrame(columns=["c", "r", "n_treated", "att", "var"])
    if values.empty or not len(cohorts):
        return empty, {}
    low, high = int(cohorts.min()) - r_before, int(cohorts.max()) + r_after
    values = values[(values["period"] >= low) & (values["period"] <= high)]
    if values.empty:
        return empty, {}
    learners, y = _panel(values, low, high)
    completed = done.reindex(learners).to_numpy(dtype=float)  # NaN: never completed
    # Which learner entered a retained cell of which relative period (for distinct counts).
    used_treated = np.zeros((len(relative), len(learners)), dtype=bool)
    used_control = np.zeros_like(used_treated)
    parts = []
    for c in cohorts:
        diff = y[c + relative - low] - y[c - 1 - low]
        present = ~np.isnan(diff)
        np.copyto(diff, 0.0, where=~present)
        # Controls are everyone but those who completed by the end of period c + r_after,
        # a small set: their sums come off the totals instead of copying the controls.
        n_all, mean_all, ss_all = _moments(diff, present)
        excluded = np.flatnonzero(completed <= c + r_after)  # NaN (never) compares False
        n_out, mean_out, ss_out = _moments(diff[:, excluded], present[:, excluded], mean_all)
        n_c = n_all - n_out
        mean_c = (n_all * mean_all - n_out * mean_out) / np.maximum(n_c, 1)
        # Squares about mean_all moved to the controls' own mean (exact; the means are close).
        ss_c = np.maximum(ss_all - ss_out - n_c * (mean_c - mean_all) ** 2, 0.0)
        treated = np.flatnonzero(completed == c)
        n_t, mean_t, ss_t = _moments(diff[:, treated], present[:, treated])
        keep = (n_t >= 1) & (n_c >= min_control)
        if not keep.any():
            continue
        used_treated[:, treated] |= present[:, treated] & keep[:, None]
        present &= keep[:, None]
        present[:, excluded] = False
        used_control |= present
        parts.append(
            pd.DataFrame(
                {
                    "c": c,
                    "r": relative,
                    "n_treated": n_t,
                    "att": mean_t - mean_c,
                    "var": _variance(ss_t, n_t) / np.maximum(n_t, 1)
                    + _variance(ss_c, n_c) / np.maximum(n_c, 1),
                }
            )[keep]
        )
    if not parts:
        return empty, {}
    counts = dict(zip(relative.tolist(), used_control.sum(axis=1).tolist(), strict=True))
    counts["reference_treated"] = int(used_treated.any(axis=0).sum())
    counts["reference_control"] = int(used_control.any(axis=0).sum())
    return pd.concat(parts, ignore_index=True), counts


def _panel(values: pd.DataFrame, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """Learner ids and their periods x learners matrix of values (NaN when missing).

    Built with ``bincount`` (sum and count per cell, so duplicates average) rather
    than a pivot table, several times slower on millions of values; a period is a
    contiguous row, which keeps the per-cohort arithmetic fast.
    """
    learners, columns = np.unique(values["learner_id"].to_numpy(), return_inverse=True)
    width = high - low + 1
    cell = (values["period"].to_numpy() - low) * len(learners) + columns
    size = len(learners) * width
    sums = np.bincount(cell, weights=values["value"].to_numpy(dtype=float), minlength=size)
    counts = np.bincount(cell, minlength=size)
    y = np.full(size, np.nan)
    np.divide(sums, counts, out=y, where=counts > 0)
    return learners, y.reshape(width, len(learners))


def _moments(diff: np.ndarray, present: np.ndarray, center: np.ndarray | None = None):
    """Per relative period (row): count, mean and sum of squares about ``center``.

    ``diff`` holds 0 where a value is missing, so plain sums skip it; the squares
    are about the row's own mean unless ``center`` is given.
    """
    n = present.sum(axis=1)
    mean = diff.sum(axis=1) / np.maximum(n, 1)
    squares = diff - (mean if center is None else center)[:, None]
    squares *= squares
    squares *= present
    return n, mean, squares.sum(axis=1)


def _variance(squares: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Sample variance (ddof 1); a group of one (or none) has variance 0."""
    return np.where(n > 1, squares / np.maximum(n - 1, 1), 0.0)


def module_event_study(
    module_id: int,
    kpi_ids: list[int] | None = None,
    *,
    r_before: int = 6,
    r_after: int = 12,
    min_control: int = 5,
) -> pd.DataFrame:
    """The event study of a module on each KPI it is linked to (or on ``kpi_ids`` only)."""
    kpis = frame(
        select(Kpi.id.label("kpi_id"), Kpi.key, Kpi.direction, Kpi.period)
        .join(ModuleKpi, ModuleKpi.kpi_id == Kpi.id)
        .where(ModuleKpi.module_id == module_id)
        .order_by(Kpi.key)
    )
    if kpi_ids is not None:
        kpis = kpis[kpis["kpi_id"].isin(kpi_ids)]
    first = first_completion_days(module_id)
    studies = []
    for kpi in kpis.itertuples(index=False):
        values, completions = load_panel(kpi.kpi_id, kpi.period, first, r_before, r_after)
        studies.append(
            event_study(
                values,
                completions,
                1 if kpi.direction == "higher" else -1,
                r_before=r_before,
                r_after=r_after,
                min_control=min_control,
                kpi=kpi.key,
            )
        )
    studies = [s for s in studies if len(s)]
    return pd.concat(studies, ignore_index=True) if studies else pd.DataFrame(columns=COLUMNS)


def as_records(study: pd.DataFrame) -> list[dict]:
    """The rows as plain Python numbers, so JSON and CSV write every digit of a float."""
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in study.to_dict("records")
    ]


def first_completion_days(module_id: int) -> pd.DataFrame:
    """Each learner's first completion of the module as a calendar day (``learner_id``, ``t``)."""
    df = frame(
        select(Completion.learner_id, func.min(Completion.completed_at).label("completed_at"))
        .where(Completion.module_id == module_id)
        .group_by(Completion.learner_id)
    )
    tz = current_app.config.get("LMS_ROI_TIMEZONE", "UTC")
    moments = pd.to_datetime(df["completed_at"], utc=True)
    df["t"] = moments.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    return df[["learner_id", "t"]]


def load_panel(
    kpi_id: int, period: str, first: pd.DataFrame, r_before: int, r_after: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KPI values an event study needs and the completers' period indices.

    Only the periods from the earliest cohort's ``-r_before`` to the latest
    cohort's ``+r_after`` are read, for every learner (all are potential controls).
    """
    completions = pd.DataFrame(
        {"learner_id": first["learner_id"], "period": period_index(first["t"], period)}
    )
    if completions.empty:
        return pd.DataFrame(columns=["learner_id", "period", "value"]), completions
    low = int(completions["period"].min()) - r_before
    high = int(completions["period"].max()) + r_after
    # The driver's raw period_start (ISO text on SQLite, a date on PostgreSQL) skips a
    # per-row date parse; only the few distinct periods are converted, then mapped back.
    raw_start = type_coerce(KpiValue.period_start, String).label("period_start")
    values = frame(
        select(KpiValue.learner_id, raw_start, KpiValue.value).where(
            KpiValue.kpi_id == int(kpi_id),
            KpiValue.period_start >= period_start(low, period).date(),
            KpiValue.period_start < period_start(high + 1, period).date(),
        )
    )
    codes, starts = pd.factorize(values["period_start"])
    values["period"] = period_index(starts, period)[codes] if len(starts) else codes
    return values[["learner_id", "period", "value"]].astype({"value": float}), completions
