"""REST: modules, idempotent completions, graded quiz attempts, who may read progress."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from factories import make_analyst_token, make_module, make_pair, make_person
from lms_roi.db import session
from lms_roi.models import (
    Attempt,
    Choice,
    Completion,
    FollowUp,
    Learner,
    Question,
    Quiz,
    ReviewItem,
)
from lms_roi.services.tokens import issue_api_token

BODY = "Intro\n\n## Budget\nAsk about money.\n\n## Authority\nFind who signs."


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def setup(app, db):
    """An analyst token, learner E1 (with a token), a published module with a post-test."""
    with app.app_context():
        analyst_token = make_analyst_token()
        mia = session().scalar(select(Learner).where(Learner.external_id == "E1"))
        learner_token = issue_api_token(mia)[1]
        module = make_module("lead-qualification", body=BODY, duration=20)
        make_module("draft-module", published=False)
        quiz = Quiz(
            slug="lq-post", module_id=module.id, title="Check", kind="post_test", pass_mark_pct=50
        )
        single = Question(position=1, kind="single", prompt="Who signs?", explanation="BANT: A.")
        single.choices = [
            Choice(position=1, text="The decision maker", is_correct=True, feedback="Yes."),
            Choice(position=2, text="The intern", feedback="No: interns rarely sign."),
        ]
        multiple = Question(position=2, kind="multiple", prompt="Which are BANT letters?")
        multiple.choices = [
            Choice(position=1, text="Budget", is_correct=True, feedback="B."),
            Choice(position=2, text="Need", is_correct=True, feedback="N."),
            Choice(position=3, text="Timing", is_correct=True, feedback="T."),
            Choice(position=4, text="Brand", feedback="Not a BANT letter."),
            Choice(position=5, text="Price", feedback="Not a BANT letter."),
        ]
        quiz.questions += [single, multiple]
        session().add(quiz)
        db.session.commit()
        ids = {
            "quiz": quiz.id,
            "single": (single.id, single.choices[0].id, single.choices[1].id),
            "multiple": (multiple.id, [c.id for c in multiple.choices]),
        }
    return analyst_token, learner_token, ids


def test_modules_list_and_detail(client, setup):
    analyst, learner, ids = setup
    listed = client.get("/roi/api/v1/modules", headers=_auth(learner)).get_json()
    assert [m["slug"] for m in listed] == ["lead-qualification"]
    assert listed[0]["quizzes"][0] == {
        "id": ids["quiz"],
        "kind": "post_test",
        "title": "Check",
        "pass_mark_pct": 50,
        "max_attempts": None,
    }
    drafts = client.get("/roi/api/v1/modules?drafts=true", headers=_auth(analyst)).get_json()
    assert [m["slug"] for m in drafts] == ["draft-module", "lead-qualification"]
    detail = client.get("/roi/api/v1/modules/lead-qualification", headers=_auth(learner))
    body = detail.get_json()
    assert [s["title"] for s in body["steps"]] == ["", "Budget", "Authority"]
    assert body["steps"][1]["markdown"] == "## Budget\nAsk about money."
    hidden = client.get("/roi/api/v1/modules/draft-module", headers=_auth(learner))
    assert hidden.status_code == 404 and hidden.get_json()["code"] == "module_not_found"


def test_completion_is_idempotent_per_learner_module_and_version(app, client, setup):
    analyst, learner, _ids = setup
    url = "/roi/api/v1/modules/lead-qualification/completions"
    first = client.post(url, json={"learner": "E1", "score": 80}, headers=_auth(analyst))
    assert first.status_code == 201
    created = first.get_json()
    assert (created["version"], created["source"], created["created"]) == (1, "api", True)
    again = client.post(url, json={"learner": "mia@example.com"}, headers=_auth(analyst))
    assert again.status_code == 200
    assert again.get_json()["id"] == created["id"] and again.get_json()["created"] is False
    with app.app_context():
        assert session().scalar(select(func.count(Completion.id))) == 1
        assert session().scalar(select(func.count(FollowUp.id))) == 3
    bad = client.post(url, json={"learner": "nobody"}, headers=_auth(analyst))
    assert bad.status_code == 404 and bad.get_json()["field"] == "learner"
    future = client.post(
        url, json={"learner": "E1", "completed_at": "2999-01-01T00:00:00Z"}, headers=_auth(analyst)
    )
    assert future.status_code == 400 and future.get_json()["field"] == "completed_at"
    refused = client.post(url, json={"learner": "E1"}, headers=_auth(learner))
    assert refused.status_code == 403


def test_attempt_is_graded_on_the_server_with_partial_credit(app, client, setup):
    _analyst, learner, ids = setup
    single_id, right, wrong = ids["single"]
    multiple_id, choices = ids["multiple"]
    # Multiple: 2 of 3 correct picked and 1 of 2 wrong: 2/3 - 1/2 = 1/6.
    answers = [
        {"question": single_id, "choices": [right]},
        {"question": multiple_id, "choices": [choices[0], choices[1], choices[3]]},
    ]
    url = f"/roi/api/v1/quizzes/{ids['quiz']}/attempts"
    response = client.post(
        url, json={"answers": answers}, headers={**_auth(learner), "Idempotency-Key": "k1"}
    )
    assert response.status_code == 201
    result = response.get_json()
    assert result["score_pct"] == pytest.approx((1 + 1 / 6) / 2 * 100)
    assert result["passed"] is True and result["attempt_no"] == 1
    by_question = {q["question"]: q for q in result["questions"]}
    assert by_question[multiple_id]["score"] == pytest.approx(1 / 6)
    assert by_question[multiple_id]["feedback"][str(choices[3])] == "Not a BANT letter."
    assert by_question[single_id]["correct_choices"] == [right]
    resent = client.post(
        url, json={"answers": answers}, headers={**_auth(learner), "Idempotency-Key": "k1"}
    )
    assert resent.status_code == 200 and resent.get_json()["attempt_no"] == 1
    with app.app_context():
        # The partly wrong question entered the review queue; the right one did not.
        queued = session().scalars(select(ReviewItem.question_id)).all()
        assert queued == [multiple_id]
    unknown = client.post(
        url, json={"answers": [{"question": 999999, "choices": [1]}]}, headers=_auth(learner)
    )
    assert unknown.status_code == 400 and unknown.get_json()["code"] == "unknown_question"


def test_progress_for_self_tutor_and_analyst_only(app, db, client, setup):
    analyst, learner, ids = setup
    with app.app_context():
        mia = session().scalar(select(Learner).where(Learner.external_id == "E1"))
        tutor = make_person("theo@example.com", roles=("tutor",))
        other = make_person("omar@example.com", roles=("tutor",))
        make_pair(tutor, mia, starts_on=date(2026, 1, 1))
        tutor_token = issue_api_token(tutor)[1]
        other_token = issue_api_token(other)[1]
        completion = Completion(
            learner_id=mia.id,
            module_id=session().scalar(select(Quiz.module_id)),
            completed_at=datetime(2026, 3, 2, tzinfo=UTC),
            source="import",
        )
        session().add(completion)
        db.session.commit()
    url = "/roi/api/v1/learners/E1/progress"
    mine = client.get(url, headers=_auth(learner)).get_json()
    assert mine["learner"] == "E1"
    assert mine["modules"][0]["module"] == "lead-qualification"
    assert mine["modules"][0]["steps_total"] == 3 and mine["modules"][0]["completions"] == 1
    assert client.get(url, headers=_auth(tutor_token)).status_code == 200
    assert client.get(url, headers=_auth(analyst)).status_code == 200
    stranger = client.get(url, headers=_auth(other_token))
    assert stranger.status_code == 404 and stranger.get_json()["code"] == "learner_not_found"
    with app.app_context():
        # The pair ended yesterday: the tutor's access ends with it.
        from lms_roi.models import TutoringPair

        pair = session().scalar(select(TutoringPair))
        pair.ends_on = date.today() - timedelta(days=1)
        db.session.commit()
    assert client.get(url, headers=_auth(tutor_token)).status_code == 404


def test_a_locked_module_quiz_is_refused_by_the_api(app, db, client, setup):
    _analyst, learner, ids = setup
    with app.app_context():
        from lms_roi.models import Module, ModulePrerequisite

        basics = make_module("qualification-basics")
        locked = session().scalar(select(Module).where(Module.slug == "lead-qualification"))
        session().add(ModulePrerequisite(module_id=locked.id, required_module_id=basics.id))
        db.session.commit()
    single_id, right, _wrong = ids["single"]
    response = client.post(
        f"/roi/api/v1/quizzes/{ids['quiz']}/attempts",
        json={"answers": [{"question": single_id, "choices": [right]}]},
        headers=_auth(learner),
    )
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "module_locked" and "Qualification Basics" in body["message"]
    with app.app_context():
        assert session().scalar(select(func.count(Attempt.id))) == 0
