"""ROI reports by module, learner, method, program, module version and team.

Rows follow the JSON contract of the CLI and the REST API; levels 1-3 and
intangibles travel beside them in :attr:`RoiReport.levels`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select

from lms_roi.i18n import current_locale
from lms_roi.models import Program, ProgramModule, Team

from . import levels as lv
from .cache import cached
from .effects import RoiParams
from .estimate import Estimates, RoiInputs, estimate
from .kpis_ahead import KpisAhead
from .loader import frame
from .money import cost_lines, program_costs
from .notes import method_notes
from .pooled import pooled_effect_rows, pooled_text
from .unit_rows import UnitRows, money, number

REPORTS = ("module", "learner", "method", "program", "version", "team")
METHODS = ("in_person", "online", "blended", "micro_learning")


@dataclass
class RoiReport:
    """Report rows, their levels 1-3 and intangibles (same order), and method notes."""

    by: str
    rows: list[dict]
    levels: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: By method only: per row, the pooled KPI effects (see :func:`pooled_effect_rows`).
    pooled: list[list[dict]] = field(default_factory=list)


def roi_report(by: str, params: RoiParams | None = None) -> RoiReport:
    """Compute the ROI report ``by`` one of :data:`REPORTS`."""
    return roi_reports([by], params)[by]


def roi_reports(bys: list[str], params: RoiParams | None = None) -> dict[str, RoiReport]:
    """Several ROI reports from one read of the data and one estimation per kind of unit."""
    unknown = [by for by in bys if by not in REPORTS]
    if unknown:
        raise ValueError(f"unknown report {unknown[0]!r}; use one of {', '.join(REPORTS)}")
    params = params or RoiParams()
    # Notes are worded in the reader's language: it is part of what is cached.
    key = ("roi_reports", tuple(bys), params, current_locale())
    return dict(cached(key, lambda: _compute_reports(bys, params)))


def _compute_reports(bys: list[str], params: RoiParams) -> dict[str, RoiReport]:
    # The KPIs' values are read in a worker thread while the other inputs load.
    with KpisAhead.linked(params) as ahead:
        inputs = RoiInputs.load()
        ahead.go()
        costs = ahead.later(inputs.costs)  # pandas only: the worker, once the KPIs are done
        estimates: dict[bool, Estimates] = {
            by_version: estimate(inputs, params, by_version=by_version, ahead=ahead)
            for by_version in dict.fromkeys(by == "version" for by in bys)
        }
    levels, enrolled = lv.learner_levels(), lv.enrolled_learners()
    reports = {}
    for by in bys:
        by_version = by == "version"
        context = _Context(inputs, estimates[by_version], params, costs.result())
        rows, membership = getattr(context, f"by_{by}")()
        report_levels = lv.levels_by_group(
            levels, membership, enrolled, len(rows), per_person=by in ("learner", "team")
        )
        for row_levels, extra in zip(report_levels, context.extra, strict=False):
            row_levels.update(extra)
        reports[by] = RoiReport(by, rows, report_levels, method_notes(params), context.pooled)
    return reports


class _Context(UnitRows):
    """Builds the rows of each report and, for the levels, which completions form each row.

    Every ``by_*`` method returns ``(rows, membership)``; ``membership`` has one
    line per (row index ``group``, ``learner_id``, ``module_id``) completion.
    """

    def __init__(
        self, inputs: RoiInputs, estimates: Estimates, params: RoiParams, costs: pd.DataFrame
    ):
        self.inputs = inputs
        self.effects = estimates.effects
        self.learner_benefits = estimates.learner_benefits
        self.params = params
        self.costs = costs  # RoiInputs.costs(), worked out in the KPI worker
        self.modules = inputs.modules.set_index("module_id")
        self.completions = inputs.completions
        self.hourly = inputs.learners.set_index("learner_id")["hourly_cost"]
        self.extra: list[dict] = []  # per-row additions to the levels (same order as rows)
        self._linked = set(inputs.module_kpis["module_id"])
        self.pooled: list[list[dict]] = []  # by method: pooled effects for the pages

    def _sorted(self, rows: list[dict], membership: pd.DataFrame):
        """Highest ROI first (undefined ROI last), so the report reads as a ranking."""
        order = sorted(
            range(len(rows)), key=lambda i: (rows[i]["roi_pct"] is None, -(rows[i]["roi_pct"] or 0))
        )
        if self.extra:
            self.extra = [self.extra[i] for i in order]
        new_position = {old: new for new, old in enumerate(order)}
        return [rows[i] for i in order], membership.assign(
            group=membership["group"].map(new_position)
        )

    def _membership(self, keys: pd.Series) -> pd.DataFrame:
        """Completions labelled with their row index (``keys`` aligned with completions)."""
        out = self.completions[["learner_id", "module_id"]].assign(group=keys.to_numpy())
        return out.dropna(subset=["group"]).astype({"group": int})

    # -- by learner and team ------------------------------------------------------------
    def learner_frame(self) -> pd.DataFrame:
        """Per learner: cost share, benefit share and the modules completed."""
        c = self.completions.merge(self.costs, left_on="module_id", right_index=True)
        n = c["n_completions"].clip(lower=1)
        duration = c["module_id"].map(self.modules["duration_minutes"])
        c["cost"] = (
            (c["fixed"] + c["program_share"]) / n
            + c["per_learner_rate"]
            + duration / 60 * c["learner_id"].map(self.hourly).fillna(0.0)
        )
        learners = self.inputs.learners.set_index("learner_id")
        out = pd.DataFrame({"cost": c.groupby("learner_id")["cost"].sum()})
        benefit = self.learner_benefits.groupby("learner_id")["benefit"].sum()
        out["benefit"] = benefit.reindex(out.index, fill_value=0.0).astype(float)
        out["modules"] = _sorted_slugs(c["learner_id"], c["module_id"].map(self.modules["slug"]))
        out["external_id"] = learners["external_id"].reindex(out.index)
        out["team_id"] = learners["team_id"].reindex(out.index)
        return out

    def by_learner(self):
        people = self.learner_frame().sort_values("external_id")
        figures = _money_columns(people["cost"].to_numpy(float), people["benefit"].to_numpy(float))
        rows = [
            {
                "learner": learner,
                "cost": cost,
                "benefit": benefit,
                "net_benefit": net,
                "roi_pct": roi,
                "modules": modules,
            }
            for learner, cost, benefit, net, roi, modules in zip(
                people["external_id"].tolist(),
                figures["cost"],
                figures["benefit"],
                figures["net_benefit"],
                figures["roi_pct"],
                people["modules"].tolist(),
                strict=True,
            )
        ]
        position = pd.Series(range(len(people)), index=people.index)
        return rows, self._membership(self.completions["learner_id"].map(position))

    def by_team(self):
        people = self.learner_frame()
        people["team_key"] = people["team_id"].fillna(-1).astype(int)
        slugs = frame(select(Team.id.label("team_id"), Team.slug)).set_index("team_id")["slug"]
        rows, position = [], {}
        for team_id, members in people.groupby("team_key"):
            position[team_id] = len(rows)
            flags = ["insufficient_data"] if len(members) < self.params.min_group else []
            rows.append(
                {
                    "team": slugs.get(team_id, "(no team)"),
                    "n_learners": len(members),
                    **money(float(members["cost"].sum()), float(members["benefit"].sum())),
                    "flags": flags,
                }
            )
        keys = self.completions["learner_id"].map(people["team_key"]).map(position)
        return self._sorted(rows, self._membership(keys))

    # -- by method and program ----------------------------------------------------------
    def by_method(self):
        rows = []
        for method in METHODS:
            module_ids = self.modules.index[self.modules["method"] == method]
            done = self.completions[self.completions["module_id"].isin(module_ids)]
            effects = self.effects[self.effects["module_id"].isin(module_ids)]
            figures = money(
                float(self.costs.loc[module_ids, "cost"].sum()), float(effects["benefit"].sum())
            )
            pooled = pooled_effect_rows(effects)
            self.pooled.append(pooled)
            self.extra.append({"l4_effects": pooled_text(pooled)})
            rows.append(
                {
                    "method": method,
                    "n_modules": len(module_ids),
                    "n_completions": len(done),
                    **figures,
                    "flags": _flags(done["learner_id"].nunique(), effects, self.params),
                    "cost_breakdown": cost_lines(self.costs.loc[module_ids]),
                }
            )
        position = {m: i for i, m in enumerate(METHODS)}
        keys = self.completions["module_id"].map(self.modules["method"]).map(position)
        return rows, self._membership(keys)

    def by_program(self):
        programs = frame(select(Program.id, Program.slug)).set_index("id")["slug"]
        steps = frame(select(ProgramModule.program_id, ProgramModule.module_id))
        own = program_costs(self.completions, self.inputs.cost_items, steps, self.inputs.tutoring)
        tutoring = _program_tutoring(self.inputs.tutoring)
        # A path with its own pre/post tests measures level 2 with them, not its modules'.
        test_gains = lv.program_test_gains()
        rows, members = [], []
        for program_id, slug in programs.items():
            module_ids = steps.loc[steps["program_id"] == program_id, "module_id"]
            costs = self.costs.loc[self.costs.index.isin(module_ids)]
            cost = float((costs["cost"] - costs["program_share"]).sum() + own.get(program_id, 0))
            # The program's own items and tutors' time, whole; its modules' own lines.
            breakdown = {
                **cost_lines(costs),
                "program_items": float(own.get(program_id, 0) - tutoring.get(program_id, 0)),
                "tutoring_time": float(tutoring.get(program_id, 0)),
            }
            done = self.completions[self.completions["module_id"].isin(module_ids)]
            effects = self.effects[self.effects["module_id"].isin(module_ids)]
            members.append(done[["learner_id", "module_id"]].assign(group=len(rows)))
            tested = program_id in test_gains.index
            self.extra.append({"l2_gain": number(test_gains[program_id])} if tested else {})
            rows.append(
                {
                    "program": slug,
                    "n_modules": len(module_ids),
                    "n_completions": len(done),
                    **money(cost, float(effects["benefit"].sum())),
                    "flags": _flags(done["learner_id"].nunique(), effects, self.params),
                    "cost_breakdown": breakdown,
                }
            )
        membership = (
            pd.concat(members)
            if members
            else pd.DataFrame(columns=["learner_id", "module_id", "group"])
        )
        return self._sorted(rows, membership)


def _sorted_slugs(learner_ids: pd.Series, slugs: pd.Series) -> pd.Series:
    """Per learner id, the sorted distinct slugs of the modules they completed."""
    pairs = (
        pd.DataFrame({"learner_id": learner_ids.to_numpy(), "slug": slugs.to_numpy(dtype=object)})
        .drop_duplicates()
        .sort_values(["learner_id", "slug"])
    )
    learners, starts = np.unique(pairs["learner_id"].to_numpy(), return_index=True)
    groups = np.split(pairs["slug"].to_numpy(dtype=object), starts[1:]) if len(pairs) else []
    return pd.Series([g.tolist() for g in groups], index=learners, dtype=object)


def _money_columns(cost: np.ndarray, benefit: np.ndarray) -> dict[str, list]:
    """:func:`_money` of many rows at once: the same figures, as lists of floats or None."""
    net = benefit - cost
    positive_cost = (cost > 0).tolist()
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = net / cost * 100
    return {
        "cost": cost.tolist(),
        "benefit": benefit.tolist(),
        "net_benefit": net.tolist(),
        "roi_pct": [r if ok else None for r, ok in zip(roi.tolist(), positive_cost, strict=True)],
    }


def _program_tutoring(tutoring: pd.DataFrame) -> pd.Series:
    """Tutors' time per program id (empty without any session in a program)."""
    if not len(tutoring):
        return pd.Series(dtype=float)
    return tutoring.set_index("program_id")["tutoring_cost"].astype(float)


def _flags(n_learners: int, effects: pd.DataFrame, params: RoiParams) -> list[str]:
    """A method or program row's flags (module and version rows: :mod:`.unit_rows`)."""
    flags = []
    if n_learners < params.min_group or (
        len(effects) and (effects["n_treated"] < params.min_group).any()
    ):
        flags.append("insufficient_data")
    if (effects["isolation"] == "participant_estimate").any():
        flags.append("participant_estimate_used")
    if (effects["isolation"] == "none").any():
        flags.append("effect_not_isolated")
    if (effects["n_outliers"] > 0).any():
        flags.append("outliers_present")
        if params.exclude_outliers:
            flags.append("outliers_excluded")
    return flags
