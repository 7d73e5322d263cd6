"""Effects and benefits of every module (or module version) on every KPI it targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import effects_table, loader
from .batch_did import PairBatch, did_batch
from .diagnostics import Placebo
from .effects import EffectEstimate, RoiParams, participant_effect
from .effects_table import Estimates
from .kpis_ahead import KpisAhead
from .money import attribution_claims, module_costs
from .outlier_batch import outlier_rows_batch
from .pair_effects import PairInput, did
from .panel import day_numbers


@dataclass
class RoiInputs:
    """Everything the ROI analysis reads from the database, as DataFrames."""

    completions: pd.DataFrame
    modules: pd.DataFrame
    kpis: pd.DataFrame
    module_kpis: pd.DataFrame
    learners: pd.DataFrame
    cost_items: pd.DataFrame
    program_modules: pd.DataFrame
    tutoring: pd.DataFrame
    follow_ups: pd.DataFrame

    @classmethod
    def load(cls) -> RoiInputs:
        return cls(
            loader.completions(),
            loader.modules(),
            loader.kpis(),
            loader.module_kpis(),
            loader.learners(),
            loader.cost_items(),
            loader.program_modules(),
            loader.tutoring_cost_by_program(),
            loader.follow_up_estimates(),
        )

    def first_completions(self) -> pd.DataFrame:
        """Each learner's first completion of each module (the treatment date ``t``)."""
        ordered = self.completions.sort_values(["t", "id"])
        return ordered.drop_duplicates(["learner_id", "module_id"])[
            ["learner_id", "module_id", "version", "t"]
        ]

    def costs(self) -> pd.DataFrame:
        return module_costs(
            self.completions,
            self.modules,
            self.learners,
            self.cost_items,
            self.program_modules,
            self.tutoring,
        )


def estimate(
    inputs: RoiInputs,
    params: RoiParams,
    *,
    by_version: bool = False,
    module_ids: list[int] | None = None,
    ahead: KpisAhead | None = None,
) -> Estimates:
    """Isolate each unit's effect on each linked KPI and convert it into money.

    A unit is a module, or a (module, version) pair with ``by_version``; a
    learner belongs to the version of their first completion. Each effect
    comes with its diagnostics (DESIGN §7b): the placebo test on windows before
    training, the minimum detectable effect and the ``underpowered`` verdict.

    All pairs of a KPI share one read of its values and one computation of
    every learner's change per window signature (:mod:`.panel`), prepared by a
    worker thread (``ahead``: one already started, else one of its own, see
    :mod:`.kpis_ahead`); each pair then only touches its own completers
    (:mod:`.pair_effects`).
    """
    if ahead is None:
        linked = inputs.module_kpis
        if module_ids is not None:
            linked = linked[linked["module_id"].isin(module_ids)]
        completed = linked["module_id"].isin(inputs.completions["module_id"].unique())
        with KpisAhead(linked.loc[completed, "kpi_id"].unique(), params) as own:
            own.go()  # the inputs are read already
            return estimate(inputs, params, by_version=by_version, module_ids=module_ids, ahead=own)
    # The KPIs' values are being read and prepared in the worker thread, while this
    # thread works out who was treated when.
    first = inputs.first_completions().reset_index(drop=True)
    first["unit"] = (
        list(zip(first["module_id"], first["version"], strict=True))
        if by_version
        else first["module_id"]
    )
    units = first[["unit", "module_id"]].drop_duplicates("unit")
    pairs = units.merge(inputs.module_kpis, on="module_id")
    if module_ids is not None:
        pairs = pairs[pairs["module_id"].isin(module_ids)]
    pairs = pairs.reset_index(drop=True)
    kpis = inputs.kpis.set_index("kpi_id")
    # The worker works the claims out once the KPIs are prepared.
    claims = ahead.later(attribution_claims, first, inputs.module_kpis)
    results = _estimate_pairs(ahead, first, pairs, inputs.follow_ups, kpis, params)
    return effects_table.assemble(pairs, results, claims.result(), kpis, params)


@dataclass
class _PairResult:
    result: EffectEstimate | None
    placebo: Placebo | None
    learner_ids: np.ndarray  # treated learners, in ``first`` order
    change: np.ndarray  # their changes (before any outlier is left out)
    kept: np.ndarray  # their changes with the outliers left out (if asked)
    outliers: list[int]
    direction: int


