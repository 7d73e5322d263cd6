"""Does tutoring pay? Mentees compared with non-mentees who took the same modules.

The design, figure by figure:

* **Mentee**: a learner who is the mentee of at least one tutoring pair with at least one
  session logged, whatever the pair's status or program today. Every other learner is a
  non-mentee (tutors included, unless they were mentees themselves). Being a mentee belongs
  to the learner, not to a module: a mentee counts as one in every module they took.
* **Took a module**: started it (a ``ModuleProgress`` row) or completed it (a
  ``Completion``; imported completions have no progress row). Every comparison is made
  module by module, among the learners who took that module.
* **Completion rate** of a group in a module: learners who completed it / learners who took
  it, in percent (as the ROI report's ``completion_rate_pct``).
* **Knowledge gain**: Hake's normalised gain ``(post - pre) / (100 - pre)`` of
  :mod:`~lms_roi.analytics.knowledge` (first pre-test attempt, best post-test attempt:
  :func:`~lms_roi.analytics.knowledge.pre_post_scores`), averaged over the learners with
  both scores and a pre-test below 100.
* **KPI effect**, per module and KPI it targets, among the module's completers: a difference
  in differences of mentees against non-mentees. Each completer's change is the ROI report's
  (DESIGN §7 step 1: mean KPI value in the post window minus the pre window around their own
  first completion, :attr:`Estimates.treated_changes`), and the effect is the ROI report's
  :func:`~lms_roi.analytics.effects.did_effect` with mentee completers as the treated group
  and non-mentee completers as the controls, all in one cohort:
  ``direction x (mean change of mentees - mean change of non-mentees)``, which is the
  coefficient of a mentee dummy in an OLS regression of the change, with its classical
  standard error and Student-t 95 % CI. Both groups took the module, so its own effect
  cancels out and what is left is what came with tutoring — assuming both groups would have
  moved alike without it (mentees are not drawn at random, so read it as an association).
  Positive means the mentees improved more. Its money value per mentee over the benefit
  horizon is :func:`~lms_roi.analytics.money.annual_value`, as in the ROI report.
* **Minimum cell** (DESIGN §8): a comparison needs at least :data:`MIN_CELL` learners on each
  side (with a value for that figure); with fewer it is not shown, and ``reason`` says why.
* **Overall**: the modules whose comparison is shown, weighted by their number of mentees, for
  both groups — non-mentees are re-weighted to the mentees' mix of modules, so a difference
  never comes from mentees taking other modules. KPI effects do not share a unit: they pool
  per KPI, weighted by mentees (:func:`~lms_roi.analytics.pooled.pooled_effect_rows`, as the
  ROI report's method rows).
* **Tutoring cost per mentee**: tutors' time in every session (minutes / 60 x the tutor's
  hourly cost, :func:`~lms_roi.analytics.loader.tutoring_cost_by_mentee`, the ROI report's
  costing of DESIGN §7 step 6) / the number of mentees. Mentees' own time is not counted,
  as in the ROI report; unlike it, sessions of pairs without a program count too.

Every figure is unrounded; pages round for reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from sqlalchemy import func, literal, select, union_all

from lms_roi.models import Completion, ModuleProgress, Quiz

from . import loader
from .cache import cached
from .effects import RoiParams, did_effect
from .estimate import RoiInputs, estimate
from .knowledge import pre_post_scores
from .money import annual_value
from .pooled import pooled_effect_rows

#: Fewest learners on each side of a comparison (DESIGN §8).
MIN_CELL = 5
#: Why a comparison is not shown (the last one: an overall figure without any module shown).
REASONS = ("too_few_mentees", "too_few_others", "too_few_on_both_sides", "no_module_shown")
COMPARISON_COLUMNS = ["n_mentees", "n_others", "mentees", "others", "difference", "reason"]


@dataclass(frozen=True)
class Comparison:
    """Mentees against non-mentees on one figure; the values are None when not shown."""

    n_mentees: int
    n_others: int
    mentees: float | None = None
    others: float | None = None
    difference: float | None = None
    reason: str | None = None  # one of REASONS, None when shown
    std_error: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    value_per_mentee: float | None = None  # KPI effects: its money over the benefit horizon

    @property
    def shown(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class KpiComparison:
    """One KPI's effect (of a module, or pooled over ``n_modules`` modules overall)."""

    kpi: str
    name: str
    unit: str
    period: str  # the KPI's period: an effect is per learner and period
    comparison: Comparison
    n_modules: int = 1


