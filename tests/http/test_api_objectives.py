"""REST ``/api/v1/objectives``: SMART checks, saving, listing and following an objective."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from factories import make_kpi, make_kpi_value, make_module, make_person, make_program, make_team
from lms_roi.db import session
from lms_roi.models import AuditLog, ModuleKpi, Objective
from lms_roi.services.tokens import issue_api_token

API = "/roi/api/v1"


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def org(app, db):
    """Program growth-academy started 60 days ago; team content (Mia, Bob) with leads values.

    Baseline (30 days before the start): Mia 10, Bob 20, mean 15. After the start, cohort
    means 19 (day 1) and 23 (day 31).
    """
    today = date.today()
    start = today - timedelta(days=60)
    with app.app_context():
        nadia = make_person("nadia@example.com", name="Nadia", roles=("analyst",))
        hugo = make_person("hugo@example.com", name="Hugo", roles=("hr",))
        content = make_team("content", "Content")
        mia = make_person("mia@example.com", name="Mia", external_id="E1", team=content)
        bob = make_person("bob@example.com", name="Bob", external_id="E2", team=content)
        leads = make_kpi("qualified_leads")
        make_kpi("csat")
        module = make_module("seo-basics")
        session().add(ModuleKpi(module_id=module.id, kpi_id=leads.id, weight=1.0))
        program = make_program("growth-academy", (module,))
        program.starts_on = start
        for offset, (m, b) in ((-30, (10, 20)), (1, (14, 24)), (31, (18, 28))):
            make_kpi_value(mia, leads, start + timedelta(days=offset), m)
            make_kpi_value(bob, leads, start + timedelta(days=offset), b)
        tokens = {who.display_name: issue_api_token(who)[1] for who in (nadia, hugo)}
        db.session.commit()
    return tokens, start


def _body(**changes) -> dict:
    return {
        "program": "growth-academy",
        "kpi": "qualified_leads",
        "team": "content",
        "statement": "Double qualified leads",
        "target_kind": "percent",
        "target_value": 100,
        "deadline": (date.today() + timedelta(days=61)).isoformat(),
        **changes,
    }


def test_a_draft_is_checked_against_smart_without_saving(client, org, app):
    tokens, _start = org
    response = client.post(
        f"{API}/objectives/check", json=_body(deadline=None), headers=_auth(tokens["Nadia"])
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["baseline"] == 15.0
    assert [(c["letter"], c["ok"]) for c in body["checks"]] == [
        ("S", True),
        ("M", True),
        ("A", None),
        ("R", True),
        ("T", False),
    ]
    assert body["savable"] is False
    with app.app_context():
        assert session().scalar(select(Objective.id)) is None


def test_an_analyst_saves_lists_and_follows_an_objective(client, org, app):
    tokens, _start = org
    made = client.post(f"{API}/objectives", json=_body(), headers=_auth(tokens["Nadia"]))
    assert made.status_code == 201, made.json
    created = made.json
    assert created.pop("created_at") and created.pop("id")
    assert created == {
        "program": "growth-academy",
        "kpi": "qualified_leads",
        "team": "content",
        "statement": "Double qualified leads",
        "baseline": 15.0,
        "target_kind": "percent",
        "target_value": 100.0,
        "deadline": (date.today() + timedelta(days=61)).isoformat(),
    }
    listed = client.get(
        f"{API}/objectives?program=growth-academy", headers=_auth(tokens["Nadia"])
    ).json
    assert [o["statement"] for o in listed["items"]] == ["Double qualified leads"]
    objective_id = listed["items"][0]["id"]
    shown = client.get(f"{API}/objectives/{objective_id}", headers=_auth(tokens["Nadia"])).json
    status = shown["status"]
    # Means 19 (day 1) and 23 (day 31): slope 4/30 a day, 35 forecast at day 121 >= 30.
    assert (status["baseline"], status["target"], status["current"]) == (15.0, 30.0, 23.0)
    assert (status["progress_pct"], status["forecast"], status["verdict"]) == (
        53.3,
        35.0,
        "on track",
    )
    assert status["means"] == [19.0, 23.0]
    with app.app_context():
        audit = session().scalar(select(AuditLog).where(AuditLog.action == "objective.created"))
        assert (audit.target_id, audit.actor_label) == (str(objective_id), "nadia@example.com")


def test_objectives_page_in_a_stable_order(client, org):
    tokens, _start = org
    for n in range(3):
        made = client.post(
            f"{API}/objectives", json=_body(statement=f"Goal {n}"), headers=_auth(tokens["Nadia"])
        )
        assert made.status_code == 201, made.json
    url, seen = f"{API}/objectives?limit=2", []
    while url:
        page = client.get(url, headers=_auth(tokens["Nadia"])).json
        seen += [o["statement"] for o in page["items"]]
        url = page["next"]
    assert seen == ["Goal 0", "Goal 1", "Goal 2"]
    other = client.get(f"{API}/objectives?kpi=csat", headers=_auth(tokens["Nadia"])).json
    assert other["items"] == []


def test_refused_objectives_name_their_field(client, org):
    tokens, _start = org

    def refused(body, status=400):
        response = client.post(f"{API}/objectives", json=body, headers=_auth(tokens["Nadia"]))
        assert response.status_code == status, response.json
        return response.json["code"], response.json["field"]

    past = (date.today() - timedelta(days=1)).isoformat()
    assert refused(_body(deadline=past)) == ("not_time_bound", "deadline")
    assert refused(_body(kpi="nope")) == ("unknown_kpi", "kpi")
    assert refused(_body(team="nope")) == ("unknown_team", "team")
    assert refused(_body(target_value=None)) == ("target_required", "target_value")
    assert refused(_body(target_kind="double")) == ("invalid_input", "target_kind")
    assert refused(_body(owner="me")) == ("invalid_input", "owner")
    missing = client.get(f"{API}/objectives/999", headers=_auth(tokens["Nadia"]))
    assert (missing.status_code, missing.json["code"]) == (404, "objective_not_found")


def test_hr_cannot_use_objectives(client, org):
    tokens, _start = org
    for response in (
        client.get(f"{API}/objectives", headers=_auth(tokens["Hugo"])),
        client.post(f"{API}/objectives", json=_body(), headers=_auth(tokens["Hugo"])),
    ):
        assert (response.status_code, response.json["code"]) == (403, "forbidden")
