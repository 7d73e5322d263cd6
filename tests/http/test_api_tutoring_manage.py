"""REST tutoring management: pairs created and ended, requests, tutors' capacity."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factories import make_person, make_program
from lms_roi.db import session
from lms_roi.models import AuditLog, TutoringPair
from lms_roi.services.mentees import organisation_today
from lms_roi.services.tokens import issue_api_token
from tutoring_pair_factories import make_tutor

API = "/roi/api/v1"


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def org(app, db):
    """Nadia (analyst); Tess (tutor T1, one place) and Zed (tutor T2); Mia, Bob learners."""
    with app.app_context():
        nadia = make_person("nadia@example.com", name="Nadia", roles=("analyst",), password=None)
        tess = make_tutor("tess@example.com", "Tess", capacity=1)
        tess.external_id = "T1"
        zed = make_tutor("zed@example.com", "Zed")
        zed.external_id = "T2"
        mia = make_person("mia@example.com", name="Mia", external_id="E1", password=None)
        bob = make_person("bob@example.com", name="Bob", external_id="E2", password=None)
        make_program("sales-path")
        tokens = {who.display_name: issue_api_token(who)[1] for who in (nadia, tess, zed, mia, bob)}
        db.session.commit()
    return tokens


def _pair(client, token, **body):
    return client.post(f"{API}/tutoring/pairs", json=body, headers=_auth(token))


def test_an_analyst_pairs_and_the_tutor_ends_the_pair(client, org, app):
    made = _pair(client, org["Nadia"], tutor="T1", mentee="E1", program="sales-path", goals="Leads")
    assert made.status_code == 201, made.json
    pair = made.json
    assert {k: pair[k] for k in ("tutor", "mentee", "program", "status", "active", "goals")} == {
        "tutor": "T1",
        "mentee": "E1",
        "program": "sales-path",
        "status": "active",
        "active": True,
        "goals": "Leads",
    }
    with app.app_context():
        assert pair["starts_on"] == organisation_today().isoformat()
    assert pair["ends_on"] is None
    again = _pair(client, org["Nadia"], tutor="T1", mentee="E1", program="sales-path")
    assert (again.status_code, again.json["code"]) == (409, "pair_exists")
    full = _pair(client, org["Nadia"], tutor="T1", mentee="E2")
    assert (full.status_code, full.json["code"]) == (409, "tutor_full")
    other = client.post(
        f"{API}/tutoring/pairs/{pair['id']}/end", json={"reason": "x"}, headers=_auth(org["Zed"])
    )
    assert (other.status_code, other.json["code"]) == (404, "pair_not_found")
    ended = client.post(
        f"{API}/tutoring/pairs/{pair['id']}/end",
        json={"reason": "Goals met"},
        headers=_auth(org["Tess"]),
    )
    assert ended.status_code == 200, ended.json
    assert (ended.json["status"], ended.json["active"], ended.json["reason"]) == (
        "ended",
        False,
        "Goals met",
    )
    with app.app_context():
        actions = session().scalars(
            select(AuditLog.action).where(AuditLog.action.like("tutoring.%")).order_by(AuditLog.id)
        ).all()
        assert actions == ["tutoring.pair_created", "tutoring.pair_ended"]


def test_pair_input_is_checked(client, org):
    assert _pair(client, org["Nadia"], tutor="E1", mentee="E2").json["code"] == "not_a_tutor"
    unknown = _pair(client, org["Nadia"], tutor="T1", mentee="nobody")
    assert (unknown.status_code, unknown.json["code"], unknown.json["field"]) == (
        400,
        "unknown_learner",
        "mentee",
    )
    dates = _pair(
        client, org["Nadia"], tutor="T1", mentee="E1", starts_on="2026-05-01", ends_on="2026-04-01"
    )
    assert (dates.status_code, dates.json["code"], dates.json["field"]) == (
        400,
        "dates_ordered",
        "ends_on",
    )
    extra = _pair(client, org["Nadia"], tutor="T1", mentee="E1", capacity=3)
    assert (extra.status_code, extra.json["field"]) == (400, "capacity")
    learner = _pair(client, org["Mia"], tutor="T1", mentee="E2")
    assert (learner.status_code, learner.json["code"]) == (403, "forbidden")


def test_a_learner_asks_and_the_tutor_answers(client, org):
    asked = client.post(
        f"{API}/tutoring/requests", json={"tutor": "T2", "note": "SEO?"}, headers=_auth(org["Mia"])
    )
    assert asked.status_code == 201, asked.json
    assert (asked.json["status"], asked.json["requested_by"], asked.json["request_note"]) == (
        "requested",
        "E1",
        "SEO?",
    )
    client.post(f"{API}/tutoring/requests", json={"tutor": "T2"}, headers=_auth(org["Bob"]))
    twice = client.post(f"{API}/tutoring/requests", json={"tutor": "T2"}, headers=_auth(org["Mia"]))
    assert (twice.status_code, twice.json["code"]) == (409, "already_requested")
    waiting = client.get(f"{API}/tutoring/requests?limit=1", headers=_auth(org["Zed"])).json
    second = client.get(waiting["next"], headers=_auth(org["Zed"])).json
    assert [r["mentee"] for r in waiting["items"] + second["items"]] == ["E1", "E2"]
    assert second["next"] is None
    assert client.get(f"{API}/tutoring/requests", headers=_auth(org["Tess"])).json["items"] == []
    mia_id, bob_id = waiting["items"][0]["id"], second["items"][0]["id"]
    accepted = client.post(f"{API}/tutoring/requests/{mia_id}/accept", headers=_auth(org["Zed"]))
    assert (accepted.json["status"], accepted.json["active"]) == ("active", True)
    declined = client.post(
        f"{API}/tutoring/requests/{bob_id}/decline",
        json={"reason": "No room for SEO"},
        headers=_auth(org["Zed"]),
    )
    assert (declined.json["status"], declined.json["reason"]) == ("declined", "No room for SEO")
    not_mine = client.post(f"{API}/tutoring/requests/{bob_id}/accept", headers=_auth(org["Tess"]))
    assert not_mine.status_code == 404


def test_an_analyst_reads_tutor_loads_and_sets_a_capacity(client, org, app):
    _pair(client, org["Nadia"], tutor="T1", mentee="E1")
    client.post(f"{API}/tutoring/requests", json={"tutor": "T2"}, headers=_auth(org["Bob"]))
    loads = client.get(f"{API}/tutoring/tutors?limit=1", headers=_auth(org["Nadia"])).json
    rest = client.get(loads["next"], headers=_auth(org["Nadia"])).json
    rows = loads["items"] + rest["items"]
    assert rows == [
        {
            "tutor": "T1",
            "display_name": "Tess",
            "team": None,
            "capacity": 1,
            "default_capacity": False,
            "taken": 1,
            "pending": 0,
        },
        {
            "tutor": "T2",
            "display_name": "Zed",
            "team": None,
            "capacity": 6,
            "default_capacity": True,
            "taken": 0,
            "pending": 1,
        },
    ]
    patched = client.patch(
        f"{API}/tutoring/tutors/T1", json={"capacity": 3}, headers=_auth(org["Nadia"])
    )
    assert (patched.status_code, patched.json["capacity"], patched.json["taken"]) == (200, 3, 1)
    bad = client.patch(
        f"{API}/tutoring/tutors/T1", json={"capacity": 1000}, headers=_auth(org["Nadia"])
    )
    assert (bad.status_code, bad.json["code"], bad.json["field"]) == (
        400,
        "invalid_capacity",
        "capacity",
    )
    refused = client.get(f"{API}/tutoring/tutors", headers=_auth(org["Tess"]))
    assert (refused.status_code, refused.json["code"]) == (403, "forbidden")
    with app.app_context():
        assert session().scalar(select(TutoringPair.status)) == "active"
