"""REST: badge classes with criteria, and a learner's badges for who may see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from badge_factories import AT, make_badge
from factories import make_analyst_token, make_completion, make_module, make_pair, make_person
from lms_roi.db import session
from lms_roi.gamification import badges
from lms_roi.models import Learner
from lms_roi.services.tokens import issue_api_token


def _auth(token):
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


@pytest.fixture
def tokens(app, db):
    """Mia (E1) holds "first", has 1 of 3 modules; tutor Tom follows her; Lea is a stranger."""
    with app.app_context():
        analyst = make_analyst_token()
        mia = session().scalar(select(Learner).where(Learner.external_id == "E1"))
        tom = make_person("tom@example.com", roles=("tutor",))
        lea = make_person("lea@example.com", external_id="E2")
        make_pair(tom, mia)
        make_completion(mia, make_module("m-one"), AT - timedelta(days=1))
        first = make_badge("first", name="First steps", xp=10)
        make_badge("three", {"kind": "modules_completed", "min": 3}, name="Three modules")
        make_badge("retired", active=False)
        award = badges.award_badge(mia.id, first, AT)
        found = {
            "analyst": analyst,
            "mia": issue_api_token(mia)[1],
            "tom": issue_api_token(tom)[1],
            "lea": issue_api_token(lea)[1],
            "uid": award.uid,
        }
        db.session.commit()
        return found


def test_badge_classes_with_their_criteria(client, tokens):
    body = client.get("/roi/api/v1/badges", headers=_auth(tokens["mia"])).get_json()
    assert [b["slug"] for b in body] == ["first", "three"]
    three = body[1]
    assert three == {
        "slug": "three",
        "name": "Three modules",
        "description": "",
        "xp": 0,
        "active": True,
        "criteria": {"kind": "modules_completed", "min": 3},
        "criteria_text": "Complete 3 different modules.",
        "image": "http://localhost/roi/openbadges/badges/three/image.png",
        "badge_class": "http://localhost/roi/openbadges/badges/three",
    }
    analysts = client.get("/roi/api/v1/badges", headers=_auth(tokens["analyst"])).get_json()
    assert [b["slug"] for b in analysts] == ["first", "retired", "three"]


def test_a_learner_reads_their_badges_and_progress(client, tokens):
    body = client.get("/roi/api/v1/learners/E1/badges", headers=_auth(tokens["mia"])).get_json()
    uid = tokens["uid"]
    assert body == {
        "learner": "E1",
        "earned": [
            {
                "badge": "first",
                "name": "First steps",
                "issued_on": "2026-03-10T12:00:00+00:00",
                "revoked": False,
                "assertion": f"http://localhost/roi/openbadges/assertions/{uid}",
                "baked_image": f"http://localhost/roi/openbadges/assertions/{uid}/badge.png",
            }
        ],
        "to_earn": [
            {
                "badge": "three",
                "name": "Three modules",
                "criteria_text": "Complete 3 different modules.",
                "count": 1,
                "goal": 3,
            }
        ],
    }


def test_a_revoked_badge_shows_with_its_reason(app, client, tokens):
    with app.app_context():
        from lms_roi.models import BadgeAward

        award = session().scalar(select(BadgeAward).where(BadgeAward.uid == tokens["uid"]))
        badges.revoke(award, "Duplicate account", actor=None)
        session().commit()
    body = client.get("/roi/api/v1/learners/E1/badges", headers=_auth(tokens["mia"])).get_json()
    [earned] = body["earned"]
    assert earned["revoked"] is True and earned["revocation_reason"] == "Duplicate account"
    assert "baked_image" not in earned and earned["revoked_at"]


@pytest.mark.parametrize(("who", "status"), [("tom", 200), ("analyst", 200), ("lea", 404)])
def test_only_the_learner_their_tutor_and_analysts_see_a_learners_badges(
    client, tokens, who, status
):
    response = client.get("/roi/api/v1/learners/E1/badges", headers=_auth(tokens[who]))
    assert response.status_code == status
    if status == 404:
        assert response.get_json() == {
            "code": "learner_not_found",
            "message": "no learner with external id 'E1'",
            "field": "id",
        }
    else:
        assert [b["badge"] for b in response.get_json()["earned"]] == ["first"]


def test_without_a_token_the_api_answers_401(client, tokens):
    response = client.get("/roi/api/v1/badges")
    assert response.status_code == 401 and response.get_json()["code"] == "unauthenticated"
