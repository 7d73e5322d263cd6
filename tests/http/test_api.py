"""REST API: token auth, ROI report, KPI values batch, file imports; JSON errors."""

from __future__ import annotations

import io
import math

import pytest
from sqlalchemy import func, select

from factories import make_analyst_token, make_diverging_trends, make_person
from lms_roi.models import AuditLog, CostItem, KpiValue
from lms_roi.services.tokens import issue_api_token


@pytest.fixture
def token(app, db):
    """An analyst's API token (and a learner to attach KPI values to)."""
    with app.app_context():
        clear = make_analyst_token()
        db.session.commit()
    return clear


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_missing_or_bad_token_is_401_json(client, token):
    response = client.get("/roi/api/v1/reports/roi")
    assert response.status_code == 401
    assert response.json["code"] == "unauthenticated"
    assert "Bearer" in response.json["message"] and "field" in response.json
    assert client.get("/roi/api/v1/reports/roi", headers=_auth(token + "x")).status_code == 401


def test_learner_token_is_403_json(app, db, client):
    with app.app_context():
        clear = issue_api_token(make_person("leo@example.com"))[1]
        db.session.commit()
    response = client.get("/roi/api/v1/reports/roi", headers=_auth(clear))
    assert response.status_code == 403
    assert response.json == {
        "code": "forbidden",
        "field": None,
        "message": "your roles do not allow this; it needs admin or analyst",
    }


def test_roi_report_and_parameter_errors(client, token):
    response = client.get("/roi/api/v1/reports/roi?by=method", headers=_auth(token))
    assert response.status_code == 200
    assert [row["method"] for row in response.json] == [
        "in_person",
        "online",
        "blended",
        "micro_learning",
    ]
    bad = client.get("/roi/api/v1/reports/roi?by=planet", headers=_auth(token))
    assert bad.status_code == 400
    assert bad.json["code"] == "invalid_input" and bad.json["field"] == "by"
    bad_days = client.get("/roi/api/v1/reports/roi?lag_days=-1", headers=_auth(token))
    assert bad_days.json["field"] == "lag_days"


def test_learner_report_read_is_audited(app, db, client, token):
    assert client.get("/roi/api/v1/reports/roi?by=learner", headers=_auth(token)).status_code == 200
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "report.roi_read"))
        assert entry.actor_label == "nadia@example.com" and entry.target_id == "learner"


def test_kpi_values_batch_is_idempotent(app, db, client, token):
    body = {
        "values": [
            {"learner": "E1", "kpi": "qualified_leads", "period_start": "2026-01-01", "value": 12},
            {
                "learner": "mia@example.com",
                "kpi": "qualified_leads",
                "period_start": "2026-02-01",
                "value": "13.5",
            },
        ]
    }
    first = client.post("/roi/api/v1/kpi-values", json=body, headers=_auth(token))
    assert first.status_code == 201
    assert first.json["inserted"] == 2 and first.json["batch_id"]
    again = client.post("/roi/api/v1/kpi-values", json=body, headers=_auth(token))
    assert (again.json["inserted"], again.json["unchanged"]) == (0, 2)
    with app.app_context():
        assert db.session.scalar(select(func.sum(KpiValue.value))) == 25.5


def test_kpi_values_batch_is_all_or_nothing(app, db, client, token):
    body = {
        "values": [
            {"learner": "E1", "kpi": "qualified_leads", "period_start": "2026-01-01", "value": 12},
            {"learner": "E1", "kpi": "qualified_leads", "period_start": "2026-02-15", "value": 1},
            {"learner": "E9", "kpi": "qualified_leads", "period_start": "2026-03-01", "value": 1},
        ]
    }
    response = client.post("/roi/api/v1/kpi-values", json=body, headers=_auth(token))
    assert response.status_code == 422
    assert response.json["code"] == "rows_rejected" and response.json["field"] == "period_start"
    assert response.json["errors"] == [
        {
            "row": 2,
            "field": "period_start",
            "message": "2026-02-15 is not the first day of a month "
            "(KPI qualified_leads is monthly)",
            "fix": "use 2026-02-01",
        },
        {
            "row": 3,
            "field": "learner",
            "message": "no learner with external id or email 'E9'",
            "fix": "import the learner first with 'lms-roi import learners', or fix the id",
        },
    ]
    with app.app_context():
        assert db.session.scalar(select(func.count(KpiValue.id))) == 0


def test_kpi_values_body_errors(client, token):
    response = client.post("/roi/api/v1/kpi-values", json={"rows": []}, headers=_auth(token))
    assert response.status_code == 400
    assert response.json["field"] in ("values", "rows")
    empty = client.post("/roi/api/v1/kpi-values", json={"values": []}, headers=_auth(token))
    assert empty.json["field"] == "values"


def test_file_import_and_dry_run(app, db, client, token):
    data = b"learner,kpi,period_start,value\nE1,qualified_leads,2026-01-01,7\n"
    dry = client.post(
        "/roi/api/v1/imports/kpi-values",
        headers=_auth(token),
        data={"file": (io.BytesIO(data), "values.csv"), "dry_run": "true"},
    )
    assert dry.status_code == 200 and dry.json["dry_run"] and dry.json["inserted"] == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(KpiValue.id))) == 0
    real = client.post(
        "/roi/api/v1/imports/kpi-values",
        headers=_auth(token),
        data={"file": (io.BytesIO(data), "values.csv")},
    )
    assert real.status_code == 201 and real.json["inserted"] == 1
    bad = client.post(
        "/roi/api/v1/imports/kpi-values",
        headers=_auth(token),
        data={"file": (io.BytesIO(b"learner,kpi\nE1,x\n"), "values.csv")},
    )
    assert bad.status_code == 422
    assert bad.json["errors"][0]["row"] == 1 and bad.json["field"] == "period_start"
    unknown = client.post(
        "/roi/api/v1/imports/grades",
        headers=_auth(token),
        data={"file": (io.BytesIO(data), "x.csv")},
    )
    assert unknown.status_code == 404 and unknown.json["field"] == "kind"
    missing = client.post("/roi/api/v1/imports/kpi-values", headers=_auth(token), data={})
    assert missing.status_code == 400 and missing.json["code"] == "file_required"


