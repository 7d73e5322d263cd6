"""Money: annualised benefits, attribution claims, fully loaded costs and ROI metrics."""

from __future__ import annotations

import pandas as pd

PERIODS_PER_YEAR = {"day": 365, "week": 52, "month": 12, "quarter": 4}


def annual_value(effect: float, period: str, horizon_months: int, value_per_unit: float) -> float:
    """Money one learner's effect is worth over the benefit horizon (first-year by default)."""
    return effect * PERIODS_PER_YEAR[period] * horizon_months / 12 * value_per_unit


def attribution_claims(first: pd.DataFrame, module_kpis: pd.DataFrame) -> pd.DataFrame:
    """Each module's claim on a learner's change in each KPI it targets.

    The claim is the ``ModuleKpi.weight``; when the modules a learner completed
    claim more than 100 % of the same KPI together, their claims are scaled
    down in proportion so they split that learner's effect.
    ``first``: ``learner_id``, ``module_id``. Returns ``learner_id``,
    ``module_id``, ``kpi_id``, ``claim``.
    """
    links = first[["learner_id", "module_id"]].drop_duplicates().merge(module_kpis, on="module_id")
    total = links.groupby(["learner_id", "kpi_id"])["weight"].transform("sum")
    return links.assign(claim=links["weight"] / total.clip(lower=1.0))[
        ["learner_id", "module_id", "kpi_id", "claim"]
    ]


def roi_metrics(benefit: float, cost: float) -> dict[str, float | None]:
    """Net benefit, ROI %, benefit-cost ratio and payback months (None when undefined).

    Unrounded: pages and printouts round for reading, data keeps every digit.
    """
    return {
        "net_benefit": float(benefit - cost),
        "roi_pct": float((benefit - cost) / cost * 100) if cost > 0 else None,
        "bcr": float(benefit / cost) if cost > 0 else None,
        "payback_months": float(cost / (benefit / 12)) if benefit > 0 else None,
    }


def module_costs(
    completions: pd.DataFrame,
    modules: pd.DataFrame,
    learners: pd.DataFrame,
    cost_items: pd.DataFrame,
    program_modules: pd.DataFrame,
    tutoring: pd.DataFrame,
) -> pd.DataFrame:
    """Fully loaded cost per module (Phillips): fixed items, per-learner items x completions,
    participant time, and the module's equal share of its programs' costs and tutoring time.

    Returns one row per module id with ``n_completions``, ``fixed``,
    ``per_learner_rate``, ``per_learner``, ``participant_time``, ``program_share``, ``cost``,
    and ``tutoring``: the part of ``program_share`` that is tutors' time (DESIGN §7 step 6),
    already inside ``cost``, kept apart so reports can show it as a cost line of its own.
    """
    index = pd.Index(modules["module_id"], name="module_id")
    by_module = cost_items.dropna(subset=["module_id"]).astype({"module_id": int})
    fixed = by_module[by_module["basis"] == "fixed"].groupby("module_id")["amount"].sum()
    rate = by_module[by_module["basis"] == "per_learner"].groupby("module_id")["amount"].sum()
    n_completions = completions.groupby("module_id").size()
    time_cost = participant_time(completions, modules, learners).groupby("module_id").sum()
    share = program_share(completions, cost_items, program_modules, tutoring)
    out = pd.DataFrame(index=index)
    out["n_completions"] = n_completions.reindex(index, fill_value=0).astype(int)
    out["fixed"] = fixed.reindex(index, fill_value=0.0)
    out["per_learner_rate"] = rate.reindex(index, fill_value=0.0)
    out["per_learner"] = out["per_learner_rate"] * out["n_completions"]
    out["participant_time"] = time_cost.reindex(index, fill_value=0.0)
    out["program_share"] = share.reindex(index, fill_value=0.0)
    out["cost"] = out[["fixed", "per_learner", "participant_time", "program_share"]].sum(axis=1)
    tutoring_part = tutoring_share(program_modules, tutoring)
    out["tutoring"] = tutoring_part.reindex(index, fill_value=0.0).astype(float)
    return out


