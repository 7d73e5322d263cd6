"""SMART objectives of programs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from lms_roi.analytics import objectives as analysis
from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Kpi, Learner, Objective, Program, Team
from lms_roi.services.audit import record_audit


@dataclass
class ObjectiveDraft:
    """What the analyst typed, before it is checked and saved."""

    program: Program
    kpi: Kpi | None
    team: Team | None
    statement: str
    target_kind: str
    target_value: float | None
    deadline: date | None


def check_objective(
    draft: ObjectiveDraft, today: date
) -> tuple[list[analysis.Check], float | None]:
    """The five SMART checks and the baseline the objective would start from."""
    learners = analysis.cohort_learners(draft.program.id, draft.team.id if draft.team else None)
    cohort = (
        draft.team.name
        if draft.team
        else _("the learners enrolled in %(program)s", program=draft.program.title)
    )
    start = draft.program.starts_on or today
    base = analysis.baseline(learners, draft.kpi.id, start) if draft.kpi else None
    best = analysis.best_effect_pct(draft.kpi.id) if draft.kpi else None
    checks = analysis.smart_checks(
        program_id=draft.program.id,
        kpi=draft.kpi,
        learners=learners,
        cohort_label=cohort,
        target_kind=draft.target_kind,
        target=draft.target_value,
        deadline=draft.deadline,
        best_effect_pct=best,
        today=today,
    )
    return checks, base


def create_objective(draft: ObjectiveDraft, *, today: date, actor: Learner | None) -> Objective:
    """Save an objective whose Specific and Time-bound checks pass (others may warn)."""
    checks, base = check_objective(draft, today)
    for check in checks:
        if check.letter in ("S", "T") and check.ok is False:
            raise DomainError(
                f"not_{check.word.lower().replace('-', '_')}",
                check.reason,
                "kpi" if check.letter == "S" else "deadline",
            )
    if draft.target_value is None or draft.target_value <= 0:
        raise DomainError("target_required", _("give a target above 0"), "target_value")
    objective = Objective(
        program_id=draft.program.id,
        kpi_id=draft.kpi.id,
        cohort_team_id=draft.team.id if draft.team else None,
        statement=draft.statement,
        baseline=base,
        target_kind=draft.target_kind,
        target_value=draft.target_value,
        deadline=draft.deadline,
    )
    session().add(objective)
    session().flush()
    record_audit(
        "objective.created",
        actor=actor,
        target_type="objective",
        target_id=str(objective.id),
        details={"program": draft.program.slug},
    )
    return objective


def objective_status(objective: Objective, today: date) -> analysis.ObjectiveStatus:
    """Where an objective's cohort stands on its KPI: baseline, target, progress, forecast.

    The baseline is the one saved with the objective, else the cohort's mean over the
    days before the program (or the objective) started, as on the program page.
    """
    db = session()
    program = db.get(Program, objective.program_id)
    kpi = db.get(Kpi, objective.kpi_id)
    learners = analysis.cohort_learners(program.id, objective.cohort_team_id)
    start = program.starts_on or objective.created_at.date()
    base = objective.baseline
    if base is None:
        base = analysis.baseline(learners, kpi.id, start)
    target = analysis.target_value(
        base, objective.target_kind, objective.target_value, kpi.direction
    )
    return analysis.status(learners, kpi, base, target, start, objective.deadline, today)
