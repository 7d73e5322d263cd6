"""REST ``/api/v1/learners`` and ``/api/v1/teams``: the admin people page's rules, over tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factories import make_person, make_team
from lms_roi.db import session
from lms_roi.models import AuditLog, Learner
from lms_roi.services.tokens import issue_api_token

API = "/roi/api/v1"


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def org(app, db):
    """Ada (admin), Nadia (analyst), Hugo (HR), Mia and Bob (learners, team content)."""
    with app.app_context():
        content = make_team("content", "Content")
        make_team("seo", "SEO")
        ada = make_person("ada@example.com", name="Ada", roles=("admin",), external_id="A1")
        nadia = make_person("nadia@example.com", name="Nadia", roles=("analyst",))
        hugo = make_person("hugo@example.com", name="Hugo", roles=("hr",))
        mia = make_person(
            "mia@example.com", name="Mia", external_id="E1", team=content, password=None
        )
        make_person("bob@example.com", name="Bob", external_id="E2", team=content)
        tokens = {
            who.display_name: issue_api_token(who)[1] for who in (ada, nadia, hugo, mia)
        }
        db.session.commit()
    return tokens


def _walk(client, url: str, token: str) -> list[dict]:
    """Every item of a paged list, following ``next`` links."""
    items, pages = [], 0
    while url:
        response = client.get(url, headers=_auth(token))
        assert response.status_code == 200, response.json
        items += response.json["items"]
        url, pages = response.json["next"], pages + 1
    return items, pages


def test_an_admin_lists_people_page_by_page_in_a_stable_order(client, org):
    items, pages = _walk(client, f"{API}/learners?limit=2", org["Ada"])
    assert pages == 3
    assert [p["external_id"] for p in items] == [
        "A1",
        "nadia@example.com",
        "hugo@example.com",
        "E1",
        "E2",
    ]
    again, _ = _walk(client, f"{API}/learners?limit=3", org["Ada"])
    assert again == items
    mia = items[3]
    assert mia.pop("created_at")
    assert mia == {
        "external_id": "E1",
        "email": "mia@example.com",
        "display_name": "Mia",
        "team": "content",
        "hourly_cost": 0.0,
        "active": True,
        "roles": ["learner"],
        "leaderboard_visibility": "named",
        "timezone": "UTC",
        "locale": None,
        "has_login": False,
    }


def test_filters_narrow_the_people_list(client, org):
    def ids(query):
        response = client.get(f"{API}/learners?{query}", headers=_auth(org["Ada"]))
        assert response.status_code == 200, response.json
        return [p["external_id"] for p in response.json["items"]]

    assert ids("team=content") == ["E1", "E2"]
    assert ids("role=hr") == ["hugo@example.com"]
    assert ids("q=NAD") == ["nadia@example.com"]
    assert ids("active=false") == []
    response = client.get(f"{API}/learners?team=nowhere", headers=_auth(org["Ada"]))
    assert (response.status_code, response.json["code"], response.json["field"]) == (
        400,
        "unknown_team",
        "team",
    )


def test_analysts_read_people_to_find_external_ids_but_change_nothing(client, org):
    """An analyst integration looks up the external ids it posts KPI values for."""
    listed = client.get(f"{API}/learners?team=content", headers=_auth(org["Nadia"]))
    assert listed.status_code == 200, listed.json
    assert [p["external_id"] for p in listed.json["items"]] == ["E1", "E2"]
    one = client.get(f"{API}/learners/E2", headers=_auth(org["Nadia"]))
    assert (one.status_code, one.json["display_name"]) == (200, "Bob")
    refused = client.patch(
        f"{API}/learners/E2", json={"display_name": "X"}, headers=_auth(org["Nadia"])
    )
    assert (refused.status_code, refused.json["code"]) == (403, "forbidden")
    created = client.post(
        f"{API}/learners", json={"display_name": "X", "email": "x@example.com"},
        headers=_auth(org["Nadia"]),
    )  # fmt: skip
    assert created.status_code == 403


def test_hr_and_learners_do_not_list_people(client, org):
    for who in ("Hugo", "Mia"):
        response = client.get(f"{API}/learners", headers=_auth(org[who]))
        assert response.status_code == 403
        assert response.json["code"] == "forbidden"
    other = client.get(f"{API}/learners/E2", headers=_auth(org["Hugo"]))
    assert other.status_code == 403


def test_an_admin_gives_a_person_another_external_id(client, org, app):
    """Attaching the platform's user id (the xAPI account name) to an existing person."""
    response = client.patch(
        f"{API}/learners/E2", json={"external_id": "1"}, headers=_auth(org["Ada"])
    )
    assert response.status_code == 200, response.json
    assert (response.json["external_id"], response.json["display_name"]) == ("1", "Bob")
    assert client.get(f"{API}/learners/1", headers=_auth(org["Ada"])).status_code == 200
    gone = client.get(f"{API}/learners/E2", headers=_auth(org["Ada"]))
    assert (gone.status_code, gone.json["code"]) == (404, "learner_not_found")
    with app.app_context():
        audit = session().scalar(
            select(AuditLog).where(AuditLog.action == "person.external_id_changed")
        )
        assert (audit.target_id, audit.actor_label) == ("1", "A1")
        assert audit.details == {"before": "E2", "after": "1"}
    taken = client.patch(
        f"{API}/learners/1", json={"external_id": "E1", "display_name": "B"},
        headers=_auth(org["Ada"]),
    )  # fmt: skip
    assert (taken.status_code, taken.json["code"], taken.json["field"]) == (
        409,
        "external_id_taken",
        "external_id",
    )
    with app.app_context():  # nothing of the refused change is kept
        bob = session().scalar(select(Learner).where(Learner.external_id == "1"))
        assert bob.display_name == "Bob"
    blank = client.patch(f"{API}/learners/1", json={"external_id": ""}, headers=_auth(org["Ada"]))
    assert (blank.status_code, blank.json["field"]) == (400, "external_id")
    own = client.patch(f"{API}/learners/E1", json={"external_id": "9"}, headers=_auth(org["Mia"]))
    assert (own.status_code, own.json["field"]) == (403, "external_id")


