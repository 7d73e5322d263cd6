"""Module and version rows of the ROI report: cost, benefit, flags and one entry per KPI.

A mixin of the report's context (:class:`~lms_roi.analytics.report._Context`),
which provides ``completions``, ``modules``, ``costs``, ``effects``,
``params``, ``extra``, ``hourly``, ``inputs`` and the helpers ``_sorted`` and
``_membership``.
"""

from __future__ import annotations

import math

import pandas as pd

from .effects import RoiParams
from .money import roi_metrics


class UnitRows:
    """``by_module`` and ``by_version`` of the report context."""

    _by_unit: dict | None = None

    def by_module(self):
        rows = []
        done = self.completions.groupby("module_id")["learner_id"].agg(["size", "nunique"])
        lines = _cost_lines_by_module(self.costs)
        for module_id, module in zip(
            self.modules.index, self.modules[["slug", "method"]].to_dict("records"), strict=True
        ):
            cost = float(self.costs.at[module_id, "cost"])
            n_done, n_learners = (
                (int(done.at[module_id, "size"]), int(done.at[module_id, "nunique"]))
                if module_id in done.index
                else (0, 0)
            )
            rows.append(
                self._unit_row(
                    {"module": module["slug"], "method": module["method"]},
                    n_done,
                    self._unit_effects.get(module_id, []),
                    cost,
                    lines[module_id],
                    n_learners=n_learners,
                    module_id=module_id,
                )
            )
        position = {m: i for i, m in enumerate(self.modules.index)}
        return self._sorted(rows, self._membership(self.completions["module_id"].map(position)))

    def by_version(self):
        first = self.inputs.first_completions()
        rows, position = [], {}
        for (module_id, version), done in self.completions.groupby(["module_id", "version"]):
            module = self.modules.loc[module_id]
            costs = self.costs.loc[module_id]
            share = len(done) / max(int(costs["n_completions"]), 1)
            time_cost = (
                done["learner_id"].map(self.hourly).fillna(0.0) * module["duration_minutes"] / 60
            ).sum()
            cost = float(
                (costs["fixed"] + costs["program_share"]) * share
                + costs["per_learner_rate"] * len(done)
                + time_cost
            )
            breakdown = {
                "cost_items": float(costs["fixed"] * share + costs["per_learner_rate"] * len(done)),
                "participant_time": float(time_cost),
                "program_items": float((costs["program_share"] - costs["tutoring"]) * share),
                "tutoring_time": float(costs["tutoring"] * share),
            }
            starters = first[(first["module_id"] == module_id) & (first["version"] == version)]
            position[(module_id, version)] = len(rows)
            rows.append(
                self._unit_row(
                    {"module": module["slug"], "version": int(version), "method": module["method"]},
                    len(done),
                    self._unit_effects.get((module_id, version), []),
                    cost,
                    breakdown,
                    n_learners=len(starters),
                    module_id=module_id,
                )
            )
        keys = pd.Series(
            list(zip(self.completions["module_id"], self.completions["version"], strict=True)),
            index=self.completions.index,
        ).map(position)
        return rows, self._membership(keys)

    def _unit_row(
        self,
        head: dict,
        n_completions: int,
        effects: list[dict],
        cost: float,
        breakdown: dict[str, float],
        *,
        n_learners: int,
        module_id: int,
    ) -> dict:
        """A module (or version) row; ``effects``: its rows of the effects table, as dicts."""
        benefit = float(sum(e["benefit"] for e in effects)) if effects else 0.0
        self.extra.append({"n_outliers": max((int(e["n_outliers"]) for e in effects), default=0)})
        return {
            **head,
            "n_completions": n_completions,
            **money(cost, benefit),
            "flags": _unit_flags(n_learners, effects, self.params, module_id in self._linked),
            "kpis": [_kpi_entry(e) for e in effects],
            "cost_breakdown": breakdown,
        }

    @property
    def _unit_effects(self) -> dict:
        """The effects table's rows grouped by unit (module id, or (module id, version))."""
        if self._by_unit is None:
            self._by_unit = {}
            for record in self.effects.to_dict("records"):
                self._by_unit.setdefault(record["unit"], []).append(record)
        return self._by_unit


def money(cost: float, benefit: float) -> dict:
    """Money figures at full precision: pages and printouts round, data does not (§7b)."""
    return {"cost": float(cost), "benefit": float(benefit), **roi_metrics(benefit, cost)}


def _cost_lines_by_module(costs: pd.DataFrame) -> dict:
    """:func:`cost_lines` of each module on its own (keyed by module id)."""
    lines = pd.DataFrame(
        {
            "cost_items": costs["fixed"] + costs["per_learner"],
            "participant_time": costs["participant_time"],
            "program_items": costs["program_share"] - costs["tutoring"],
            "tutoring_time": costs["tutoring"],
        }
    ).astype(float)
    return {m: {k: float(v) for k, v in row.items()} for m, row in lines.to_dict("index").items()}


def _kpi_entry(effect: dict) -> dict:
    """One KPI of a module (or version) row: the effect, its money, placebo and power."""
    return {
        "kpi": effect["kpi"],
        "isolation": effect["isolation"],
        "n_treated": int(effect["n_treated"]),
        "n_control": int(effect["n_control"]),
        "effect": number(effect["effect"]),
        "std_error": number(effect["std_error"]),
        "ci_low": number(effect["ci_low"]),
        "ci_high": number(effect["ci_high"]),
        "benefit": float(effect["benefit"]),
        "placebo_effect": number(effect["placebo_effect"]),
        "placebo_ci_low": number(effect["placebo_ci_low"]),
        "placebo_ci_high": number(effect["placebo_ci_high"]),
        "pre_trend_differs": bool(effect["pre_trend_differs"]),
        "mde": number(effect["mde"]),
        "underpowered": bool(effect["underpowered"]),
    }


def _unit_flags(n_learners: int, effects: list[dict], params: RoiParams, linked: bool) -> list:
    """A module or version row's flags, with the placebo and power verdicts of its KPIs,
    from its effects rows as dicts (hundreds of rows: no DataFrame per row)."""
    flags = []
    if n_learners < params.min_group or any(e["n_treated"] < params.min_group for e in effects):
        flags.append("insufficient_data")
    if not linked:
        flags.append("no_kpi_linked")
    if any(e["isolation"] == "participant_estimate" for e in effects):
        flags.append("participant_estimate_used")
    if any(e["isolation"] == "none" for e in effects):
        flags.append("effect_not_isolated")
    if any(e["n_outliers"] > 0 for e in effects):
        flags.append("outliers_present")
        if params.exclude_outliers:
            flags.append("outliers_excluded")
    if any(bool(e["pre_trend_differs"]) for e in effects):
        flags.append("pre_trend_differs")
    if any(bool(e["underpowered"]) for e in effects):
        flags.append("underpowered")
    return flags


def number(value) -> float | None:
    """A plain float at full precision, or None for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)