@dataclass(frozen=True)
class ModuleValue:
    """One module: completion rate, knowledge gain and the effect on each KPI it targets."""

    module: str
    title: str
    completion: Comparison
    gain: Comparison
    kpis: list[KpiComparison] = field(default_factory=list)


@dataclass(frozen=True)
class TutoringCost:
    n_mentees: int
    n_sessions: int
    minutes: int
    cost: float
    cost_per_mentee: float | None


@dataclass(frozen=True)
class TutoringValue:
    modules: list[ModuleValue]
    completion: Comparison  # overall, weighted by module
    gain: Comparison
    kpis: list[KpiComparison]  # overall per KPI (pooled over modules)
    n_modules: dict[str, int]  # how many modules each overall figure stands on
    cost: TutoringCost
    min_cell: int = MIN_CELL


# -- pure functions of DataFrames ------------------------------------------------------------
def suppression(n_mentees, n_others, min_cell: int = MIN_CELL):
    """The reason a comparison is not shown (None where both sides have ``min_cell``)."""
    few_m = np.asarray(n_mentees) < min_cell
    few_o = np.asarray(n_others) < min_cell
    reason = np.select(
        [few_m & few_o, few_m, few_o],
        ["too_few_on_both_sides", "too_few_mentees", "too_few_others"],
        default="",
    )
    return np.where(reason == "", None, reason).astype(object)


def compare_means(values: pd.DataFrame, mentee_ids, min_cell: int = MIN_CELL) -> pd.DataFrame:
    """Per module: the mean ``value`` of mentees and of non-mentees, and mentees minus others.

    ``values``: ``learner_id``, ``module_id``, ``value`` (NaN rows are left out). Returns
    :data:`COMPARISON_COLUMNS` indexed by ``module_id``; a module short of ``min_cell``
    learners on either side keeps its counts, loses its means and gets a ``reason``.
    """
    rows = values.dropna(subset=["value"])
    if rows.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS, index=pd.Index([], name="module_id"))
    rows = rows.assign(mentee=rows["learner_id"].isin(set(mentee_ids)))
    stats = rows.groupby(["module_id", "mentee"])["value"].agg(["count", "mean"])
    stats = stats.unstack("mentee").reindex(columns=[True, False], level=1)
    counts = stats["count"].fillna(0).astype(int)
    out = pd.DataFrame(index=stats.index.rename("module_id"))
    out["n_mentees"], out["n_others"] = counts[True], counts[False]
    reason = suppression(out["n_mentees"], out["n_others"], min_cell)
    out["reason"] = pd.Series(reason, index=out.index, dtype=object)  # None when shown
    hidden = out["reason"].notna()
    out["mentees"] = stats["mean"][True].astype(float).mask(hidden)
    out["others"] = stats["mean"][False].astype(float).mask(hidden)
    out["difference"] = out["mentees"] - out["others"]
    return out[COMPARISON_COLUMNS]


def overall(per_module: pd.DataFrame) -> tuple[Comparison, int]:
    """The shown modules' comparisons weighted by their mentees (both groups alike).

    Returns the overall comparison and the number of modules it stands on.
    """
    shown = per_module[per_module["reason"].isna()]
    n_mentees, n_others = int(shown["n_mentees"].sum()), int(shown["n_others"].sum())
    if shown.empty:
        total_m, total_o = int(per_module["n_mentees"].sum()), int(per_module["n_others"].sum())
        return Comparison(total_m, total_o, reason="no_module_shown"), 0
    weights = shown["n_mentees"] / shown["n_mentees"].sum()
    mentees = float((weights * shown["mentees"]).sum())
    others = float((weights * shown["others"]).sum())
    return Comparison(n_mentees, n_others, mentees, others, mentees - others), len(shown)


