"""Tutors' time is its own cost line of the ROI report (DESIGN §7 step 6), inside the cost.

Known answer: the module ``coaching`` (30 minutes, a fixed cost of 1,000) is the only module
of the program ``mentoring``; Ana (hourly cost 50) completed it; her tutor Tom (hourly cost
40) held one 90-minute session with her in the program. Tutoring time: 90 / 60 x 40 = 60.0;
Ana's time 30 / 60 x 50 = 25.0; the cost 1,000 + 25 + 60 = 1,085, exactly as before the line
was shown (it was already counted in the module's share of its program's costs).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from conftest import login
from factories import make_completion, make_module, make_pair, make_person, make_program
from factories import make_session as make_tutoring_session
from lms_roi.analytics import module_costs, roi_reports
from lms_roi.analytics.estimate import RoiInputs
from lms_roi.db import session
from lms_roi.models import CostItem

LINES = {
    "cost_items": 1000.0,
    "participant_time": 25.0,
    "program_items": 0.0,
    "tutoring_time": 60.0,
}


def build_case(*, with_session: bool = True):
    module = make_module("coaching", duration=30)
    program = make_program("mentoring", modules=(module,))
    ana = make_person("ana@example.com", external_id="ANA")
    tom = make_person("tom@example.com", roles=("learner", "tutor"), external_id="TOM")
    ana.hourly_cost, tom.hourly_cost = Decimal("50"), Decimal("40")
    make_completion(ana, module, datetime(2026, 4, 15, 10, tzinfo=UTC))
    session().add(
        CostItem(module_id=module.id, category="development", basis="fixed", amount=Decimal(1000))
    )
    pair = make_pair(tom, ana, program=program)
    if with_session:
        make_tutoring_session(pair, date(2026, 4, 2), minutes=90)
    session().flush()


def test_ninety_minutes_at_forty_an_hour_is_a_line_of_sixty(ctx):
    build_case()
    reports = roi_reports(["module", "version", "method", "program"])
    [module_row] = reports["module"].rows
    assert module_row["cost_breakdown"] == LINES
    assert module_row["cost_breakdown"]["tutoring_time"] == 60.0  # exactly, not about
    # The total is what the fully loaded cost always was: the line was already inside it.
    inputs = RoiInputs.load()
    before = module_costs(
        inputs.completions,
        inputs.modules,
        inputs.learners,
        inputs.cost_items,
        inputs.program_modules,
        inputs.tutoring,
    )
    assert module_row["cost"] == 1085.0 == before.loc[before.index[0], "cost"]
    assert module_row["cost"] == sum(module_row["cost_breakdown"].values())
    [version_row] = reports["version"].rows
    assert version_row["cost"] == 1085.0 and version_row["cost_breakdown"] == LINES
    online = next(r for r in reports["method"].rows if r["method"] == "online")
    assert online["cost"] == 1085.0 and online["cost_breakdown"] == LINES
    [program_row] = reports["program"].rows
    assert program_row["cost"] == 1085.0 and program_row["cost_breakdown"] == LINES


def test_without_a_session_the_line_is_zero_and_the_cost_sixty_less(ctx):
    build_case(with_session=False)
    [row] = roi_reports(["module"])["module"].rows
    assert row["cost_breakdown"] == {**LINES, "tutoring_time": 0.0}
    assert row["cost"] == 1025.0


def test_program_lines_share_the_program_among_its_modules():
    # Program 100 (two modules): 600 of its own items and 300 of tutoring, half each.
    completions = pd.DataFrame({"module_id": [1], "learner_id": [7]})
    modules = pd.DataFrame({"module_id": [1, 2], "duration_minutes": [60, 60]})
    learners = pd.DataFrame({"learner_id": [7], "hourly_cost": [30.0]})
    items = pd.DataFrame(
        {
            "module_id": [None],
            "program_id": [100],
            "category": ["analysis"],
            "basis": ["fixed"],
            "amount": [600.0],
        }
    )
    steps = pd.DataFrame({"program_id": [100, 100], "module_id": [1, 2]})
    tutoring = pd.DataFrame({"program_id": [100], "tutoring_cost": [300.0]})
    costs = module_costs(completions, modules, learners, items, steps, tutoring)
    assert costs["program_share"].tolist() == [450.0, 450.0]
    assert costs["tutoring"].tolist() == [150.0, 150.0]
    assert costs["cost"].tolist() == [480.0, 450.0]


@pytest.fixture
def analyst(app, db, client):
    with app.app_context():
        build_case()
        make_person("nadia@example.com", roles=("analyst",))
        db.session.commit()
    login(client, "nadia@example.com")
    return client


def test_dashboard_shows_the_tutoring_time_line(analyst):
    page = analyst.get("/roi/analytics/").get_data(as_text=True)
    table = page[page.index("<caption>Cost breakdown</caption>") :]
    table = table[: table.index("</table>")]
    assert '<th scope="col" class="num">Tutoring time</th>' in table
    assert '<td class="num">€60.00</td>' in table and '<td class="num">€1,085.00</td>' in table
    assert "shown here on its own line" in page
    program = analyst.get("/roi/analytics/?by=program").get_data(as_text=True)
    assert "<caption>Cost breakdown</caption>" in program and "€60.00" in program
    printable = analyst.get("/roi/analytics/print").get_data(as_text=True)
    assert printable.count("<caption>Cost breakdown</caption>") == 3  # method, program, module
    # Learner and team rows share module costs out: no breakdown there.
    team = analyst.get("/roi/analytics/?by=team").get_data(as_text=True)
    assert "<caption>Cost breakdown</caption>" not in team


def test_dashboard_shows_the_line_in_french(analyst):
    page = analyst.get("/roi/analytics/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    table = page[page.index("<caption>Ventilation des coûts</caption>") :]
    assert '<th scope="col" class="num">Temps de tutorat</th>' in table
    assert "60,00\xa0€" in table and "1\u202f085,00\xa0€" in table


def test_web_exports_carry_the_line_unrounded(analyst):
    text = analyst.get("/roi/analytics/export.csv").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["Cost: tutoring time"] == "60.0" and row["Cost"] == "1085.0"
    assert row["Cost: own cost items"] == "1000.0"
    assert row["Cost: learners' time"] == "25.0"
    assert row["Cost: program cost items"] == "0.0"
    french = analyst.get("/roi/analytics/export.csv", headers={"Accept-Language": "fr"})
    [row] = list(csv.DictReader(io.StringIO(french.get_data(as_text=True))))
    assert row["Coût : temps de tutorat"] == "60.0"


def test_api_and_cli_carry_the_breakdown(app, db, client, cli):
    from lms_roi.services.tokens import issue_api_token

    with app.app_context():
        build_case()
        token = issue_api_token(make_person("nadia@example.com", roles=("analyst",)))[1]
        db.session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    [row] = client.get("/roi/api/v1/reports/roi", headers=auth).json
    assert row["cost"] == 1085.0 and row["cost_breakdown"] == LINES
    [program] = client.get("/roi/api/v1/reports/roi?by=program", headers=auth).json
    assert program["cost_breakdown"]["tutoring_time"] == 60.0
    result = cli.invoke(args=["lms-roi", "report", "roi", "--format", "json"])
    assert json.loads(result.stdout)[0]["cost_breakdown"] == LINES
    result = cli.invoke(args=["lms-roi", "report", "roi", "--format", "csv"])
    [line] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (line["tutoring_time"], line["cost"]) == ("60.0", "1085.0")