#: The lines of a cost breakdown (report rows' ``cost_breakdown``); they add up to ``cost``.
COST_LINES = ("cost_items", "participant_time", "program_items", "tutoring_time")


def cost_lines(costs: pd.DataFrame) -> dict[str, float]:
    """The cost breakdown of modules (rows of :func:`module_costs`), summed; it adds up to
    their ``cost``.

    ``cost_items``: the modules' own fixed and per-learner items; ``participant_time``:
    learners' time; ``program_items``: their share of their programs' own cost items;
    ``tutoring_time``: their share of their programs' tutoring time. Unrounded, like every
    report figure.
    """
    return {
        "cost_items": float((costs["fixed"] + costs["per_learner"]).sum()),
        "participant_time": float(costs["participant_time"].sum()),
        "program_items": float((costs["program_share"] - costs["tutoring"]).sum()),
        "tutoring_time": float(costs["tutoring"].sum()),
    }


def participant_time(completions, modules, learners) -> pd.Series:
    """Cost of each completion's learning time: duration / 60 x the learner's hourly cost."""
    rows = (
        completions[["module_id", "learner_id"]]
        .merge(modules[["module_id", "duration_minutes"]], on="module_id")
        .merge(learners[["learner_id", "hourly_cost"]], on="learner_id")
    )
    return pd.Series(
        (rows["duration_minutes"] / 60 * rows["hourly_cost"]).to_numpy(),
        index=pd.Index(rows["module_id"], name="module_id"),
        dtype=float,
    )


def program_costs(completions, cost_items, program_modules, tutoring) -> pd.Series:
    """Per program: its own fixed items, per-learner items x learners who completed any of
    its modules, and its tutors' time."""
    items = cost_items.dropna(subset=["program_id"]).astype({"program_id": int})
    fixed = items[items["basis"] == "fixed"].groupby("program_id")["amount"].sum()
    rate = items[items["basis"] == "per_learner"].groupby("program_id")["amount"].sum()
    reached = completions[["learner_id", "module_id"]].merge(program_modules, on="module_id")
    learners_reached = reached.groupby("program_id")["learner_id"].nunique()
    tutoring_cost = tutoring.set_index("program_id")["tutoring_cost"] if len(tutoring) else None
    programs = pd.Index(
        sorted(set(program_modules["program_id"]) | set(items["program_id"])), name="program_id"
    )
    total = fixed.reindex(programs, fill_value=0.0) + (
        rate.reindex(programs, fill_value=0.0) * learners_reached.reindex(programs, fill_value=0)
    )
    if tutoring_cost is not None:
        total = total + tutoring_cost.reindex(programs, fill_value=0.0)
    return total


def program_share(completions, cost_items, program_modules, tutoring) -> pd.Series:
    """Each module's equal share of the costs of the programs it belongs to."""
    totals = program_costs(completions, cost_items, program_modules, tutoring)
    return _equal_shares(program_modules, totals)


def tutoring_share(program_modules, tutoring) -> pd.Series:
    """Each module's equal share of the tutoring time of the programs it belongs to
    (the part of :func:`program_share` that is tutors' time)."""
    if not len(tutoring):
        return pd.Series(dtype=float)
    return _equal_shares(program_modules, tutoring.set_index("program_id")["tutoring_cost"])


def _equal_shares(program_modules: pd.DataFrame, totals: pd.Series) -> pd.Series:
    """Per module: the sum over its programs of the program's total / its number of modules."""
    if program_modules.empty:
        return pd.Series(dtype=float)
    sizes = program_modules.groupby("program_id")["module_id"].transform("count")
    per_module = program_modules.assign(
        share=program_modules["program_id"].map(totals).fillna(0.0) / sizes
    )
    return per_module.groupby("module_id")["share"].sum()