def _estimate_pairs(ahead, first, pairs, follow_ups, kpis, params) -> list[_PairResult]:
    """Every pair's estimate, KPI by KPI as ``ahead`` prepares them."""
    days = day_numbers(first["t"])
    learner_ids = first["learner_id"].to_numpy(dtype=np.int64)
    by_unit = first.groupby("unit", sort=False).indices
    by_module = first.groupby("module_id", sort=False).indices
    results: list[_PairResult | None] = [None] * len(pairs)
    groups = list(pairs.groupby("kpi_id", sort=True))
    ahead.give_days(
        {
            int(kpi_id): np.unique(np.concatenate([days[by_unit[u]] for u in group["unit"]]))
            for kpi_id, group in groups
        }
    )
    for kpi_id, group in groups:
        work = ahead.prepared(int(kpi_id))
        treated = (learner_ids, days, by_unit, by_module)
        _estimate_group(work, kpi_id, group, treated, follow_ups, kpis, params, results)
    return results


def _estimate_group(work, kpi_id, group, first, follow_ups, kpis, params, results) -> None:
    """The pairs of one KPI (``group``), written into ``results`` at their index."""
    learner_ids, days, by_unit, by_module = first
    rows = work.panel.index(learner_ids)
    direction = 1 if kpis.loc[kpi_id, "direction"] == "higher" else -1
    inputs = []
    for unit, module_id in group[["unit", "module_id"]].itertuples(index=False):
        treated = by_unit[unit]
        completers = by_module[module_id]
        completers = completers[rows[completers] >= 0]
        completers = completers[np.argsort(days[completers], kind="stable")]
        inputs.append(
            PairInput(
                learner_ids[treated],
                rows[treated],
                days[treated],
                rows[completers],
                days[completers],
                direction,
            )
        )
    done = _estimate_kpi(work.real, work.placebo, work.pool, work.panel.learners, inputs, params)
    for index, module_id, pair_done in zip(group.index, group["module_id"], done, strict=True):
        if pair_done.result is None:
            pair_done.result = _participant(pair_done, module_id, follow_ups)
        pair_done.result.n_outliers = len(pair_done.outliers)
        pair_done.result.outliers = pair_done.outliers
        results[index] = pair_done


def _estimate_kpi(real, placebo, pool, panel_learners, inputs, params) -> list[_PairResult]:
    """Outlier screening (:mod:`.outlier_batch`), then the real and placebo difference
    in differences of every pair at once (:mod:`.batch_did`); a pair with outliers left
    out takes the pair-by-pair path (:mod:`.pair_effects`). ``inputs``: one KPI's pairs."""
    batch, n_pairs = PairBatch.of(inputs), len(inputs)
    change = batch.treated_changes(real)
    placebo_change = batch.treated_changes(placebo)
    t_bounds = np.searchsorted(batch.t_pair, np.arange(n_pairs + 1))
    flagged = outlier_rows_batch(real, pool, batch, change, n_pairs, params)
    kept, placebo_kept = change.copy(), placebo_change.copy()
    removed = {}
    if params.exclude_outliers:
        for p, rows in enumerate(flagged):
            if len(rows):
                removed[p] = rows
                t = slice(t_bounds[p], t_bounds[p + 1])
                out = np.isin(batch.t_ids[t], panel_learners[rows])
                kept[t][out] = np.nan
                placebo_kept[t][out] = np.nan
    estimates = did_batch(real, batch, kept, n_pairs, params)
    tests = did_batch(placebo, batch, placebo_kept, n_pairs, params)
    done = []
    for p, pair in enumerate(inputs):
        t = slice(t_bounds[p], t_bounds[p + 1])
        if p in removed:
            estimates[p] = did(real, pair, kept[t], removed[p], params)
            tests[p] = did(placebo, pair, placebo_kept[t], removed[p], params)
        test = tests[p]
        placebo_result = None
        if test is not None:
            placebo_result = Placebo(
                test.effect,
                test.std_error,
                test.ci_low,
                test.ci_high,
                test.n_treated,
                test.n_control,
            )
        done.append(
            _PairResult(
                estimates[p],
                placebo_result,
                pair.learner_ids,
                change[t],
                kept=kept[t],
                outliers=sorted(int(i) for i in panel_learners[flagged[p]]),
                direction=pair.direction,
            )
        )
    return done


def _participant(done: _PairResult, module_id, follow_ups) -> EffectEstimate:
    """The participant follow-up estimate of a pair without a control group (§7 step 4)."""
    follow = follow_ups[follow_ups["module_id"] == module_id]
    treated = pd.DataFrame({"learner_id": done.learner_ids, "change": done.kept}).merge(
        follow[["learner_id", "attribution_pct", "confidence_pct"]],
        on="learner_id",
        how="left",
    )
    return participant_effect(treated, done.direction)