def test_wrong_method_keeps_allow_header(client, token):
    response = client.delete("/roi/api/v1/kpi-values", headers=_auth(token))
    assert response.status_code == 405
    assert response.json["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_unknown_api_path_is_404_json(client):
    response = client.get("/roi/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json == {
        "code": "not_found",
        "field": None,
        "message": "no API endpoint at /roi/api/v1/nothing/here",
    }


@pytest.fixture
def diverging(app, db, token):
    """The coaching module of ``make_diverging_trends`` (3 completers, 5 colleagues)."""
    with app.app_context():
        module = make_diverging_trends()
        db.session.add(
            CostItem(module_id=module.id, category="delivery", basis="fixed", amount=7000)
        )
        db.session.commit()
    return token


def test_event_study_known_answers(client, diverging):
    # Reference period: March 2026 (values 10 + p). Before it, y - y(March) = -p: completers
    # -5, -6, -7 vs colleagues 0..-4, effect -4, Var 1/3 + 2.5/5 = 5/6. From June, + c:
    # completers 2, 4, 6 vs colleagues 1, 1, 2, 2, 4, effect 2, Var 4/3 + 1.5/5 = 49/30.
    response = client.get(
        "/roi/api/v1/reports/event-study?module=coaching&periods_before=6&periods_after=4",
        headers=_auth(diverging),
    )
    assert response.status_code == 200
    rows = {row["r"]: row for row in response.json}
    assert sorted(rows) == list(range(-6, 5))
    assert set(response.json[0]) == {
        "kpi", "r", "effect", "std_error", "ci_low", "ci_high", "n_treated", "n_control",
    }  # fmt: skip
    assert rows[-1] == {
        "kpi": "leads", "r": -1, "effect": 0.0, "std_error": 0.0, "ci_low": 0.0,
        "ci_high": 0.0, "n_treated": 3, "n_control": 5,
    }  # fmt: skip
    for r, effect, variance in [(-6, -4.0, 5 / 6), (-3, -4.0, 5 / 6), (2, 2.0, 49 / 30)]:
        se = math.sqrt(variance)
        assert rows[r]["effect"] == pytest.approx(effect, rel=1e-12)
        assert rows[r]["std_error"] == pytest.approx(se, rel=1e-12)
        assert rows[r]["ci_low"] == pytest.approx(effect - 1.959964 * se, rel=1e-12)
        assert (rows[r]["n_treated"], rows[r]["n_control"]) == (3, 5)
    assert rows[0]["effect"] == 0.0 and rows[0]["std_error"] == 0.0
    # One KPI asked for by key; the default window reaches 12 periods after (data end at 4).
    only = client.get(
        "/roi/api/v1/reports/event-study?module=coaching&kpi=leads", headers=_auth(diverging)
    )
    assert only.status_code == 200 and only.json == response.json


@pytest.mark.parametrize(
    ("query", "status", "code", "field"),
    [
        ("module=nope", 404, "unknown_module", "module"),
        ("module=coaching&kpi=nope", 404, "unknown_kpi", "kpi"),
        ("module=coaching&kpi=qualified_leads", 422, "kpi_not_linked", "kpi"),
        ("module=coaching&periods_before=0", 400, "invalid_input", "periods_before"),
        ("module=coaching&periods_after=-1", 400, "invalid_input", "periods_after"),
        ("module=coaching&periods_after=ten", 400, "invalid_input", "periods_after"),
        ("kpi=leads", 400, "invalid_input", "module"),
        ("module=coaching&planet=mars", 400, "invalid_input", "planet"),
    ],
)
def test_event_study_errors(client, diverging, query, status, code, field):
    response = client.get(f"/roi/api/v1/reports/event-study?{query}", headers=_auth(diverging))
    assert response.status_code == status
    assert (response.json["code"], response.json["field"]) == (code, field)
    assert response.json["message"]


def test_event_study_error_messages_name_the_fix(client, diverging):
    response = client.get(
        "/roi/api/v1/reports/event-study?module=coaching&kpi=qualified_leads",
        headers=_auth(diverging),
    )
    assert response.json["message"] == (
        "module 'coaching' is not linked to KPI 'qualified_leads' (linked: leads)"
    )
    assert client.get("/roi/api/v1/reports/event-study?module=coaching").status_code == 401


def test_roi_report_is_unrounded_with_diagnostics(client, diverging):
    [row] = client.get("/roi/api/v1/reports/roi", headers=_auth(diverging)).json
    # benefit 2 leads x 12 x 120 x 3 = 8,640 for 7,000: ROI 23.428571428571427 %, not 23.43.
    assert row["benefit"] == 8640.0 and row["cost"] == 7000.0
    assert row["roi_pct"] == (8640 - 7000) / 7000 * 100
    assert row["bcr"] == 8640 / 7000
    assert row["flags"] == ["insufficient_data", "pre_trend_differs", "underpowered"]
    [kpi] = row["kpis"]
    assert kpi["placebo_effect"] == pytest.approx(4.0, rel=1e-12)
    assert kpi["mde"] == pytest.approx(2.8016 * math.sqrt(56 / 45), rel=1e-12)
    assert (kpi["pre_trend_differs"], kpi["underpowered"]) == (True, True)
