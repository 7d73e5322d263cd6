"""REST ``GET /api/v1/completions`` and ``GET /api/v1/attempts``: whose history each role reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from factories import make_completion, make_module, make_pair, make_person
from lms_roi.services import quizzes
from lms_roi.services.tokens import issue_api_token
from quiz_factories import make_quiz, right_answers, wrong_answers
from tutoring_pair_factories import make_tutor

API = "/roi/api/v1"


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, tzinfo=UTC)


@pytest.fixture
def org(app, db):
    """Tess tutors Mia (active) and tutored Bob (ended); Zoe is nobody's mentee.

    Completions in id order: Mia seo (Mar 2), Bob seo (Mar 3), Zoe ads (Mar 4), Tess ads
    (Mar 5), Mia ads (Apr 1, imported). Attempts: Mia passes, Bob fails seo-check.
    """
    with app.app_context():
        nadia = make_person("nadia@example.com", name="Nadia", roles=("analyst",), password=None)
        hugo = make_person("hugo@example.com", name="Hugo", roles=("hr",), password=None)
        tess = make_tutor("tess@example.com", "Tess")
        tess.external_id = "T1"
        people = {
            key: make_person(f"{key.lower()}@example.com", name=key, external_id=ext, password=None)
            for key, ext in (("Mia", "E1"), ("Bob", "E2"), ("Zoe", "E3"))
        }
        make_pair(tess, people["Mia"], starts_on=date(2026, 1, 5))
        make_pair(tess, people["Bob"], starts_on=date(2026, 1, 5), ends_on=date(2026, 2, 1))
        seo, ads = make_module("seo-basics"), make_module("ads")
        for who, module, day in (
            (people["Mia"], seo, _at(3, 2)),
            (people["Bob"], seo, _at(3, 3)),
            (people["Zoe"], ads, _at(3, 4)),
            (tess, ads, _at(3, 5)),
        ):
            make_completion(who, module, day, score=80.0)
        late = make_completion(people["Mia"], ads, _at(4, 1))
        late.source = "import"
        quiz = make_quiz("seo-check", module=seo)
        for who, answers in ((people["Mia"], right_answers), (people["Bob"], wrong_answers)):
            attempt = quizzes.start_attempt(who, quiz)
            quizzes.submit_attempt(attempt, answers(quiz), source="api")
        tokens = {
            who.display_name: issue_api_token(who)[1]
            for who in (nadia, hugo, tess, people["Mia"])
        }
        db.session.commit()
        quiz_id = quiz.id
    return tokens, quiz_id


def _rows(client, url: str, token: str) -> list[tuple]:
    items = []
    while url:
        response = client.get(url, headers=_auth(token))
        assert response.status_code == 200, response.json
        items += response.json["items"]
        url = response.json["next"]
    return items


def test_an_analyst_walks_every_completion_in_order(client, org):
    tokens, _quiz = org
    items = _rows(client, f"{API}/completions?limit=2", tokens["Nadia"])
    assert [(c["learner"], c["module"]) for c in items] == [
        ("E1", "seo-basics"),
        ("E2", "seo-basics"),
        ("E3", "ads"),
        ("T1", "ads"),
        ("E1", "ads"),
    ]
    first = items[0]
    assert (first["completed_at"], first["score"], first["version"], first["source"]) == (
        "2026-03-02T09:00:00+00:00",
        80.0,
        1,
        "web",
    )
    assert [c["id"] for c in items] == sorted(c["id"] for c in items)


def test_completion_filters(client, org):
    tokens, _quiz = org

    def who(query):
        items = _rows(client, f"{API}/completions?{query}", tokens["Nadia"])
        return [(c["learner"], c["module"]) for c in items]

    assert who("module=ads&source=import") == [("E1", "ads")]
    assert who("learner=E1") == [("E1", "seo-basics"), ("E1", "ads")]
    assert who("since=2026-03-03T00:00:00Z&until=2026-03-05T00:00:00Z") == [
        ("E2", "seo-basics"),
        ("E3", "ads"),
    ]
    naive = client.get(f"{API}/completions?since=2026-03-03", headers=_auth(tokens["Nadia"]))
    assert (naive.status_code, naive.json["field"]) == (400, "since")


def test_a_learner_reads_only_their_own_history(client, org):
    tokens, _quiz = org
    own = _rows(client, f"{API}/completions", tokens["Mia"])
    assert [(c["learner"], c["module"]) for c in own] == [("E1", "seo-basics"), ("E1", "ads")]
    other = client.get(f"{API}/completions?learner=E3", headers=_auth(tokens["Mia"]))
    assert (other.status_code, other.json["code"]) == (404, "learner_not_found")
    attempts = _rows(client, f"{API}/attempts", tokens["Mia"])
    assert [(a["learner"], a["passed"], a["score_pct"]) for a in attempts] == [("E1", True, 100.0)]


def test_a_tutor_reads_active_mentees_and_themself_only(client, org):
    tokens, _quiz = org
    seen = _rows(client, f"{API}/completions", tokens["Tess"])
    assert [(c["learner"], c["module"]) for c in seen] == [
        ("E1", "seo-basics"),
        ("T1", "ads"),
        ("E1", "ads"),
    ]
    ended = client.get(f"{API}/completions?learner=E2", headers=_auth(tokens["Tess"]))
    assert (ended.status_code, ended.json["code"]) == (404, "learner_not_found")
    mentee = _rows(client, f"{API}/attempts?learner=E1", tokens["Tess"])
    assert [a["learner"] for a in mentee] == ["E1"]


def test_an_analyst_filters_attempts(client, org):
    tokens, quiz_id = org
    failed = _rows(client, f"{API}/attempts?passed=false&quiz={quiz_id}", tokens["Nadia"])
    assert len(failed) == 1
    bob = failed[0]
    assert (bob["learner"], bob["module"], bob["kind"], bob["attempt_no"], bob["score_pct"]) == (
        "E2",
        "seo-basics",
        "practice",
        1,
        0.0,
    )
    assert bob["submitted_at"] is not None
    assert _rows(client, f"{API}/attempts?kind=post_test", tokens["Nadia"]) == []


def test_hr_reads_no_individual_history(client, org):
    tokens, _quiz = org
    for path in ("completions", "attempts"):
        response = client.get(f"{API}/{path}", headers=_auth(tokens["Hugo"]))
        assert (response.status_code, response.json["code"]) == (403, "forbidden")
