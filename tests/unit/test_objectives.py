"""SMART objectives: targets, baseline, forecast and the letter-by-letter check."""

from __future__ import annotations

from datetime import date

import pytest

from factories import make_kpi, make_kpi_value, make_module, make_person, make_team
from lms_roi.analytics import objectives as analysis
from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Program, ProgramModule
from lms_roi.services.objectives import ObjectiveDraft, check_objective, create_objective

TODAY = date(2026, 11, 26)


def test_targets():
    assert analysis.target_value(200, "percent", 10, "higher") == pytest.approx(220)
    assert analysis.target_value(50, "percent", 10, "lower") == pytest.approx(45)
    assert analysis.target_value(None, "absolute", 30, "higher") == 30
    assert analysis.target_value(None, "percent", 10, "higher") is None


def _program_with_cohort():
    team = make_team("content")
    leads = make_kpi("qualified_leads")
    module = make_module("lead-gen", kpis={leads: 1.0})
    program = Program(slug="growth", title="Growth", starts_on=date(2026, 4, 1))
    program.steps = [ProgramModule(module_id=module.id, position=1)]
    session().add(program)
    people = [make_person(f"p{i}@example.com", team=team, password=None) for i in range(3)]
    # cohort means: Jan-Mar 10 (baseline); then +2 a month from April
    for month in range(1, 10):
        for person in people:
            value = 10 if month < 4 else 10 + 2 * (month - 3)
            make_kpi_value(person, leads, date(2026, month, 1), value)
    session().flush()
    return program, team, leads, people


def test_baseline_progress_and_forecast(ctx):
    program, team, leads, people = _program_with_cohort()
    learners = analysis.cohort_learners(program.id, team.id)
    base = analysis.baseline(learners, leads.id, program.starts_on)
    assert base == 10.0  # Jan, Feb, Mar: the 90 days before April 1st
    target = analysis.target_value(base, "percent", 100, "higher")  # 20
    state = analysis.status(
        learners, leads, base, target, program.starts_on, date(2027, 1, 1), TODAY
    )
    assert state.means == [12, 14, 16, 18, 20, 22]  # April..September
    assert state.current == 22 and state.progress_pct == 120.0
    assert state.verdict == "on track" and state.forecast > 22
    falling = analysis.status(
        learners, leads, base, 100.0, program.starts_on, date(2027, 1, 1), TODAY
    )
    assert falling.verdict == "at risk"


def test_smart_check_says_why(ctx):
    program, team, leads, _ = _program_with_cohort()
    other = make_kpi("csat")
    good = ObjectiveDraft(program, leads, team, "More leads", "percent", 5, date(2027, 3, 1))
    checks, base = check_objective(good, TODAY)
    assert base == 10.0
    by_letter = {c.letter: c for c in checks}
    assert by_letter["S"].ok and by_letter["S"].reason == "Qualified Leads for Content (3 learners)"
    assert by_letter["M"].ok and by_letter["M"].reason.startswith("27 values")
    assert by_letter["R"].ok and by_letter["T"].ok
    assert by_letter["A"].ok is None  # nobody completed: no measured effect to compare with
    bad = ObjectiveDraft(program, other, team, "", "percent", 5, date(2026, 1, 1))
    letters = {c.letter: c for c in check_objective(bad, TODAY)[0]}
    assert letters["M"].ok is False and "import KPI values first" in letters["M"].reason
    assert letters["R"].ok is False and "no module of the program targets" in letters["R"].reason
    assert letters["T"].ok is False
    with pytest.raises(DomainError, match="deadline in the future"):
        create_objective(bad, today=TODAY, actor=None)
    saved = create_objective(good, today=TODAY, actor=None)
    assert saved.baseline == 10.0 and saved.target_value == 5


def test_objective_page_checks_then_saves(app, db, client):
    from conftest import login

    with app.app_context():
        _program_with_cohort()
        make_person("nadia@example.com", roles=("analyst",))
        db.session.commit()
    login(client, "nadia@example.com")
    form = {
        "kpi": "qualified_leads",
        "team": "content",
        "statement": "More leads",
        "target_kind": "percent",
        "target_value": "5",
        "deadline": "2027-03-01",
    }
    checked = client.post("/roi/analytics/programs/growth", data={**form, "action": "check"})
    page = checked.get_data(as_text=True)
    assert "Specific: yes" in page and "Time-bound: yes" in page and "Achievable: warning" in page
    saved = client.post("/roi/analytics/programs/growth", data={**form, "action": "save"})
    assert saved.status_code == 302
    page = client.get("/roi/analytics/programs/growth").get_data(as_text=True)
    assert "<h3>More leads</h3>" in page and "baseline 10.00" in page
    refused = client.post(
        "/roi/analytics/programs/growth", data={**form, "deadline": "2020-01-01", "action": "save"}
    )
    assert "set a deadline in the future" in refused.get_data(as_text=True)
