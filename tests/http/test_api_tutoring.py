"""REST: a tutor's active mentees (exactly those, unrounded, with alerts), logging sessions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from conftest import login
from factories import make_completion, make_module, make_pair, make_person
from lms_roi.models import TutoringPair, TutoringSession
from lms_roi.services.mentees import organisation_today
from lms_roi.services.tokens import issue_api_token


def _auth(token: str, **headers) -> dict:
    return {"Authorization": f"Bearer {token}", **headers}


@pytest.fixture
def org(app, db):
    """Theo follows Ana (idle 12 days) and Bea; his pairs with Cid ended, with Dan not begun.

    Omar follows Eve. Tokens and pair ids by name.
    """
    with app.app_context():
        today = organisation_today()
        theo = make_person("theo@example.com", roles=("tutor", "learner"), external_id="T1")
        omar = make_person("omar@example.com", roles=("tutor", "learner"), external_id="T2")
        nadia = make_person("nadia@example.com", roles=("analyst",), external_id="A1")
        people = {
            name: make_person(f"{name}@example.com", name=name.title(), external_id=name.upper())
            for name in ("ana", "bea", "cid", "dan", "eve")
        }
        # They live in the organisation's time zone: their "today" (inactivity is counted
        # in each learner's own zone) is the fixture's, at any hour of the day.
        for person in (theo, omar, *people.values()):
            person.timezone = app.config["LMS_ROI_TIMEZONE"]
        people["ana"].created_at = datetime.combine(today - timedelta(days=12), time(8), UTC)
        module = make_module("seo-basics")
        for score, days in ((70, 3), (90, 2), (90, 1)):
            when = datetime.combine(today - timedelta(days=days), time(12), UTC)
            make_completion(people["bea"], module, when, score=score)
        start = today - timedelta(days=30)
        pairs = {
            "ana": make_pair(theo, people["ana"], starts_on=start),
            "bea": make_pair(theo, people["bea"], starts_on=start),
            "cid": make_pair(
                theo, people["cid"], starts_on=start, ends_on=today - timedelta(days=1)
            ),
            "dan": make_pair(theo, people["dan"], starts_on=today + timedelta(days=1)),
            "eve": make_pair(omar, people["eve"], starts_on=start),
        }
        tokens = {
            "theo": issue_api_token(theo)[1],
            "omar": issue_api_token(omar)[1],
            "nadia": issue_api_token(nadia)[1],
            "ana": issue_api_token(people["ana"])[1],
            "bea": issue_api_token(people["bea"])[1],
        }
        db.session.commit()
        return {
            "today": today,
            "tokens": tokens,
            "pairs": {name: pair.id for name, pair in pairs.items()},
        }


def test_a_tutor_gets_exactly_their_active_mentees_unrounded(client, org):
    response = client.get("/roi/api/v1/tutors/me/mentees", headers=_auth(org["tokens"]["theo"]))
    assert response.status_code == 200
    rows = response.get_json()
    assert [row["mentee"] for row in rows] == ["ANA", "BEA"]  # the idle one first
    ana, bea = rows
    assert bea["average_score"] == pytest.approx(250 / 3) and bea["average_score"] != 83.33
    assert bea["modules_completed"] == 1 and bea["alerts"] == []
    assert bea["last_activity"] == (org["today"] - timedelta(days=1)).isoformat()
    assert bea["quizzes"] == {"attempted": 0, "passed": 0}
    assert bea["sessions"] == {"count": 0, "minutes": 0, "last": None}
    [alert] = ana["alerts"]
    assert (alert["kind"], alert["urgency"]) == ("inactive", 1)
    assert alert["figures"]["days"] == 12 and alert["figures"]["last_activity"] is None
    assert alert["message"].startswith("No learning action in the 12 days since joining on")
    assert alert["action"]["kind"] == "message"
    assert alert["action"]["url"] == "mailto:ana@example.com"
    others = client.get("/roi/api/v1/tutors/me/mentees", headers=_auth(org["tokens"]["omar"]))
    assert [row["mentee"] for row in others.get_json()] == ["EVE"]


def test_nothing_of_a_mentee_after_the_pair_ends(db, client, org):
    pair = db.session.get(TutoringPair, org["pairs"]["bea"])
    pair.status, pair.active, pair.ends_on = "ended", False, org["today"] - timedelta(days=1)
    db.session.commit()
    rows = client.get("/roi/api/v1/tutors/me/mentees", headers=_auth(org["tokens"]["theo"]))
    assert [row["mentee"] for row in rows.get_json()] == ["ANA"]
    progress = client.get("/roi/api/v1/learners/BEA/progress", headers=_auth(org["tokens"]["theo"]))
    assert progress.status_code == 404
    refused = client.post(
        "/roi/api/v1/tutoring/sessions",
        json={"pair_id": org["pairs"]["bea"], "held_on": org["today"].isoformat(), "minutes": 30},
        headers=_auth(org["tokens"]["theo"]),
    )
    assert refused.status_code == 409 and refused.get_json()["code"] == "pair_not_active"


def test_only_tutors_list_mentees(client, org):
    learner = client.get("/roi/api/v1/tutors/me/mentees", headers=_auth(org["tokens"]["ana"]))
    assert learner.status_code == 403 and learner.get_json()["code"] == "forbidden"
    assert client.get("/roi/api/v1/tutors/me/mentees").status_code == 401


def body(org, pair: str = "ana", **values) -> dict:
    return {
        "pair_id": org["pairs"][pair],
        "held_on": org["today"].isoformat(),
        "minutes": 45,
        **values,
    }


def test_the_tutor_logs_a_session_and_gets_it_back(db, client, org):
    response = client.post(
        "/roi/api/v1/tutoring/sessions",
        json=body(
            org,
            notes="Planned the week",
            actions=["Finish module 1", " ", "Book a call"],
            next_meeting_on=(org["today"] + timedelta(days=7)).isoformat(),
        ),
        headers=_auth(org["tokens"]["theo"]),
    )
    assert response.status_code == 201
    logged = response.get_json()
    assert logged["pair_id"] == org["pairs"]["ana"] and logged["logged_by"] == "T1"
    assert (logged["minutes"], logged["notes"]) == (45, "Planned the week")
    assert [(a["position"], a["text"], a["done_at"]) for a in logged["actions"]] == [
        (1, "Finish module 1", None),
        (2, "Book a call", None),
    ]
    assert logged["next_meeting_on"] == (org["today"] + timedelta(days=7)).isoformat()
    # Ana's inactivity alert is gone: the session is a learning action.
    rows = client.get("/roi/api/v1/tutors/me/mentees", headers=_auth(org["tokens"]["theo"]))
    assert [row["alerts"] for row in rows.get_json()] == [[], []]


def test_the_mentee_may_log_and_an_analyst_too(client, org):
    for who in ("ana", "nadia"):
        response = client.post(
            "/roi/api/v1/tutoring/sessions", json=body(org), headers=_auth(org["tokens"][who])
        )
        assert response.status_code == 201, who


@pytest.mark.parametrize(
    ("who", "pair", "values", "status", "code", "field"),
    [
        # Outside the pair, the pair does not exist.
        ("omar", "ana", {}, 404, "pair_not_found", "pair_id"),
        ("bea", "ana", {}, 404, "pair_not_found", "pair_id"),
        ("theo", "cid", {}, 409, "pair_not_active", "pair_id"),
        ("theo", "dan", {}, 409, "pair_not_active", "pair_id"),
        ("theo", "ana", {"minutes": 0}, 422, "invalid_minutes", "minutes"),
        ("theo", "ana", {"held_on": "2999-01-01"}, 422, "invalid_date", "held_on"),
        ("theo", "ana", {"actions": ["x" * 501]}, 422, "action_too_long", "actions"),
        ("theo", "ana", {"minutes": "long"}, 400, "invalid_input", "minutes"),
        ("theo", "ana", {"pair_id": 999_999}, 404, "pair_not_found", "pair_id"),
    ],
)
def test_refusals_have_a_code_a_message_and_a_field(
    db, client, org, who, pair, values, status, code, field
):
    response = client.post(
        "/roi/api/v1/tutoring/sessions",
        json=body(org, pair, **values),
        headers=_auth(org["tokens"][who]),
    )
    assert response.status_code == status
    error = response.get_json()
    assert (error["code"], error["field"]) == (code, field) and error["message"]
    assert db.session.scalar(select(func.count(TutoringSession.id))) == 0


def test_a_resent_request_with_the_same_key_logs_once(db, client, org):
    headers = _auth(org["tokens"]["theo"], **{"Idempotency-Key": "abc-1"})
    first = client.post("/roi/api/v1/tutoring/sessions", json=body(org), headers=headers)
    again = client.post("/roi/api/v1/tutoring/sessions", json=body(org), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert db.session.scalar(select(func.count(TutoringSession.id))) == 1
    other = client.post(
        "/roi/api/v1/tutoring/sessions",
        json=body(org),
        headers=_auth(org["tokens"]["theo"], **{"Idempotency-Key": "abc-2"}),
    )
    assert other.status_code == 201


def test_errors_speak_the_callers_language(client, org):
    response = client.post(
        "/roi/api/v1/tutoring/sessions",
        json=body(org, minutes=500),
        headers=_auth(org["tokens"]["theo"], **{"Accept-Language": "fr"}),
    )
    assert response.status_code == 422
    assert response.get_json()["message"] == "une séance dure de 1 à 480 minutes"


def test_a_number_too_large_for_an_id_names_nothing(client, org):
    """Not a 500: on a page and in the API, an id beyond 32 bits is simply not found."""
    huge = 10**20
    answer = client.post(
        "/roi/api/v1/tutoring/sessions",
        json={**body(org), "pair_id": huge},
        headers=_auth(org["tokens"]["theo"]),
    )
    assert (answer.status_code, answer.get_json()["field"]) == (400, "pair_id")
    login(client, "theo@example.com")
    page = client.get(f"/roi/tutor/mentees/{huge}")
    assert page.status_code == 404
    assert "There is nothing at this address." in page.get_data(as_text=True)
