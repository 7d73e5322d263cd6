"""REST: ``GET /api/v1/tutoring/pairs`` for analysts, and an ended pair closes the API at once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from factories import make_pair, make_person, make_program, make_session
from lms_roi.db import session
from lms_roi.models import Learner, TutoringPair
from lms_roi.services import tutoring_pairs as pairs
from lms_roi.services.mentees import organisation_today
from lms_roi.services.tokens import issue_api_token
from tutoring_pair_factories import make_tutor

URL = "/roi/api/v1/tutoring/pairs"


def _auth(token: str, **headers) -> dict:
    return {"Authorization": f"Bearer {token}", **headers}


@pytest.fixture
def api_org(app, db):
    """Tokens of Nadia (analyst), Tess (tutor of Mia and Bob) and Mia (learner)."""
    with app.app_context():
        nadia = make_person("nadia@example.com", roles=("analyst",), password=None)
        tess = make_tutor("tess@example.com", "Tess Tutor", capacity=4)
        tess.external_id = "T1"
        mia = make_person("mia@example.com", name="Mia", external_id="E1", password=None)
        bob = make_person("bob@example.com", name="Bob", external_id="E2", password=None)
        program = make_program("sales-path")
        active = make_pair(
            tess, mia, starts_on=date(2026, 1, 5), program=program, goals="Qualify leads"
        )
        make_session(active, date(2026, 2, 1), 45)
        make_session(active, date(2026, 3, 1), 30)
        asked = pairs.request_tutor(bob, tess.id, note="SEO?", today=date(2026, 4, 2))
        tokens = {who.display_name: issue_api_token(who)[1] for who in (nadia, tess, mia)}
        db.session.commit()
        ids = {"active": active.id, "asked": asked.id}
    return tokens, ids


def test_an_analyst_reads_every_pair_unrounded_and_filtered(client, api_org):
    tokens, ids = api_org
    response = client.get(URL, headers=_auth(tokens["Nadia"]))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["limit"], body["offset"]) == (2, 1000, 0)
    first = body["pairs"][0]
    assert first.pop("created_at") and first.pop("decided_at") is None
    assert first == {
        "id": ids["active"],
        "tutor": {"external_id": "T1", "display_name": "Tess Tutor"},
        "mentee": {"external_id": "E1", "display_name": "Mia"},
        "program": "sales-path",
        "status": "active",
        "active": True,
        "goals": "Qualify leads",
        "starts_on": "2026-01-05",
        "ends_on": None,
        "requested_by": None,
        "request_note": "",
        "ended_at": None,
        "reason": "",
        "sessions": 2,
        "minutes": 75,
    }
    second = body["pairs"][1]
    assert (second["status"], second["active"], second["program"]) == ("requested", False, None)
    assert (second["requested_by"], second["request_note"], second["starts_on"]) == (
        "E2",
        "SEO?",
        "2026-04-02",
    )
    assert (second["sessions"], second["minutes"]) == (0, 0)

    def ids_for(query: str) -> list[int]:
        found = client.get(f"{URL}?{query}", headers=_auth(tokens["Nadia"])).get_json()
        return [pair["id"] for pair in found["pairs"]]

    assert ids_for("status=requested") == [ids["asked"]]
    assert ids_for("tutor=T1") == [ids["active"], ids["asked"]]
    assert ids_for("mentee=E1&status=active") == [ids["active"]]
    assert ids_for("mentee=E1&status=ended") == []
    assert ids_for("limit=1&offset=1") == [ids["asked"]]


def test_bad_filters_get_the_stable_error_shape(client, api_org):
    tokens, _ids = api_org
    unknown = client.get(f"{URL}?tutor=nobody", headers=_auth(tokens["Nadia"]))
    assert unknown.status_code == 404
    assert unknown.get_json() == {
        "code": "learner_not_found",
        "message": "no learner with external id 'nobody'",
        "field": "tutor",
    }
    status = client.get(f"{URL}?status=paused", headers=_auth(tokens["Nadia"]))
    assert status.status_code == 400
    error = status.get_json()
    assert (error["code"], error["field"]) == ("invalid_input", "status")
    assert error["message"].startswith("status: ")


@pytest.mark.parametrize("who", ["Tess Tutor", "Mia"])
def test_tutors_and_learners_are_refused_with_the_error_shape(client, api_org, who):
    tokens, _ids = api_org
    response = client.get(URL, headers=_auth(tokens[who]))
    assert response.status_code == 403
    assert response.get_json() == {
        "code": "forbidden",
        "message": "your roles do not allow this; it needs admin or analyst",
        "field": None,
    }
    french = client.get(URL, headers=_auth(tokens[who], **{"Accept-Language": "fr"}))
    assert french.get_json()["code"] == "forbidden"
    assert "analyste" in french.get_json()["message"]


def test_no_token_is_401(client, api_org):
    response = client.get(URL)
    assert response.status_code == 401 and response.get_json()["code"] == "unauthenticated"


def test_an_ended_pair_closes_the_mentees_progress_to_the_ex_tutor_at_once(app, client, api_org):
    tokens, ids = api_org
    progress = "/roi/api/v1/learners/E1/progress"
    assert client.get(progress, headers=_auth(tokens["Tess Tutor"])).status_code == 200
    with app.app_context():
        nadia = session().scalar(select(Learner).where(Learner.email == "nadia@example.com"))
        pairs.end_pair(nadia, ids["active"], "Goal reached")
        session().commit()
        pair = session().get(TutoringPair, ids["active"])
        assert pair.ends_on == organisation_today()  # the last day is today...
    refused = client.get(progress, headers=_auth(tokens["Tess Tutor"]))
    assert refused.status_code == 404  # ...yet access ends now, not tonight
    assert refused.get_json() == {
        "code": "learner_not_found",
        "message": "no learner with external id 'E1'",
        "field": "id",
    }
    assert client.get(progress, headers=_auth(tokens["Nadia"])).status_code == 200
    listed = client.get(f"{URL}?status=ended", headers=_auth(tokens["Nadia"])).get_json()
    assert [(p["id"], p["active"], p["reason"]) for p in listed["pairs"]] == [
        (ids["active"], False, "Goal reached")
    ]
