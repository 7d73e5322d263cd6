"""REST authoring of quizzes and questions: ``/api/v1/quizzes`` and ``/api/v1/questions``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factories import make_module, make_person, make_program
from lms_roi.db import session
from lms_roi.models import Choice, Learner, Question, Quiz
from lms_roi.services import quizzes
from lms_roi.services.tokens import issue_api_token
from quiz_factories import make_quiz

API = "/roi/api/v1"


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def org(app, db):
    """Nadia (analyst), Mia (learner); module seo-basics with a 3-question practice quiz."""
    with app.app_context():
        nadia = make_person("nadia@example.com", name="Nadia", roles=("analyst",))
        mia = make_person("mia@example.com", name="Mia", external_id="E1")
        module = make_module("seo-basics")
        make_module("ads")
        make_program("growth-academy", (module,))
        quiz = make_quiz("seo-check", module=module)
        tokens = {who.display_name: issue_api_token(who)[1] for who in (nadia, mia)}
        db.session.commit()
        ids = {"quiz": quiz.id, "questions": [q.id for q in quiz.questions]}
    return tokens, ids


def test_an_analyst_reads_a_quiz_with_its_answers(client, org):
    tokens, ids = org
    response = client.get(f"{API}/quizzes/{ids['quiz']}", headers=_auth(tokens["Nadia"]))
    assert response.status_code == 200, response.json
    body = response.json
    assert body.pop("created_at")
    first = body.pop("questions")[0]
    assert body == {
        "id": ids["quiz"],
        "slug": "seo-check",
        "module": "seo-basics",
        "program": None,
        "kind": "practice",
        "title": "Seo Check",
        "pass_mark_pct": 70,
        "max_attempts": None,
        "shuffle": False,
    }
    assert (first["kind"], first["position"], first["prompt"]) == (
        "single",
        1,
        "What does a title tag describe?",
    )
    assert [(c["text"], c["correct"]) for c in first["choices"]] == [
        ("The page's topic", True),
        ("The site's colours", False),
        ("The server's location", False),
    ]
    refused = client.get(f"{API}/quizzes/{ids['quiz']}", headers=_auth(tokens["Mia"]))
    assert (refused.status_code, refused.json["code"]) == (403, "forbidden")


def test_quizzes_are_created_listed_and_paged(client, org):
    tokens, ids = org
    post = client.post(
        f"{API}/quizzes",
        json={"module": "seo-basics", "kind": "post_test", "title": "After", "pass_mark_pct": 80},
        headers=_auth(tokens["Nadia"]),
    )
    assert post.status_code == 201, post.json
    assert (post.json["slug"], post.json["pass_mark_pct"], post.json["questions"]) == (
        "seo-basics-post-test",
        80,
        [],
    )
    path_test = client.post(
        f"{API}/quizzes",
        json={"program": "growth-academy", "kind": "pre_test", "title": "Before the path"},
        headers=_auth(tokens["Nadia"]),
    )
    assert (path_test.status_code, path_test.json["program"]) == (201, "growth-academy")
    url, seen = f"{API}/quizzes?limit=2", []
    while url:
        page = client.get(url, headers=_auth(tokens["Nadia"])).json
        seen += [(q["slug"], q["questions"]) for q in page["items"]]
        url = page["next"]
    assert seen == [
        ("seo-check", 3),
        ("seo-basics-post-test", 0),
        ("growth-academy-pre-test", 0),
    ]
    only = client.get(f"{API}/quizzes?program=growth-academy", headers=_auth(tokens["Nadia"]))
    assert [q["kind"] for q in only.json["items"]] == ["pre_test"]
    again = client.post(
        f"{API}/quizzes",
        json={"module": "seo-basics", "kind": "post_test", "title": "Twice"},
        headers=_auth(tokens["Nadia"]),
    )
    assert (again.status_code, again.json["code"], again.json["field"]) == (
        409,
        "quiz_kind_taken",
        "kind",
    )
    both = client.post(
        f"{API}/quizzes",
        json={"module": "ads", "program": "growth-academy", "kind": "practice", "title": "X"},
        headers=_auth(tokens["Nadia"]),
    )
    assert (both.status_code, both.json["code"]) == (400, "owner_required")


def test_a_quiz_is_patched_and_keeps_unsent_settings(client, org):
    tokens, ids = org
    response = client.patch(
        f"{API}/quizzes/{ids['quiz']}",
        json={"max_attempts": 3, "shuffle": True},
        headers=_auth(tokens["Nadia"]),
    )
    assert response.status_code == 200, response.json
    assert (response.json["max_attempts"], response.json["shuffle"], response.json["title"]) == (
        3,
        True,
        "Seo Check",
    )
    bad = client.patch(
        f"{API}/quizzes/{ids['quiz']}", json={"pass_mark_pct": 101}, headers=_auth(tokens["Nadia"])
    )
    assert (bad.status_code, bad.json["code"], bad.json["field"]) == (
        400,
        "invalid_input",
        "pass_mark_pct",
    )


def test_questions_are_added_edited_and_deleted(client, org, app):
    tokens, ids = org
    added = client.post(
        f"{API}/quizzes/{ids['quiz']}/questions",
        json={
            "kind": "true_false",
            "prompt": "Meta keywords still matter.",
            "choices": [{"text": "True"}, {"text": "False", "correct": True, "feedback": "Yes"}],
        },
        headers=_auth(tokens["Nadia"]),
    )
    assert added.status_code == 201, added.json
    assert (added.json["position"], [c["correct"] for c in added.json["choices"]]) == (
        4,
        [False, True],
    )
    question_id = added.json["id"]
    false_id = added.json["choices"][1]["id"]
    reworded = client.patch(
        f"{API}/questions/{question_id}",
        json={"prompt": "Meta keywords still help ranking."},
        headers=_auth(tokens["Nadia"]),
    )
    assert reworded.status_code == 200, reworded.json
    assert reworded.json["prompt"] == "Meta keywords still help ranking."
    assert reworded.json["choices"][1] == {
        "id": false_id,
        "text": "False",
        "correct": True,
        "feedback": "Yes",
    }
    two_right = client.patch(
        f"{API}/questions/{question_id}",
        json={"choices": [{"text": "True", "correct": True}, {"text": "False", "correct": True}]},
        headers=_auth(tokens["Nadia"]),
    )
    assert (two_right.status_code, two_right.json["code"], two_right.json["field"]) == (
        422,
        "one_correct",
        "choices",
    )
    gone = client.delete(f"{API}/questions/{question_id}", headers=_auth(tokens["Nadia"]))
    assert gone.status_code == 204
    with app.app_context():
        assert session().get(Question, question_id) is None
    missing = client.delete(f"{API}/questions/{question_id}", headers=_auth(tokens["Nadia"]))
    assert (missing.status_code, missing.json["code"]) == (404, "question_not_found")


def test_answered_questions_and_picked_answers_stay(client, org, app):
    tokens, ids = org
    with app.app_context():
        mia = session().scalar(select(Learner).where(Learner.external_id == "E1"))
        quiz = session().get(Quiz, ids["quiz"])
        first = quiz.questions[0]
        picked = session().scalar(
            select(Choice.id).where(Choice.question_id == first.id).order_by(Choice.position)
        )
        attempt = quizzes.start_attempt(mia, quiz)
        quizzes.submit_attempt(attempt, {first.id: [picked]}, source="api")
        session().commit()
    url = f"{API}/questions/{ids['questions'][0]}"
    deleted = client.delete(url, headers=_auth(tokens["Nadia"]))
    assert (deleted.status_code, deleted.json["code"]) == (422, "question_answered")
    dropped = client.patch(
        url,
        json={"choices": [{"text": "Only", "correct": True}, {"text": "Other"}]},
        headers=_auth(tokens["Nadia"]),
    )
    assert (dropped.status_code, dropped.json["code"]) == (422, "choice_answered")
