"""Programs and their SMART objectives (analysts)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms_roi import charts
from lms_roi.analytics import objectives as analysis
from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.i18n import short_date
from lms_roi.models import Kpi, Objective, Program, Team
from lms_roi.policy import current_person, policy
from lms_roi.services.objectives import ObjectiveDraft, check_objective, create_objective

from .forms import ObjectiveForm

objectives = Blueprint("objectives", __name__, url_prefix="/analytics/programs")


@objectives.route("/")
@policy("analyst", "admin")
def program_list():
    programs = session().scalars(select(Program).order_by(Program.title)).all()
    return render_template("lms_roi/analytics/programs.html", programs=programs)


@objectives.route("/<slug>", methods=["GET", "POST"])
@policy("analyst", "admin")
def program_view(slug: str):
    db = session()
    program = db.scalar(select(Program).where(Program.slug == slug))
    if program is None:
        abort(404)
    kpis = db.scalars(select(Kpi).order_by(Kpi.name)).all()
    teams = db.scalars(select(Team).order_by(Team.name)).all()
    form = ObjectiveForm()
    form.kpi.choices = [SelectChoice(k.key, k.name) for k in kpis]
    form.team.choices = [SelectChoice("", _("learners enrolled in the program"))] + [
        SelectChoice(t.slug, t.name) for t in teams
    ]
    if request.method == "GET" and program.cohort_team_id:
        form.team.data = next((t.slug for t in teams if t.id == program.cohort_team_id), "")
    checks, base = None, None
    today = date.today()
    if form.validate_on_submit():
        draft = ObjectiveDraft(
            program=program,
            kpi=next((k for k in kpis if k.key == form.kpi.data), None),
            team=next((t for t in teams if t.slug == form.team.data), None),
            statement=form.statement.data or "",
            target_kind=form.target_kind.data,
            target_value=float(form.target_value.data) if form.target_value.data else None,
            deadline=form.deadline.data,
        )
        if request.form.get("action") == "save":
            try:
                create_objective(draft, today=today, actor=current_person())
                db.commit()
            except DomainError as error:
                db.rollback()
                flash(error.message, "error")
            else:
                flash(_("The objective was saved."), "success")
                return redirect(url_for(".program_view", slug=slug))
        checks, base = check_objective(draft, today)
    return render_template(
        "lms_roi/analytics/program.html",
        program=program,
        form=form,
        checks=checks,
        baseline=base,
        objectives=_objective_views(program),
        today=today,
        baseline_days=analysis.BASELINE_DAYS,
    )


def _objective_views(program: Program) -> list[dict]:
    db = session()
    views = []
    for objective in db.scalars(
        select(Objective).where(Objective.program_id == program.id).order_by(Objective.deadline)
    ):
        kpi = db.get(Kpi, objective.kpi_id)
        learners = analysis.cohort_learners(program.id, objective.cohort_team_id)
        start = program.starts_on or objective.created_at.date()
        base = objective.baseline
        if base is None:
            base = analysis.baseline(learners, kpi.id, start)
        target = analysis.target_value(
            base, objective.target_kind, objective.target_value, kpi.direction
        )
        state = analysis.status(
            learners, kpi, base, target, start, objective.deadline, date.today()
        )
        series = {_("cohort mean"): state.means}
        if target is not None:
            series[_("target")] = [target] * len(state.means)
        views.append(
            {
                "objective": objective,
                "kpi": kpi,
                "status": state,
                "chart": charts.line_chart(
                    [short_date(date.fromisoformat(p)) for p in state.periods],
                    series,
                    title=_("%(kpi)s: cohort mean vs target", kpi=kpi.name),
                )
                if state.means
                else None,
            }
        )
    return views
