"""REST ``/api/v1/costs``: the analytics cost page over the API (analysts and admins)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from factories import make_module, make_person, make_program
from lms_roi.db import session
from lms_roi.models import AuditLog, CostItem
from lms_roi.services.costs import add_cost_item
from lms_roi.services.tokens import issue_api_token

API = "/roi/api/v1"


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def org(app, db):
    """Nadia (analyst), Hugo (HR), a module seo-basics, a program and three cost items."""
    with app.app_context():
        nadia = make_person("nadia@example.com", name="Nadia", roles=("analyst",))
        hugo = make_person("hugo@example.com", name="Hugo", roles=("hr",))
        module = make_module("seo-basics")
        program = make_program("growth-academy", (module,))
        ids = [
            add_cost_item(
                target=target, category=category, basis=basis, amount=Decimal(amount)
            ).id
            for target, category, basis, amount in (
                (module, "development", "fixed", "12000.50"),
                (program, "facilitation", "per_learner", "80"),
                (module, "delivery", "per_learner", "15.25"),
            )
        ]
        tokens = {who.display_name: issue_api_token(who)[1] for who in (nadia, hugo)}
        db.session.commit()
    return tokens, ids


def test_an_analyst_walks_every_cost_in_a_stable_order(client, org):
    tokens, ids = org
    url, seen, pages = f"{API}/costs?limit=2", [], 0
    while url:
        body = client.get(url, headers=_auth(tokens["Nadia"])).json
        seen += body["items"]
        url, pages = body["next"], pages + 1
    assert pages == 2
    assert [c["id"] for c in seen] == ids
    first = seen[0]
    assert first.pop("created_at")
    assert first == {
        "id": ids[0],
        "module": "seo-basics",
        "program": None,
        "category": "development",
        "basis": "fixed",
        "amount": 12000.5,
        "description": "",
        "origin": "manual",
        "incurred_on": None,
    }
    assert (seen[1]["program"], seen[1]["module"], seen[1]["amount"]) == (
        "growth-academy",
        None,
        80.0,
    )


def test_filters_narrow_the_costs(client, org):
    tokens, ids = org

    def listed(query):
        response = client.get(f"{API}/costs?{query}", headers=_auth(tokens["Nadia"]))
        assert response.status_code == 200, response.json
        return [c["id"] for c in response.json["items"]]

    assert listed("module=seo-basics") == [ids[0], ids[2]]
    assert listed("program=growth-academy") == [ids[1]]
    assert listed("basis=per_learner&module=seo-basics") == [ids[2]]
    assert listed("category=overhead") == []
    unknown = client.get(f"{API}/costs?module=nope", headers=_auth(tokens["Nadia"]))
    assert (unknown.status_code, unknown.json["code"], unknown.json["field"]) == (
        400,
        "unknown_module",
        "module",
    )


def test_an_analyst_adds_and_removes_a_cost_audited(client, org, app):
    tokens, _ids = org
    made = client.post(
        f"{API}/costs",
        json={
            "program": "growth-academy",
            "category": "evaluation",
            "basis": "fixed",
            "amount": "2500.75",
            "description": "Survey tool",
        },
        headers=_auth(tokens["Nadia"]),
    )
    assert made.status_code == 201, made.json
    assert (made.json["amount"], made.json["program"], made.json["description"]) == (
        2500.75,
        "growth-academy",
        "Survey tool",
    )
    item_id = made.json["id"]
    shown = client.get(f"{API}/costs/{item_id}", headers=_auth(tokens["Nadia"]))
    assert shown.json["category"] == "evaluation"
    gone = client.delete(f"{API}/costs/{item_id}", headers=_auth(tokens["Nadia"]))
    assert (gone.status_code, gone.data) == (204, b"")
    again = client.delete(f"{API}/costs/{item_id}", headers=_auth(tokens["Nadia"]))
    assert (again.status_code, again.json["code"]) == (404, "cost_not_found")
    with app.app_context():
        assert session().get(CostItem, item_id) is None
        actions = session().scalars(
            select(AuditLog.action).where(AuditLog.target_id == str(item_id))
        ).all()
        assert sorted(actions) == ["cost.added", "cost.deleted"]


def test_bad_costs_are_refused_with_the_field(client, org):
    tokens, _ids = org

    def refused(body):
        response = client.post(f"{API}/costs", json=body, headers=_auth(tokens["Nadia"]))
        assert response.status_code == 400, response.json
        return response.json["code"], response.json["field"]

    base = {"module": "seo-basics", "category": "delivery", "amount": 10}
    assert refused({**base, "amount": -1}) == ("invalid_input", "amount")
    assert refused({**base, "category": "snacks"}) == ("invalid_input", "category")
    assert refused({**base, "currency": "EUR"}) == ("invalid_input", "currency")
    assert refused({**base, "program": "growth-academy"}) == ("target_required", "module")
    assert refused({"category": "delivery", "amount": 10}) == ("target_required", "module")
    assert refused({**base, "module": "nope"}) == ("unknown_module", "module")


def test_hr_cannot_read_or_write_costs(client, org):
    tokens, ids = org
    for response in (
        client.get(f"{API}/costs", headers=_auth(tokens["Hugo"])),
        client.get(f"{API}/costs/{ids[0]}", headers=_auth(tokens["Hugo"])),
        client.delete(f"{API}/costs/{ids[0]}", headers=_auth(tokens["Hugo"])),
    ):
        assert (response.status_code, response.json["code"]) == (403, "forbidden")