def test_a_learner_reads_their_own_profile_only(client, org):
    own = client.get(f"{API}/learners/E1", headers=_auth(org["Mia"]))
    assert (own.status_code, own.json["display_name"]) == (200, "Mia")
    other = client.get(f"{API}/learners/E2", headers=_auth(org["Mia"]))
    assert (other.status_code, other.json["code"]) == (404, "learner_not_found")
    assert client.get(f"{API}/learners/E2", headers=_auth(org["Ada"])).json["team"] == "content"


def test_an_admin_creates_a_person_and_a_duplicate_is_a_conflict(client, org, app):
    body = {
        "external_id": "E9",
        "email": "Zoe@Example.com",
        "display_name": "Zoé",
        "team": "seo",
        "hourly_cost": "41.5",
        "roles": ["learner", "tutor"],
        "password": "long-enough-1",
    }
    response = client.post(f"{API}/learners", json=body, headers=_auth(org["Ada"]))
    assert response.status_code == 201, response.json
    created = response.json
    assert (created["email"], created["team"], created["hourly_cost"]) == (
        "zoe@example.com",
        "seo",
        41.5,
    )
    assert (created["roles"], created["has_login"]) == (["learner", "tutor"], True)
    with app.app_context():
        audit = session().scalar(
            select(AuditLog).where(AuditLog.action == "person.created", AuditLog.target_id == "E9")
        )
        assert audit.actor_label == "A1"
    again = client.post(
        f"{API}/learners", json={**body, "external_id": "E10"}, headers=_auth(org["Ada"])
    )
    assert (again.status_code, again.json["code"], again.json["field"]) == (
        409,
        "email_taken",
        "email",
    )


def test_bad_people_input_names_the_field(client, org):
    def refused(body):
        response = client.post(f"{API}/learners", json=body, headers=_auth(org["Ada"]))
        assert response.status_code == 400, response.json
        return response.json["code"], response.json["field"]

    assert refused({"display_name": "X", "email": "x@example.com", "admin": True}) == (
        "invalid_input",
        "admin",
    )
    assert refused({"display_name": "X", "email": "x@example.com", "roles": ["boss"]}) == (
        "invalid_input",
        "roles",
    )
    assert refused({"display_name": "X", "email": "not-an-email"}) == ("invalid_email", "email")
    assert refused({"email": "x@example.com"}) == ("invalid_input", "display_name")


