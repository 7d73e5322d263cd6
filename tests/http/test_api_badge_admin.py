"""REST badge authoring and awards: ``/api/v1/badges`` writes and ``/api/v1/badge-awards``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from badge_factories import make_badge
from factories import make_completion, make_module, make_person
from lms_roi.db import session
from lms_roi.models import AuditLog, Badge
from lms_roi.services.tokens import issue_api_token

API = "/roi/api/v1"


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def org(app, db):
    """Nadia (analyst); Mia completed 2 modules, Bob 1; an inactive badge 'secret'."""
    with app.app_context():
        nadia = make_person("nadia@example.com", name="Nadia", roles=("analyst",), password=None)
        mia = make_person("mia@example.com", name="Mia", external_id="E1", password=None)
        bob = make_person("bob@example.com", name="Bob", external_id="E2", password=None)
        seo, ads = make_module("seo-basics"), make_module("ads")
        when = datetime(2026, 3, 2, 10, tzinfo=UTC)
        for learner, module in ((mia, seo), (mia, ads), (bob, seo)):
            make_completion(learner, module, when)
        make_badge("secret", active=False)
        tokens = {who.display_name: issue_api_token(who)[1] for who in (nadia, mia)}
        db.session.commit()
    return tokens


BADGE = {
    "slug": "two-modules",
    "name": "Two modules",
    "description": "Completed two modules",
    "xp": 0,
    "criteria": {"kind": "modules_completed", "min": 2},
}


def test_an_analyst_creates_a_badge_and_awards_it_now(client, org, app):
    made = client.post(f"{API}/badges", json=BADGE, headers=_auth(org["Nadia"]))
    assert made.status_code == 201, made.json
    assert made.json["criteria"] == {"kind": "modules_completed", "min": 2}
    assert made.json["badge_class"].endswith("/roi/openbadges/badges/two-modules")
    assert (made.json["active"], made.json["name"]) == (True, "Two modules")
    awarded = client.post(f"{API}/badges/two-modules/awards", headers=_auth(org["Nadia"]))
    assert awarded.json == {"awarded": 1, "learners": ["E1"]}
    again = client.post(f"{API}/badges/two-modules/awards", headers=_auth(org["Nadia"]))
    assert again.json == {"awarded": 0, "learners": []}
    awards = client.get(f"{API}/badges/two-modules/awards", headers=_auth(org["Nadia"])).json
    assert [(a["learner"], a["revoked"]) for a in awards["items"]] == [("E1", False)]
    assert awards["next"] is None
    with app.app_context():
        assert session().scalar(select(AuditLog.actor_label).where(
            AuditLog.action == "badge.created"
        )) == "nadia@example.com"


def test_a_badge_is_patched_and_its_criterion_checked(client, org, app):
    client.post(f"{API}/badges", json=BADGE, headers=_auth(org["Nadia"]))
    patched = client.patch(
        f"{API}/badges/two-modules", json={"xp": 25, "active": False}, headers=_auth(org["Nadia"])
    )
    assert patched.status_code == 200, patched.json
    assert (patched.json["xp"], patched.json["active"], patched.json["criteria"]["min"]) == (
        25,
        False,
        2,
    )
    bad = client.patch(
        f"{API}/badges/two-modules",
        json={"criteria": {"kind": "modules_completed", "min": 0}},
        headers=_auth(org["Nadia"]),
    )
    assert (bad.status_code, bad.json["code"], bad.json["field"]) == (
        400,
        "criteria_min",
        "criteria",
    )
    unknown = client.patch(
        f"{API}/badges/two-modules",
        json={"criteria": {"kind": "program_completed", "program": "nope"}},
        headers=_auth(org["Nadia"]),
    )
    assert (unknown.status_code, unknown.json["field"]) == (400, "criteria")
    with app.app_context():
        badge = session().scalar(select(Badge).where(Badge.slug == "two-modules"))
        assert (badge.xp, badge.criteria["min"]) == (25, 2)


def test_badge_input_errors_duplicates_and_roles(client, org):
    taken = client.post(
        f"{API}/badges", json={**BADGE, "slug": "secret"}, headers=_auth(org["Nadia"])
    )
    assert (taken.status_code, taken.json["code"], taken.json["field"]) == (
        409,
        "slug_taken",
        "slug",
    )
    kind = client.post(
        f"{API}/badges",
        json={**BADGE, "criteria": {"kind": "vibes"}},
        headers=_auth(org["Nadia"]),
    )
    assert (kind.status_code, kind.json["code"], kind.json["field"]) == (
        400,
        "invalid_input",
        "criteria",
    )
    extra = client.post(
        f"{API}/badges", json={**BADGE, "colour": "red"}, headers=_auth(org["Nadia"])
    )
    assert (extra.status_code, extra.json["field"]) == (400, "colour")
    refused = client.post(f"{API}/badges", json=BADGE, headers=_auth(org["Mia"]))
    assert (refused.status_code, refused.json["code"]) == (403, "forbidden")


def test_inactive_badges_are_shown_to_analysts_only(client, org):
    assert client.get(f"{API}/badges/secret", headers=_auth(org["Nadia"])).status_code == 200
    hidden = client.get(f"{API}/badges/secret", headers=_auth(org["Mia"]))
    assert (hidden.status_code, hidden.json["code"]) == (404, "badge_not_found")


def test_an_award_is_revoked_once_with_a_reason(client, org):
    client.post(f"{API}/badges", json=BADGE, headers=_auth(org["Nadia"]))
    client.post(f"{API}/badges/two-modules/awards", headers=_auth(org["Nadia"]))
    uid = client.get(f"{API}/badges/two-modules/awards", headers=_auth(org["Nadia"])).json[
        "items"
    ][0]["uid"]
    url = f"{API}/badge-awards/{uid}/revoke"
    empty = client.post(url, json={"reason": ""}, headers=_auth(org["Nadia"]))
    assert (empty.status_code, empty.json["field"]) == (400, "reason")
    revoked = client.post(url, json={"reason": "Shared account"}, headers=_auth(org["Nadia"]))
    assert revoked.status_code == 200, revoked.json
    body = revoked.json
    assert (body["learner"], body["revoked"], body["revocation_reason"]) == (
        "E1",
        True,
        "Shared account",
    )
    twice = client.post(url, json={"reason": "Again"}, headers=_auth(org["Nadia"]))
    assert (twice.status_code, twice.json["code"]) == (409, "already_revoked")
    missing = client.post(
        f"{API}/badge-awards/nope/revoke", json={"reason": "x"}, headers=_auth(org["Nadia"])
    )
    assert (missing.status_code, missing.json["code"]) == (404, "award_not_found")
