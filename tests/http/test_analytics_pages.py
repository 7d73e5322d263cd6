"""Analyst pages: dashboard, exports (formula-safe), printable report, module detail, costs."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from conftest import login
from factories import make_completion, make_kpi, make_leads_case, make_module, make_person
from lms_roi.exports import safe_cell
from lms_roi.models import AuditLog, CostItem

DONE = datetime(2026, 4, 15, 10, tzinfo=UTC)


@pytest.fixture
def analyst(app, db, client):
    """The leads case (see ``make_leads_case``) on ``=cmd-module``; the analyst signed in."""
    with app.app_context():
        make_person("nadia@example.com", roles=("analyst",))
        make_leads_case("=cmd-module")
        db.session.commit()
    login(client, "nadia@example.com")
    return client


def test_dashboard_shows_roi_chart_and_effects(analyst):
    page = analyst.get("/roi/analytics/").get_data(as_text=True)
    assert "<svg" in page and "ROI % by module" in page
    # 5 leads x 12 x 100 x 6 = 36,000 benefit for 1,000 cost: ROI 3,500 %
    assert "€36,000.00" in page and "3,500.0%" in page
    assert "Qualified Leads</strong>:" in page and "+5" in page  # the name, not the key
    assert "control group, 6 vs 6" in page
    assert "difference in differences" in page


def test_learners_see_no_analytics(app, db, client):
    with app.app_context():
        make_person("leo@example.com")
        db.session.commit()
    login(client, "leo@example.com")
    assert client.get("/roi/analytics/").status_code == 403
    assert client.get("/roi/analytics/export.csv").status_code == 403


def test_bad_settings_are_a_clear_400(analyst):
    response = analyst.get("/roi/analytics/?post_days=0")
    assert response.status_code == 400
    assert "post_days" in response.get_data(as_text=True)


def test_csv_export_is_protected_against_formulas(analyst):
    response = analyst.get("/roi/analytics/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="lms-roi-module-'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Module", "Method", "Completions"]  # headers a person reads
    assert rows[1][0] == "'=cmd-module"  # a slug starting with '=' is not run by Excel
    assert rows[1][rows[0].index("Benefit")] == "36000.0"  # data stays unrounded and raw


def test_xlsx_export_holds_the_report_and_the_notes(analyst):
    response = analyst.get("/roi/analytics/export.xlsx?by=method")
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook["ROI by method"]
    assert [c.value for c in sheet[1]][:3] == ["Method", "Modules", "Completions"]
    assert sheet.max_row == 5
    assert "difference in differences" in " ".join(c.value for c in workbook["Method notes"]["A"])


def test_learner_view_is_audited(app, db, analyst):
    assert analyst.get("/roi/analytics/?by=learner").status_code == 200
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "report.roi_read"))
        assert entry.actor_label == "nadia@example.com" and entry.details["via"] == "web"


def test_printable_report_has_every_section(analyst):
    page = analyst.get("/roi/analytics/print").get_data(as_text=True)
    for heading in ("By method", "By program", "By module"):
        assert f"<h2>{heading}</h2>" in page
    assert "window.print()" in page


def test_module_page_compares_completers_with_colleagues(app, db, analyst):
    with app.app_context():  # another module on another KPI must not show up here
        csat = make_kpi("csat")
        other = make_module("other", kpis={csat: 1.0})
        make_completion(make_person("o@example.com", password=None), other, DONE)
        db.session.commit()
    page = analyst.get("/roi/analytics/modules/=cmd-module").get_data(as_text=True)
    assert page.count('<section class="kpi-block">') == 1 and "Csat" not in page
    assert "completers vs colleagues" in page and "<polyline" in page
    assert "<strong>+5</strong>" in page
    assert analyst.get("/roi/analytics/modules/nope").status_code == 404


def test_costs_can_be_added_and_removed(app, db, analyst):
    page = analyst.get("/roi/analytics/costs").get_data(as_text=True)
    assert "Module — =Cmd Module" in page
    response = analyst.post(
        "/roi/analytics/costs",
        data={
            "target": "module:=cmd-module",
            "category": "facilitation",
            "basis": "per_learner",
            "amount": "12.50",
            "description": "Trainer hours",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(CostItem).where(CostItem.category == "facilitation"))
        assert (item.basis, item.amount, item.origin) == ("per_learner", Decimal("12.50"), "manual")
        item_id = item.id
    dashboard = analyst.get("/roi/analytics/").get_data(as_text=True)
    assert "€1,075.00" in dashboard  # 1,000 + 6 x 12.50
    bad = analyst.post(
        "/roi/analytics/costs",
        data={
            "target": "module:=cmd-module",
            "category": "bribes",
            "basis": "fixed",
            "amount": "-1",
        },
    )
    assert bad.status_code == 422
    assert analyst.post(f"/roi/analytics/costs/{item_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(CostItem, item_id) is None
        actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
        assert actions[-2:] == ["cost.added", "cost.deleted"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("plain", "plain"),
        (-5, -5),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
