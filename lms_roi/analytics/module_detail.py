"""One module under the microscope: KPI paths of completers vs colleagues, and whether
learning (quiz scores, knowledge gain) goes with KPI change."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import case, func, select

from lms_roi.models import Completion, KpiValue

from .effects import RoiParams
from .estimate import RoiInputs, estimate
from .levels import learner_levels
from .loader import frame


@dataclass
class KpiPath:
    """Monthly (per KPI period) mean of completers and of everyone else."""

    kpi: str
    name: str
    periods: list[str]
    completers: list[float | None]
    others: list[float | None]
    median_completion: int | None
    effect: dict
    scores: list[tuple[float, float]] = field(default_factory=list)
    gains: list[tuple[float, float]] = field(default_factory=list)
    r_score: float | None = None
    r_gain: float | None = None


def module_paths(module_id: int, params: RoiParams | None = None) -> list[KpiPath]:
    """For each KPI the module targets: the two paths, the effect, and the correlations."""
    params = params or RoiParams()
    inputs = RoiInputs.load()
    estimates = estimate(inputs, params, module_ids=[module_id])
    effects = estimates.effects.set_index("kpi_id")
    levels = learner_levels()
    levels = levels[levels["module_id"] == module_id].set_index("learner_id")
    completion_dates = inputs.first_completions()
    completion_dates = completion_dates[completion_dates["module_id"] == module_id]["t"]
    kpis = inputs.kpis.set_index("kpi_id")
    paths = []
    for kpi_id, effect in effects.iterrows():
        means = _means(module_id, int(kpi_id))
        periods = sorted(means["period_start"].unique())
        table = means.pivot_table(index="period_start", columns="completer", values="mean")
        labels = [pd.Timestamp(p).strftime("%Y-%m-%d") for p in periods]
        marker = None
        if len(completion_dates):
            median = completion_dates.sort_values().iloc[len(completion_dates) // 2]
            marker = int(sum(pd.Timestamp(p) <= median for p in periods)) - 1
        changes = estimates.treated_changes
        changes = (
            changes[(changes["kpi_id"] == kpi_id)]
            .dropna(subset=["change"])
            .set_index("learner_id")["change"]
        )
        joined = levels.join(changes, how="inner")
        scores = joined[["post_score", "change"]].dropna()
        gains = (
            (joined["post_score"] - joined["pre_score"])
            .to_frame("gain")
            .join(joined["change"])
            .dropna()
        )
        paths.append(
            KpiPath(
                kpi=kpis.loc[kpi_id, "key"],
                name=kpis.loc[kpi_id, "name"],
                periods=labels,
                completers=_column(table, True, periods),
                others=_column(table, False, periods),
                median_completion=marker,
                effect=_plain(effect.to_dict()),
                scores=list(scores.itertuples(index=False, name=None)),
                gains=list(gains.itertuples(index=False, name=None)),
                r_score=_pearson(scores),
                r_gain=_pearson(gains),
            )
        )
    return paths


def _means(module_id: int, kpi_id: int) -> pd.DataFrame:
    completers = select(Completion.learner_id).where(Completion.module_id == module_id)
    is_completer = case((KpiValue.learner_id.in_(completers), True), else_=False)
    return frame(
        select(
            KpiValue.period_start,
            is_completer.label("completer"),
            func.avg(KpiValue.value).label("mean"),
        )
        .where(KpiValue.kpi_id == kpi_id)
        .group_by(KpiValue.period_start, is_completer)
    ).astype({"completer": bool, "mean": float})


def _plain(row: dict) -> dict:
    """An effects row with None for missing numbers (pandas gives NaN)."""
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}


def _column(table: pd.DataFrame, key: bool, periods) -> list[float | None]:
    if key not in table.columns:
        return [None] * len(periods)
    return [None if pd.isna(v) else float(v) for v in table[key].reindex(periods)]


def _pearson(pairs: pd.DataFrame) -> float | None:
    if len(pairs) < 3:
        return None
    r = pairs.iloc[:, 0].astype(float).corr(pairs.iloc[:, 1].astype(float))
    return None if r is None or math.isnan(r) else float(r)