def normalised_gains(scores: pd.DataFrame) -> pd.Series:
    """Hake's gain ``(post - pre) / (100 - pre)`` per row (NaN without both scores or at a
    pre-test of 100): :func:`~lms_roi.analytics.knowledge.knowledge_gain`, vectorised."""
    pre, post = scores["pre"].astype(float), scores["post"].astype(float)
    return ((post - pre) / (100.0 - pre)).where(pre < 100)


def kpi_effects(
    changes: pd.DataFrame, mentee_ids, directions: pd.Series, min_cell: int = MIN_CELL
) -> pd.DataFrame:
    """Per (module, KPI): mentee completers against non-mentee completers (module docstring).

    ``changes``: ``learner_id``, ``module_id``, ``kpi_id``, ``change`` (NaN when a window
    has no value); ``directions``: +1 or -1 per ``kpi_id``. Returns one row per
    (``module_id``, ``kpi_id``) with :data:`COMPARISON_COLUMNS` (``mentees`` and ``others``
    are mean raw changes, ``difference`` the effect) and ``std_error``, ``ci_low``, ``ci_high``.
    """
    columns = ["module_id", "kpi_id", *COMPARISON_COLUMNS, "std_error", "ci_low", "ci_high"]
    mentees = set(mentee_ids)
    records = []
    for (module_id, kpi_id), group in changes.groupby(["module_id", "kpi_id"]):
        with_data = group.dropna(subset=["change"]).assign(t=0)  # one cohort
        is_mentee = with_data["learner_id"].isin(mentees)
        treated, controls = with_data[is_mentee], with_data[~is_mentee]
        reason = _reason(len(treated), len(controls), min_cell)
        record = {"module_id": module_id, "kpi_id": kpi_id, "reason": reason}
        record.update(n_mentees=len(treated), n_others=len(controls))
        if reason is None:
            result = did_effect(treated, controls, int(directions[kpi_id]), min_cell)
            record.update(
                mentees=float(treated["change"].mean()),
                others=float(controls["change"].mean()),
                difference=result.effect,
                std_error=result.std_error,
                ci_low=result.ci_low,
                ci_high=result.ci_high,
            )
        records.append(record)
    return pd.DataFrame.from_records(records, columns=columns)


def _reason(n_mentees: int, n_others: int, min_cell: int = MIN_CELL) -> str | None:
    return suppression([n_mentees], [n_others], min_cell)[0]


# -- from the database -------------------------------------------------------------------------
def module_takers() -> pd.DataFrame:
    """``learner_id``, ``module_id``, ``completed`` (0 or 1) per learner who took a module."""
    started = select(
        ModuleProgress.learner_id, ModuleProgress.module_id, literal(0).label("completed")
    )
    done = select(Completion.learner_id, Completion.module_id, literal(1).label("completed"))
    both = union_all(started, done).subquery()
    return loader.frame(
        select(
            both.c.learner_id, both.c.module_id, func.max(both.c.completed).label("completed")
        ).group_by(both.c.learner_id, both.c.module_id)
    ).astype({"completed": float})


def tutoring_value(params: RoiParams | None = None) -> TutoringValue:
    """The whole comparison, cached by data version like the ROI reports."""
    params = params or RoiParams()
    return cached(("tutoring_value", params), lambda: _compute(params))