def test_an_admin_patches_a_profile_and_its_roles(client, org, app):
    response = client.patch(
        f"{API}/learners/E2",
        json={"team": None, "roles": ["learner", "tutor"], "hourly_cost": 30},
        headers=_auth(org["Ada"]),
    )
    assert response.status_code == 200, response.json
    assert (response.json["team"], response.json["roles"], response.json["hourly_cost"]) == (
        None,
        ["learner", "tutor"],
        30.0,
    )
    assert response.json["display_name"] == "Bob"  # fields not sent are kept
    gone = client.patch(f"{API}/learners/E2", json={"active": False}, headers=_auth(org["Ada"]))
    assert gone.json["active"] is False
    own = client.patch(f"{API}/learners/A1", json={"active": False}, headers=_auth(org["Ada"]))
    assert (own.status_code, own.json["code"], own.json["field"]) == (
        400,
        "deactivate_self",
        "active",
    )
    with app.app_context():
        assert session().scalar(select(Learner.active).where(Learner.external_id == "A1"))


def test_a_learner_chooses_their_visibility_but_not_their_cost(client, org, app):
    response = client.patch(
        f"{API}/learners/E1", json={"leaderboard_visibility": "hidden"}, headers=_auth(org["Mia"])
    )
    assert (response.status_code, response.json["leaderboard_visibility"]) == (200, "hidden")
    refused = client.patch(
        f"{API}/learners/E1", json={"hourly_cost": 0}, headers=_auth(org["Mia"])
    )
    assert (refused.status_code, refused.json["code"], refused.json["field"]) == (
        403,
        "forbidden",
        "hourly_cost",
    )
    others = client.patch(
        f"{API}/learners/E1", json={"leaderboard_visibility": "named"}, headers=_auth(org["Ada"])
    )
    assert (others.status_code, others.json["field"]) == (403, "leaderboard_visibility")
    with app.app_context():
        mia = session().scalar(select(Learner).where(Learner.external_id == "E1"))
        assert mia.leaderboard_visibility == "hidden" and mia.pseudonym


def test_teams_are_listed_with_members_and_parents(client, org):
    made = client.post(
        f"{API}/teams",
        json={"slug": "blog", "name": "Blog", "parent": "content"},
        headers=_auth(org["Nadia"]),
    )
    assert made.status_code == 201, made.json
    assert made.json["parent"] == "content" and made.json["members"] == 0
    items, pages = _walk(client, f"{API}/teams?limit=1", org["Hugo"])
    assert pages == 3
    assert [(t["slug"], t["name"], t["parent"], t["members"]) for t in items] == [
        ("content", "Content", None, 2),
        ("seo", "SEO", None, 0),
        ("blog", "Blog", "content", 0),
    ]
    under = client.get(f"{API}/teams?parent=content", headers=_auth(org["Hugo"]))
    assert [t["slug"] for t in under.json["items"]] == ["blog"]


def test_team_writes_refuse_duplicates_cycles_and_learners(client, org):
    dup = client.post(
        f"{API}/teams", json={"slug": "seo", "name": "Again"}, headers=_auth(org["Nadia"])
    )
    assert (dup.status_code, dup.json["code"], dup.json["field"]) == (409, "team_exists", "slug")
    bad = client.post(
        f"{API}/teams", json={"slug": "Not OK", "name": "X"}, headers=_auth(org["Nadia"])
    )
    assert (bad.status_code, bad.json["field"]) == (400, "slug")
    client.patch(f"{API}/teams/seo", json={"parent": "content"}, headers=_auth(org["Nadia"]))
    cycle = client.patch(
        f"{API}/teams/content", json={"parent": "seo"}, headers=_auth(org["Nadia"])
    )
    assert (cycle.status_code, cycle.json["code"]) == (400, "team_cycle")
    moved = client.patch(
        f"{API}/teams/seo", json={"parent": None, "name": "Search"}, headers=_auth(org["Ada"])
    )
    assert (moved.json["parent"], moved.json["name"]) == (None, "Search")
    for who in ("Hugo", "Mia"):
        refused = client.post(
            f"{API}/teams", json={"slug": "x", "name": "X"}, headers=_auth(org[who])
        )
        assert (refused.status_code, refused.json["code"]) == (403, "forbidden")
    missing = client.get(f"{API}/teams/nowhere", headers=_auth(org["Hugo"]))
    assert (missing.status_code, missing.json["code"]) == (404, "team_not_found")
