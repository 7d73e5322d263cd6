"""The set-based queries behind the at-risk alerts (:mod:`lms_roi.services.tutoring_alerts`).

Each serves every mentee of a tutor at once; an objective's forecast costs its own few
queries (:mod:`lms_roi.analytics.objectives`), whatever the number of mentees.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, distinct, exists, func, or_, select
from sqlalchemy.orm import aliased

from lms_roi.analytics import objectives as objective_analysis
from lms_roi.analytics.disclosure import MIN_LEARNERS
from lms_roi.db import session
from lms_roi.models import (
    Attempt,
    Enrollment,
    FollowUp,
    Kpi,
    KpiValue,
    Learner,
    Module,
    Objective,
    Program,
    Quiz,
    Team,
)

#: Failed attempts of one quiz, with no pass since, that make an alert.
FAILURES = 2


def failed_quizzes(ids: list[int]):
    """Per learner and quiz (pre-tests aside): failures since the last pass, when 2 or more.

    Rows of ``learner_id, quiz_id, title, failures, best, last`` (best score and last
    submission among those failures).
    """
    last_pass = (
        select(Attempt.learner_id, Attempt.quiz_id, func.max(Attempt.submitted_at).label("at"))
        .where(
            Attempt.learner_id.in_(ids),
            Attempt.passed.is_(True),
            Attempt.submitted_at.is_not(None),
        )
        .group_by(Attempt.learner_id, Attempt.quiz_id)
        .subquery()
    )
    failures = func.count(Attempt.id)
    return (
        session()
        .execute(
            select(
                Attempt.learner_id,
                Quiz.id,
                Quiz.title,
                failures.label("failures"),
                func.max(Attempt.score_pct).label("best"),
                func.max(Attempt.submitted_at).label("last"),
            )
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .outerjoin(
                last_pass,
                and_(
                    last_pass.c.learner_id == Attempt.learner_id,
                    last_pass.c.quiz_id == Attempt.quiz_id,
                ),
            )
            .where(
                Attempt.learner_id.in_(ids),
                Attempt.passed.is_(False),
                Attempt.submitted_at.is_not(None),
                Quiz.kind != "pre_test",
                or_(last_pass.c.at.is_(None), Attempt.submitted_at > last_pass.c.at),
            )
            .group_by(Attempt.learner_id, Quiz.id, Quiz.title)
            .having(failures >= FAILURES)
        )
        .all()
    )


def latest_not_applied(ids: list[int]):
    """Per learner and module whose latest answered follow-up says "not applied".

    Rows of ``learner_id, slug, title, offset_days, answered_at``.
    """
    latest = (
        select(
            FollowUp.learner_id,
            FollowUp.module_id,
            func.max(FollowUp.answered_at).label("at"),
        )
        .where(FollowUp.learner_id.in_(ids), FollowUp.answered_at.is_not(None))
        .group_by(FollowUp.learner_id, FollowUp.module_id)
        .subquery()
    )
    return (
        session()
        .execute(
            select(
                FollowUp.learner_id,
                Module.slug,
                Module.title,
                FollowUp.offset_days,
                FollowUp.answered_at,
            )
            .join(
                latest,
                and_(
                    latest.c.learner_id == FollowUp.learner_id,
                    latest.c.module_id == FollowUp.module_id,
                    latest.c.at == FollowUp.answered_at,
                ),
            )
            .join(Module, Module.id == FollowUp.module_id)
            .where(FollowUp.applied.is_(False))
            .order_by(FollowUp.learner_id, Module.title)
        )
        .all()
    )


def objective_members(ids: list[int], today: date) -> dict[int, list[int]]:
    """Objectives due today or later whose cohort holds some of the learners, with them.

    The cohort of :func:`lms_roi.analytics.objectives.cohort_learners`: the objective's
    team and its sub-teams, else the program's enrolees.
    """
    own_team = aliased(Team)
    enrolled = exists().where(
        Enrollment.learner_id == Learner.id, Enrollment.program_id == Objective.program_id
    )
    in_cohort = or_(
        and_(
            Objective.cohort_team_id.is_not(None),
            or_(
                Objective.cohort_team_id == Learner.team_id,
                Objective.cohort_team_id == own_team.parent_id,
            ),
        ),
        and_(Objective.cohort_team_id.is_(None), enrolled),
    )
    members: dict[int, list[int]] = {}
    for learner_id, objective_id in session().execute(
        select(Learner.id, Objective.id)
        .select_from(Learner)
        .outerjoin(own_team, own_team.id == Learner.team_id)
        .join(Objective, in_cohort)
        .where(Learner.id.in_(ids), Objective.deadline >= today)
        .order_by(Objective.deadline, Objective.id, Learner.id)
    ):
        members.setdefault(objective_id, []).append(learner_id)
    return members


def forecast_at_risk(objective_id: int, today: date) -> dict | None:
    """The objective's figures when its cohort forecast says at risk, else None."""
    db = session()
    objective = db.get(Objective, objective_id)
    program, kpi = db.get(Program, objective.program_id), db.get(Kpi, objective.kpi_id)
    learners = objective_analysis.cohort_learners(program.id, objective.cohort_team_id)
    if len(learners) < MIN_LEARNERS:
        return None
    # As on the objectives page: the schedule starts when the program does.
    start = program.starts_on or objective.created_at.date()
    # The forecast averages the members with KPI values: fewer than the §8 minimum
    # (the mentee alone, say) and it would show a tutor individual KPI data.
    with_values = db.scalar(
        select(func.count(distinct(KpiValue.learner_id))).where(
            KpiValue.kpi_id == kpi.id,
            KpiValue.learner_id.in_(learners),
            KpiValue.period_start >= start,
            KpiValue.period_start <= today,
        )
    )
    if with_values < MIN_LEARNERS:
        return None
    base = objective.baseline
    if base is None:
        base = objective_analysis.baseline(learners, kpi.id, start)
    target = objective_analysis.target_value(
        base, objective.target_kind, objective.target_value, kpi.direction
    )
    state = objective_analysis.status(learners, kpi, base, target, start, objective.deadline, today)
    if state.verdict != "at risk":
        return None
    return {
        "objective_id": objective.id,
        "objective": objective.statement.strip() or kpi.name,
        "program": program.title,
        "program_slug": program.slug,
        "kpi": kpi.key,
        "kpi_name": kpi.name,
        "forecast": state.forecast,
        "target": target,
        "deadline": objective.deadline,
        "cohort_size": len(learners),
    }