def _compute(params: RoiParams) -> TutoringValue:
    per_mentee = loader.tutoring_cost_by_mentee()
    mentee_ids = set(per_mentee["mentee_id"].astype(int))
    takers = module_takers()
    completion = compare_means(takers.assign(value=takers["completed"] * 100), mentee_ids, MIN_CELL)
    scores = loader.frame(pre_post_scores(Quiz.module_id)).rename(columns={"owner_id": "module_id"})
    gain = compare_means(scores.assign(value=normalised_gains(scores)), mentee_ids, MIN_CELL)
    inputs = RoiInputs.load()
    kpis = inputs.kpis.set_index("kpi_id")
    changes = estimate(inputs, params).treated_changes
    effects = kpi_effects(
        changes, mentee_ids, kpis["direction"].map({"higher": 1, "lower": -1}), MIN_CELL
    )
    modules = inputs.modules.set_index("module_id")
    rows = []
    taken = sorted(set(completion.index) | set(gain.index), key=lambda m: modules.loc[m, "title"])
    for module_id in taken:
        rows.append(
            ModuleValue(
                module=modules.loc[module_id, "slug"],
                title=modules.loc[module_id, "title"],
                completion=_comparison(completion, module_id),
                gain=_comparison(gain, module_id),
                kpis=[
                    _kpi(kpis.loc[e.kpi_id], e._asdict(), params)
                    for e in effects[effects["module_id"] == module_id].itertuples(index=False)
                ],
            )
        )
    overall_completion, n_completion = overall(completion)
    overall_gain, n_gain = overall(gain)
    return TutoringValue(
        modules=rows,
        completion=overall_completion,
        gain=overall_gain,
        kpis=_pooled(effects, kpis, params),
        n_modules={"completion": n_completion, "gain": n_gain},
        cost=_cost(per_mentee),
    )


def _comparison(table: pd.DataFrame, module_id: int) -> Comparison:
    if module_id not in table.index:
        return Comparison(0, 0, reason=_reason(0, 0))
    return _from_record(table.loc[module_id].to_dict())


def _from_record(record: dict) -> Comparison:
    def number(key):
        value = record.get(key)
        return None if value is None or pd.isna(value) else float(value)

    return Comparison(
        n_mentees=int(record["n_mentees"]),
        n_others=int(record["n_others"]),
        mentees=number("mentees"),
        others=number("others"),
        difference=number("difference"),
        reason=record["reason"] if isinstance(record["reason"], str) else None,
        std_error=number("std_error"),
        ci_low=number("ci_low"),
        ci_high=number("ci_high"),
        value_per_mentee=number("value_per_mentee"),
    )


def _kpi(kpi: pd.Series, record: dict, params: RoiParams) -> KpiComparison:
    effect = record.get("difference")
    if effect is not None and not pd.isna(effect):
        record = {**record, "value_per_mentee": _money(kpi, effect, params)}
    return KpiComparison(kpi["key"], kpi["name"], kpi["unit"], kpi["period"], _from_record(record))


def _money(kpi: pd.Series, effect: float, params: RoiParams) -> float:
    return float(annual_value(effect, kpi["period"], params.horizon_months, kpi["value_per_unit"]))


def _pooled(effects: pd.DataFrame, kpis: pd.DataFrame, params: RoiParams) -> list[KpiComparison]:
    """Per KPI, the shown module effects pooled, weighted by mentees (a KPI of one module
    keeps that module's figures, its Student-t interval included)."""
    shown = effects[effects["reason"].isna()]
    if shown.empty:
        return []
    keyed = shown.assign(
        kpi=shown["kpi_id"].map(kpis["key"]),
        effect=shown["difference"],
        n_treated=shown["n_mentees"],
    )
    by_key = kpis.reset_index().set_index("key")
    out = []
    for entry in pooled_effect_rows(keyed):
        rows = keyed[keyed["kpi"] == entry["kpi"]]
        kpi = by_key.loc[entry["kpi"]]
        if len(rows) == 1:
            comparison = _from_record(rows.iloc[0].to_dict())
        else:
            comparison = Comparison(
                n_mentees=int(rows["n_mentees"].sum()),
                n_others=int(rows["n_others"].sum()),
                difference=entry["effect"],
                ci_low=entry["ci_low"],
                ci_high=entry["ci_high"],
            )
        comparison = replace(comparison, value_per_mentee=_money(kpi, entry["effect"], params))
        out.append(
            KpiComparison(
                entry["kpi"],
                kpi["name"],
                kpi["unit"],
                kpi["period"],
                comparison,
                n_modules=entry["n_modules"],
            )
        )
    return out


def _cost(per_mentee: pd.DataFrame) -> TutoringCost:
    n = len(per_mentee)
    total = float(per_mentee["tutoring_cost"].astype(float).sum())
    return TutoringCost(
        n_mentees=n,
        n_sessions=int(per_mentee["n_sessions"].sum()),
        minutes=int(per_mentee["minutes"].sum()),
        cost=total,
        cost_per_mentee=total / n if n else None,
    )
