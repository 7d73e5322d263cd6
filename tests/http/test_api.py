"""REST API: token auth, ROI report, KPI values batch, file imports; JSON errors."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from factories import make_kpi, make_person
from lms_roi.models import AuditLog, KpiValue
from lms_roi.services.tokens import issue_api_token


@pytest.fixture
def token(app, db):
    """An analyst's API token (and a learner to attach KPI values to)."""
    with app.app_context():
        analyst = make_person("nadia@example.com", roles=("analyst",))
        make_person("mia@example.com", external_id="E1")
        make_kpi("qualified_leads")
        clear = issue_api_token(analyst)[1]
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
        "message": "your roles do not allow this; it needs analyst or admin",
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
