"""REST: leaderboards (visibility respected, error shapes) and a learner's XP."""

from __future__ import annotations

from datetime import date

import pytest

from factories import make_pair, make_person, make_team
from leaderboard_factories import at, make_everywhere, make_learners, make_totals
from lms_roi.db import session, utcnow
from lms_roi.gamification.leaderboards import choose_visibility
from lms_roi.gamification.periods import period_keys
from lms_roi.models import Streak
from lms_roi.services.tokens import issue_api_token


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(app, db):
    """Sales: Ana 300, Bo 250 (pseudonymous), Cy 200 (hidden), Di 150, Ed 100; tokens."""
    with app.app_context():
        sales = make_team("sales")
        people = make_learners("ana bo cy di ed", team=sales)
        for hour, (name, xp) in enumerate(
            (("ana", 300), ("bo", 250), ("cy", 200), ("di", 150), ("ed", 100))
        ):
            make_everywhere(people[name], xp, at(hour))
            # The API reads the current buckets: write them for today too.
            now = period_keys(utcnow())
            for window in ("week", "month"):
                if now[window] != period_keys(at(0))[window]:
                    make_totals(people[name], xp, at(hour), window=window, key=now[window])
        choose_visibility(people["bo"], "pseudonymous")
        choose_visibility(people["cy"], "hidden")
        tutor = make_person("tom@example.com", roles=("tutor", "learner"), password=None)
        make_pair(tutor, people["di"], starts_on=date(2026, 1, 5))
        analyst = make_person("nadia@example.com", roles=("analyst",), password=None)
        session().add(Streak(learner_id=people["di"].id, current_length=0, longest_length=4))
        result = {name: issue_api_token(person)[1] for name, person in people.items()}
        result.update(tom=issue_api_token(tutor)[1], nadia=issue_api_token(analyst)[1])
        result["alias"] = people["bo"].pseudonym
        db.session.commit()
    return result


def test_the_board_lists_the_top_and_my_neighbours_under_each_choice(client, tokens):
    body = client.get(
        "/roi/api/v1/leaderboards?scope=team:sales&window=week&limit=2", headers=_auth(tokens["ed"])
    ).get_json()
    alias = tokens["alias"]
    assert body["scope"] == "team:sales" and body["window"] == "week"
    assert body["rows"] == [
        {"rank": 1, "display_name": "Ana", "xp": 300},
        {"rank": 2, "display_name": alias, "xp": 250},
    ]
    assert body["me"] == {
        "rank": 4,
        "xp": 100,
        "hidden": False,
        "neighbours": [
            {"rank": 2, "display_name": alias, "xp": 250},
            {"rank": 3, "display_name": "Di", "xp": 150},
        ],
    }
    names = str(client.get("/roi/api/v1/leaderboards", headers=_auth(tokens["ana"])).get_json())
    assert "Cy" not in names and "Bo" not in names and alias in names


def test_a_hidden_caller_sees_their_place_privately(client, tokens):
    me = client.get("/roi/api/v1/leaderboards", headers=_auth(tokens["cy"])).get_json()["me"]
    assert (me["rank"], me["xp"], me["hidden"]) == (3, 200, True)
    assert [n["rank"] for n in me["neighbours"]] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("window=year", "window"),
        ("scope=people", "scope"),
        ("scope=team:", "scope"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=many", "limit"),
    ],
)
def test_bad_board_queries_say_which_field(client, tokens, query, field):
    response = client.get(f"/roi/api/v1/leaderboards?{query}", headers=_auth(tokens["ana"]))
    body = response.get_json()
    assert response.status_code == 400
    assert (body["code"], body["field"]) == ("invalid_input", field) and body["message"]


@pytest.mark.parametrize(
    ("scope", "code"), [("team:nope", "team_not_found"), ("program:nope", "program_not_found")]
)
def test_an_unknown_team_or_program_is_not_found(client, tokens, scope, code):
    response = client.get(f"/roi/api/v1/leaderboards?scope={scope}", headers=_auth(tokens["ana"]))
    assert response.status_code == 404
    assert (response.get_json()["code"], response.get_json()["field"]) == (code, "scope")


def test_the_board_needs_a_token(client, tokens):
    response = client.get("/roi/api/v1/leaderboards")
    assert (response.status_code, response.get_json()["code"]) == (401, "unauthenticated")


def test_xp_reads_for_the_learner_their_tutor_and_analysts_only(client, tokens):
    own = client.get("/roi/api/v1/learners/di@example.com/xp", headers=_auth(tokens["di"]))
    body = own.get_json()
    assert body["learner"] == "di@example.com"
    assert body["xp"] == {"all": 150, "month": 150, "week": 150}
    assert body["level"]["level"] == 2  # 120 XP reach level 2, 276 level 3
    assert (body["level"]["floor_xp"], body["level"]["next_xp"]) == (120, 276)
    assert body["streak"] == {"current": 0, "longest": 4}
    for reader in ("tom", "nadia"):
        response = client.get(
            "/roi/api/v1/learners/di@example.com/xp", headers=_auth(tokens[reader])
        )
        assert response.get_json()["xp"]["all"] == 150
    refused = client.get("/roi/api/v1/learners/di@example.com/xp", headers=_auth(tokens["ana"]))
    assert refused.status_code == 404 and refused.get_json()["code"] == "learner_not_found"
    absent = client.get("/roi/api/v1/learners/nobody/xp", headers=_auth(tokens["nadia"]))
    assert absent.status_code == 404
