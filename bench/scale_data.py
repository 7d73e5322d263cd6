"""Bulk data of the speed-at-scale scenario (see ``bench/roi_report.py --scenario scale``).

A large company as column arrays, for ``bench/bulk_write.py`` to write straight
into the tables (never through the ORM or the demo generator). At full size:
100,000 learners in 500 teams, 500 modules each linked to 1-3 of 5 monthly
KPIs, 500,000 completions over 24 months and 2,400,000 KPI values (each learner
reports their team's KPI every month). Every tenth module has a planted effect
on its first KPI, so the benchmark can print planted against estimated effects.
Seeded NumPy RNG: the same seed gives the same database.

Values: ``y = kpi mean + learner level + trend x month + seasonality + noise``,
plus each planted effect from the first period starting after the learner's
first completion of the module (so the pre window is untouched and the whole
post window carries it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

START = np.datetime64("2024-01-01", "D")
MONTHS = 24
TEAM_SIZE = 200
COMPLETIONS_PER_LEARNER = 5
N_MODULES = 500
PLANTED_EVERY = 10
METHODS = ("in_person", "online", "blended", "micro_learning")

#: key, name, unit, direction, value of one unit, mean, learner sd, noise sd, trend per month
KPIS = (
    ("deals_closed", "Deals closed", "deals", "higher", 150.0, 20.0, 5.0, 3.0, 0.05),
    ("csat_score", "Customer satisfaction", "points", "higher", 8.0, 75.0, 8.0, 4.0, 0.1),
    ("handle_time", "Average handle time", "minutes", "lower", 2.5, 12.0, 2.0, 1.5, -0.02),
    ("error_rate", "Errors per 100 cases", "errors", "lower", 40.0, 5.0, 1.5, 1.0, 0.01),
    ("upsell_revenue", "Upsell revenue", "EUR", "higher", 0.2, 2000.0, 400.0, 150.0, 5.0),
)


@dataclass
class ScaleData:
    """Every table of the scenario as column arrays (ids start at 1), and the planted truth."""

    tables: dict[str, pd.DataFrame]
    #: module slug -> (KPI key, planted effect in improvement units per learner and period)
    planted: dict[str, tuple[str, float]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.tables.items()}


def generate(learners: int = 100_000, seed: int = 7) -> ScaleData:
    """The scenario for ``learners`` learners (teams, completions and values scale with it)."""
    rng = np.random.default_rng(seed)
    n_teams = max(1, learners // TEAM_SIZE)
    n_completions = learners * COMPLETIONS_PER_LEARNER
    created = pd.Timestamp("2023-12-01", tz="UTC")
    tables: dict[str, pd.DataFrame] = {}

    team_ids = np.arange(1, n_teams + 1)
    tables["lms_roi_team"] = pd.DataFrame(
        {
            "id": team_ids,
            "slug": [f"team-{i:04d}" for i in team_ids],
            "name": [f"Team {i}" for i in team_ids],
            "created_at": created,
        }
    )
    learner_ids = np.arange(1, learners + 1)
    learner_team = rng.integers(1, n_teams + 1, learners)
    tables["lms_roi_learner"] = pd.DataFrame(
        {
            "id": learner_ids,
            "external_id": [f"L{i:07d}" for i in learner_ids],
            "display_name": [f"Learner {i}" for i in learner_ids],
            "team_id": learner_team,
            "hourly_cost": np.round(rng.uniform(25, 70, learners), 2),
            "timezone": "UTC",
            "leaderboard_visibility": "named",
            "active": True,
            "created_at": created,
        }
    )
    tables["lms_roi_kpi"] = pd.DataFrame(
        {
            "id": np.arange(1, len(KPIS) + 1),
            "key": [k[0] for k in KPIS],
            "name": [k[1] for k in KPIS],
            "unit": [k[2] for k in KPIS],
            "direction": [k[3] for k in KPIS],
            "value_per_unit": [k[4] for k in KPIS],
            "period": "month",
            "description": "",
            "created_at": created,
        }
    )
    module_ids = np.arange(1, N_MODULES + 1)
    tables["lms_roi_module"] = pd.DataFrame(
        {
            "id": module_ids,
            "slug": [f"module-{i:03d}" for i in module_ids],
            "title": [f"Module {i}" for i in module_ids],
            "summary": "",
            "body_md": "",
            "duration_minutes": rng.integers(15, 241, N_MODULES),
            "method": np.array(METHODS)[rng.integers(0, len(METHODS), N_MODULES)],
            "published": True,
            "current_version": 1,
            "created_at": created,
            "updated_at": created,
        }
    )
    links = []
    for module_id in module_ids:
        chosen = rng.choice(len(KPIS), size=rng.integers(1, 4), replace=False) + 1
        links += [(module_id, int(k), float(rng.choice([1.0, 0.5]))) for k in chosen]
    module_kpi = pd.DataFrame(links, columns=["module_id", "kpi_id", "weight"])
    module_kpi.insert(0, "id", np.arange(1, len(module_kpi) + 1))
    tables["lms_roi_module_kpi"] = module_kpi
    tables.update(_costs(rng, module_ids))

    completions = _completions(rng, learners, n_completions)
    tables["lms_roi_completion"] = completions
    planted, effect_rows = _planted(rng, module_kpi, completions)
    tables["lms_roi_kpi_value"] = _values(rng, learner_team, effect_rows)
    return ScaleData(tables, planted)


def _costs(rng, module_ids) -> dict[str, pd.DataFrame]:
    """Per module a fixed development cost and a per-learner delivery cost; 50 programs."""
    n = len(module_ids)
    n_programs = n // 10
    program_ids = np.arange(1, n_programs + 1)
    created = pd.Timestamp("2023-12-01", tz="UTC")
    programs = pd.DataFrame(
        {
            "id": program_ids,
            "slug": [f"program-{i:02d}" for i in program_ids],
            "title": [f"Program {i}" for i in program_ids],
            "description": "",
            "created_at": created,
        }
    )
    steps = pd.DataFrame(
        {
            "id": module_ids,
            "program_id": (module_ids - 1) // 10 + 1,
            "module_id": module_ids,
            "position": (module_ids - 1) % 10 + 1,
        }
    )
    items = pd.DataFrame(
        {
            "program_id": pd.array([None] * (2 * n) + list(program_ids), dtype="Int64"),
            "module_id": pd.array(list(module_ids) * 2 + [None] * n_programs, dtype="Int64"),
            "category": ["development"] * n + ["delivery"] * n + ["overhead"] * n_programs,
            "basis": ["fixed"] * n + ["per_learner"] * n + ["fixed"] * n_programs,
            "amount": np.round(
                np.concatenate(
                    [
                        rng.uniform(2000, 20000, n),
                        rng.uniform(10, 80, n),
                        rng.uniform(5000, 30000, n_programs),
                    ]
                ),
                2,
            ),
            "description": "",
            "origin": "manual",
            "created_at": created,
        }
    )
    items.insert(0, "id", np.arange(1, len(items) + 1))
    return {
        "lms_roi_program": programs,
        "lms_roi_program_module": steps,
        "lms_roi_cost_item": items,
    }


def _completions(rng, learners: int, n: int) -> pd.DataFrame:
    """``n`` completions at random moments of the 24 months, unique per learner, module, moment."""
    seconds = int((np.datetime64("2026-01-01", "D") - START).astype(int)) * 86400
    learner = rng.integers(1, learners + 1, n)
    module = rng.integers(1, N_MODULES + 1, n)
    offset = rng.integers(0, seconds, n)
    key = pd.DataFrame({"l": learner, "m": module, "s": offset})
    while key.duplicated().any():  # vanishingly rare; redraw the moment of a duplicate
        dup = key.duplicated().to_numpy()
        key.loc[dup, "s"] = rng.integers(0, seconds, int(dup.sum()))
    moment = pd.to_datetime(START) + pd.to_timedelta(key["s"].to_numpy(), unit="s")
    moment = moment.tz_localize("UTC")
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "learner_id": key["l"].to_numpy(),
            "module_id": key["m"].to_numpy(),
            "version": 1,
            "completed_at": moment,
            "score": np.round(rng.uniform(50, 100, n), 1),
            "source": "import",
            "created_at": moment,
        }
    )


def _planted(rng, module_kpi: pd.DataFrame, completions: pd.DataFrame):
    """Planted effects (every tenth module, its first KPI) and the completions carrying them."""
    first_link = module_kpi.drop_duplicates("module_id").set_index("module_id")["kpi_id"]
    planted_modules = np.arange(PLANTED_EVERY, N_MODULES + 1, PLANTED_EVERY)
    size = rng.uniform(0.5, 2.0, len(planted_modules))  # in noise standard deviations
    planted, raw = {}, {}
    for module_id, multiple in zip(planted_modules, size, strict=True):
        kpi_id = int(first_link[module_id])
        spec = KPIS[kpi_id - 1]
        effect = float(multiple * spec[7])
        planted[f"module-{module_id:03d}"] = (spec[0], effect)
        raw[module_id] = (kpi_id, effect if spec[3] == "higher" else -effect)
    first = completions.sort_values("completed_at").drop_duplicates(["learner_id", "module_id"])
    rows = first[first["module_id"].isin(list(raw))]
    day = rows["completed_at"].dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    # The first period starting strictly after the completion day.
    month = (day.astype("datetime64[M]") - START.astype("datetime64[M]")).astype(int) + 1
    effect_rows = pd.DataFrame(
        {
            "learner_id": rows["learner_id"].to_numpy(),
            "kpi_id": rows["module_id"].map(lambda m: raw[m][0]).to_numpy(),
            "month": month,
            "delta": rows["module_id"].map(lambda m: raw[m][1]).to_numpy(),
        }
    )
    return planted, effect_rows


def _values(rng, learner_team: np.ndarray, effect_rows: pd.DataFrame) -> pd.DataFrame:
    """Monthly values of each learner's team KPI over 24 months, planted effects included."""
    n = len(learner_team)
    kpi_of = (learner_team - 1) % len(KPIS) + 1
    spec = np.array([k[5:] for k in KPIS])  # mean, learner sd, noise sd, trend
    k = kpi_of - 1
    months = np.arange(MONTHS)
    level = spec[k, 0] + rng.normal(0, 1, n) * spec[k, 1]
    season = 0.5 * spec[k, 2][:, None] * np.sin(2 * np.pi * months / 12)[None, :]
    values = (
        level[:, None]
        + spec[k, 3][:, None] * months[None, :]
        + season
        + rng.normal(0, 1, (n, MONTHS)) * spec[k, 2][:, None]
    )
    mine = effect_rows[
        (effect_rows["kpi_id"].to_numpy() == kpi_of[effect_rows["learner_id"].to_numpy() - 1])
        & (effect_rows["month"] < MONTHS)
    ]
    steps = np.zeros((n, MONTHS + 1))
    np.add.at(
        steps,
        (mine["learner_id"].to_numpy() - 1, mine["month"].to_numpy()),
        mine["delta"].to_numpy(),
    )
    values += np.cumsum(steps, axis=1)[:, :MONTHS]
    starts = (START.astype("datetime64[M]") + months).astype("datetime64[D]")
    return pd.DataFrame(
        {
            "id": np.arange(1, n * MONTHS + 1),
            "learner_id": np.repeat(np.arange(1, n + 1), MONTHS),
            "kpi_id": np.repeat(kpi_of, MONTHS),
            "period_start": np.tile(starts, n),
            "value": np.round(values.ravel(), 3),
        }
    )
