"""REST ``/api/v1/kpis`` and ``GET /api/v1/kpi-values``: the KPI catalog and privacy of values."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from factories import make_kpi, make_kpi_value, make_person
from lms_roi.db import session
from lms_roi.models import AuditLog, Kpi
from lms_roi.services.tokens import issue_api_token

API = "/roi/api/v1"


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def org(app, db):
    """Nadia (analyst), Hugo (HR), Mia and Bob (learners) with leads and CSAT values."""
    with app.app_context():
        nadia = make_person("nadia@example.com", name="Nadia", roles=("analyst",))
        hugo = make_person("hugo@example.com", name="Hugo", roles=("hr",))
        mia = make_person("mia@example.com", name="Mia", external_id="E1")
        bob = make_person("bob@example.com", name="Bob", external_id="E2")
        leads = make_kpi("qualified_leads", value_per_unit="120.5")
        csat = make_kpi("csat", period="quarter")
        for month, value in ((1, 10.0), (2, 12.25), (3, 13.0)):
            make_kpi_value(mia, leads, date(2026, month, 1), value)
            make_kpi_value(bob, leads, date(2026, month, 1), value * 2)
        make_kpi_value(mia, csat, date(2026, 1, 1), 4.5)
        tokens = {who.display_name: issue_api_token(who)[1] for who in (nadia, hugo, mia)}
        db.session.commit()
    return tokens


def _reads(app) -> list[AuditLog]:
    with app.app_context():
        return session().scalars(
            select(AuditLog).where(AuditLog.action == "kpi_values.read").order_by(AuditLog.id)
        ).all()


def test_an_analyst_lists_the_catalog_by_key_with_value_counts(client, org):
    response = client.get(f"{API}/kpis?limit=1", headers=_auth(org["Nadia"]))
    assert response.status_code == 200, response.json
    first = response.json["items"][0]
    assert first.pop("created_at")
    assert first == {
        "key": "csat",
        "name": "Csat",
        "unit": "count",
        "direction": "higher",
        "value_per_unit": 120.0,
        "period": "quarter",
        "description": "",
        "values": 1,
    }
    second = client.get(response.json["next"], headers=_auth(org["Nadia"])).json
    assert [(k["key"], k["values"], k["value_per_unit"]) for k in second["items"]] == [
        ("qualified_leads", 6, 120.5)
    ]
    assert second["next"] is None


def test_an_analyst_creates_and_patches_a_kpi(client, org, app):
    body = {
        "key": "web_visits",
        "name": "Web visits",
        "unit": "visit",
        "direction": "higher",
        "value_per_unit": "0.05",
        "period": "week",
    }
    made = client.post(f"{API}/kpis", json=body, headers=_auth(org["Nadia"]))
    assert made.status_code == 201, made.json
    assert (made.json["value_per_unit"], made.json["period"], made.json["values"]) == (
        0.05,
        "week",
        0,
    )
    again = client.post(f"{API}/kpis", json=body, headers=_auth(org["Nadia"]))
    assert (again.status_code, again.json["code"], again.json["field"]) == (
        409,
        "kpi_exists",
        "key",
    )
    patched = client.patch(
        f"{API}/kpis/web_visits", json={"value_per_unit": 0.07}, headers=_auth(org["Nadia"])
    )
    assert patched.status_code == 200, patched.json
    assert (patched.json["value_per_unit"], patched.json["name"]) == (0.07, "Web visits")
    with app.app_context():
        audit = session().scalar(select(AuditLog).where(AuditLog.action == "kpi.updated"))
        assert [float(v) for v in audit.details["changes"]["value_per_unit"]] == [0.05, 0.07]


def test_kpi_rules_of_the_import_hold_over_the_api(client, org, app):
    period = client.patch(
        f"{API}/kpis/qualified_leads", json={"period": "week"}, headers=_auth(org["Nadia"])
    )
    assert (period.status_code, period.json["code"], period.json["field"]) == (
        422,
        "invalid_kpi",
        "period",
    )
    with app.app_context():
        assert session().scalar(select(Kpi.period).where(Kpi.key == "qualified_leads")) == "month"
    key = client.patch(
        f"{API}/kpis/qualified_leads", json={"key": "leads"}, headers=_auth(org["Nadia"])
    )
    assert (key.status_code, key.json["code"], key.json["field"]) == (400, "invalid_input", "key")
    bad = client.post(
        f"{API}/kpis",
        json={"key": "x", "name": "X", "unit": "u", "value_per_unit": 1, "period": "decade"},
        headers=_auth(org["Nadia"]),
    )
    assert (bad.status_code, bad.json["code"], bad.json["field"]) == (
        400,
        "invalid_input",
        "period",
    )
    missing = client.get(f"{API}/kpis/nothing", headers=_auth(org["Nadia"]))
    assert (missing.status_code, missing.json["code"]) == (404, "kpi_not_found")
    for who in ("Hugo", "Mia"):
        refused = client.get(f"{API}/kpis", headers=_auth(org[who]))
        assert (refused.status_code, refused.json["code"]) == (403, "forbidden")


def test_an_analyst_walks_every_value_and_each_read_is_audited(client, org, app):
    url, seen, pages = f"{API}/kpi-values?kpi=qualified_leads&limit=4", [], 0
    while url:
        page = client.get(url, headers=_auth(org["Nadia"])).json
        seen += page["items"]
        url, pages = page["next"], pages + 1
    assert pages == 2
    assert [(v["learner"], v["period_start"], v["value"]) for v in seen] == [
        ("E1", "2026-01-01", 10.0),
        ("E2", "2026-01-01", 20.0),
        ("E1", "2026-02-01", 12.25),
        ("E2", "2026-02-01", 24.5),
        ("E1", "2026-03-01", 13.0),
        ("E2", "2026-03-01", 26.0),
    ]
    assert [v["id"] for v in seen] == sorted(v["id"] for v in seen)
    reads = _reads(app)
    assert [(r.actor_label, r.target_id, r.details["rows"]) for r in reads] == [
        ("nadia@example.com", "qualified_leads", 4),
        ("nadia@example.com", "qualified_leads", 2),
    ]
    assert reads[0].details["filters"] == {"kpi": "qualified_leads"}


def test_value_filters_by_learner_and_period(client, org):
    response = client.get(
        f"{API}/kpi-values?learner=E1&period_from=2026-02-01&period_to=2026-12-31",
        headers=_auth(org["Nadia"]),
    )
    assert [(v["kpi"], v["period_start"]) for v in response.json["items"]] == [
        ("qualified_leads", "2026-02-01"),
        ("qualified_leads", "2026-03-01"),
    ]
    bad = client.get(f"{API}/kpi-values?period_from=March", headers=_auth(org["Nadia"]))
    assert (bad.status_code, bad.json["field"]) == (400, "period_from")
    unknown = client.get(f"{API}/kpi-values?team=content", headers=_auth(org["Nadia"]))
    assert (unknown.status_code, unknown.json["code"], unknown.json["field"]) == (
        400,
        "invalid_input",
        "team",
    )


def test_a_learner_reads_only_their_own_values_unaudited(client, org, app):
    own = client.get(f"{API}/kpi-values", headers=_auth(org["Mia"]))
    assert own.status_code == 200
    assert {v["learner"] for v in own.json["items"]} == {"E1"}
    assert len(own.json["items"]) == 4
    other = client.get(f"{API}/kpi-values?learner=E2", headers=_auth(org["Mia"]))
    assert (other.status_code, other.json["code"]) == (404, "learner_not_found")
    assert _reads(app) == []


def test_hr_never_reads_individual_kpi_values(client, org, app):
    response = client.get(f"{API}/kpi-values", headers=_auth(org["Hugo"]))
    assert (response.status_code, response.json["code"]) == (403, "forbidden")
    assert _reads(app) == []
