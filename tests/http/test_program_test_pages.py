"""A path's own pre-test and post-test in the browser: authored by an analyst, taken by a
learner from the path page, the gain shown on the path page."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from conftest import login
from factories import make_completion, make_module, make_person, make_program
from lms_roi.models import Choice, Completion, Learner, Module, Question, Quiz
from paths_factories import make_attempt, make_enrollment
from paths_factories import make_quiz as make_module_quiz
from program_test_factories import make_program_test

BASE = "/roi/authoring/paths/growth-academy"
TEST = f"{BASE}/tests/growth-academy-pre-test"


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def analyst(app, db, client):
    with app.app_context():
        make_person("mia@example.com", roles=("analyst",))
        make_person("ana@example.com")
        make_program("growth-academy", (make_module("seo-basics"),))
        db.session.commit()
    login(client, "mia@example.com")
    return client


def test_an_analyst_authors_a_paths_pre_test_and_its_questions(app, db, analyst):
    edit = page(analyst.get(f"{BASE}/edit"))
    assert "Pre-test and post-test of the path" in edit
    assert "This path has no test of its own yet." in edit
    assert f'href="{BASE}/tests/new?kind=pre_test">Add a pre-test</a>' in edit
    assert f'href="{BASE}/tests/new?kind=post_test">Add a post-test</a>' in edit

    form = page(analyst.get(f"{BASE}/tests/new?kind=post_test"))
    assert '<option selected value="post_test">post-test</option>' in form
    assert 'value="practice"' not in form  # a path has no practice quiz

    response = analyst.post(
        f"{BASE}/tests/new",
        data={"kind": "pre_test", "title": "Where you start", "pass_mark_pct": "60"},
    )
    assert response.status_code == 303 and response.headers["Location"] == TEST
    assert "The test Where you start was added: now write its questions." in page(analyst.get(TEST))

    question = {
        "kind": "single",
        "prompt": "Which lead is sales-ready?",
        "choices-0-text": "Budget and a deadline",
        "choices-0-correct": "y",
        "choices-0-feedback": "Need and timing.",
        "choices-1-text": "Downloaded a white paper",
    }
    response = analyst.post(f"{TEST}/questions/new", data=question)
    assert response.status_code == 303 and response.headers["Location"] == TEST
    refused = analyst.post(f"{TEST}/questions/new", data={**question, "choices-0-correct": ""})
    assert refused.status_code == 422 and "Mark exactly one answer as correct." in page(refused)

    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "growth-academy-pre-test"))
        assert (quiz.module_id, quiz.kind, quiz.pass_mark_pct) == (None, "pre_test", 60)
        question_id = quiz.questions[0].id
        kept_id = quiz.questions[0].choices[0].id
    test_page = page(analyst.get(TEST))
    assert "<h1>Where you start</h1>" in test_page and "1 question" in test_page
    assert "Which lead is sales-ready?" in test_page and "Need and timing." in test_page
    edit_url = f"{TEST}/questions/{question_id}/edit"
    assert f'href="{edit_url}"' in test_page

    # Edit the question: the answer keeps its id.
    assert 'value="Budget and a deadline"' in page(analyst.get(edit_url))
    response = analyst.post(
        edit_url,
        data={
            **question,
            "prompt": "Which lead is ready for sales?",
            "choices-0-choice_id": str(kept_id),
        },
    )
    assert response.status_code == 303
    with app.app_context():
        stored = db.session.get(Question, question_id)
        assert stored.prompt == "Which lead is ready for sales?"
        assert stored.choices[0].id == kept_id

    # Settings: a second pre-test is refused; the title changes.
    response = analyst.post(
        TEST, data={"kind": "pre_test", "title": "Start", "pass_mark_pct": "50"}
    )
    assert response.status_code == 303
    analyst.post(
        f"{BASE}/tests/new", data={"kind": "post_test", "title": "End", "pass_mark_pct": 70}
    )
    refused = analyst.post(
        f"{BASE}/tests/growth-academy-post-test",
        data={"kind": "pre_test", "title": "End", "pass_mark_pct": "70"},
    )
    assert refused.status_code == 422
    assert "This path already has a test of this kind (Start): edit that one instead." in page(
        refused
    )

    edit = page(analyst.get(f"{BASE}/edit"))
    rows = re.findall(r"<tr>\s*<td class=\"wrap\">(.*?)</tr>", edit, re.S)
    assert len(rows) == 2 and ">Start</a>" in rows[0] and ">End</a>" in rows[1]
    assert "Add a pre-test" not in edit and "Add a post-test" not in edit
    # Both kinds taken: the new-test page sends back to the path.
    full = analyst.get(f"{BASE}/tests/new")
    assert full.status_code == 303 and full.headers["Location"] == f"{BASE}/edit"

    # Delete the question.
    response = analyst.post(f"{TEST}/questions/{question_id}/delete")
    assert response.status_code == 303
    assert "The question was deleted." in page(analyst.get(TEST))
    with app.app_context():
        assert db.session.get(Question, question_id) is None
        assert db.session.scalar(select(Choice).where(Choice.id == kept_id)) is None


def test_a_paths_test_pages_refuse_other_quizzes_and_learners(app, db, analyst, client):
    with app.app_context():
        other = make_program("sales-path")
        foreign = make_program_test(other, "pre_test")
        module_quiz = make_module_quiz(make_module("ads"), "pre_test").slug
        foreign_question = foreign.questions[0].id
        db.session.commit()
    # Another path's test, or a module's quiz, is not this path's.
    assert analyst.get(f"{BASE}/tests/sales-path-pre-test").status_code == 404
    assert analyst.get(f"{BASE}/tests/{module_quiz}").status_code == 404
    assert analyst.post(f"{BASE}/tests/new", data={"kind": "practice"}).status_code == 422
    analyst.post(f"{BASE}/tests/new", data={"kind": "pre_test", "title": "S", "pass_mark_pct": 1})
    assert analyst.get(f"{TEST}/questions/{foreign_question}/edit").status_code == 404
    # A learner cannot author.
    client.post("/roi/logout")
    login(client, "ana@example.com")
    assert client.get(f"{BASE}/tests/new").status_code in (302, 403)


def test_a_learner_takes_the_paths_pre_test_then_its_post_test(app, db, client):
    with app.app_context():
        ana = make_person("ana@example.com")
        seo, ads = make_module("seo-basics"), make_module("social-ads")
        growth = make_program("growth-academy", (seo, ads))
        make_enrollment(ana, growth)
        pre = make_program_test(growth, "pre_test")
        post = make_program_test(growth, "post_test")
        ids = {c.text: c.id for q in pre.questions for c in q.choices}
        ids |= {q.prompt: q.id for q in pre.questions}
        post_answers = {
            f"q-{q.id}": [str(c.id) for c in q.choices if c.is_correct] for q in post.questions
        }
        pre_id, post_id = pre.id, post.id
        db.session.commit()
    login(client, "ana@example.com")

    path = page(client.get("/roi/paths/growth-academy"))
    assert "Find out what you already know before you start the path (optional)." in path
    assert f'<a href="/roi/quizzes/{pre_id}">Take the pre-test</a>' in path
    assert "The path's post-test opens once every module of the path is completed." in path
    assert f"/roi/quizzes/{post_id}" not in path

    # The pre-test through the quiz pages: 1 of 3 questions right = 33 %.
    intro = page(client.get(f"/roi/quizzes/{pre_id}"))
    assert "<h1>Growth Academy pre-test</h1>" in intro and "Start the quiz" in intro
    assert client.post(f"/roi/quizzes/{pre_id}").headers["Location"] == (
        f"/roi/quizzes/{pre_id}/attempts/1"
    )
    answers = {
        f"q-{ids['What does a title tag describe?']}": [str(ids["The page's topic"])],
        f"q-{ids['Backlinks from unrelated sites help ranking.']}": [str(ids["True"])],
        f"q-{ids['Which are on-page factors?']}": [str(ids["Domain age"])],
    }
    client.post(f"/roi/quizzes/{pre_id}/attempts/1", data=answers)
    assert client.get(f"/roi/quizzes/{pre_id}/attempts/1").status_code == 200

    path = page(client.get("/roi/paths/growth-academy"))
    assert "You took the path's pre-test: score 33%." in path
    assert "Take the pre-test" not in path

    # Every module completed: the post-test opens; passing it completes no module.
    with app.app_context():
        learner = db.session.scalar(select(Learner).where(Learner.email == "ana@example.com"))
        for module in db.session.scalars(select(Module)):
            make_completion(learner, module)
        db.session.commit()
    path = page(client.get("/roi/paths/growth-academy"))
    assert "You completed every module: check what you learned over the whole path." in path
    assert f'<a href="/roi/quizzes/{post_id}">Take the post-test</a>' in path
    client.post(f"/roi/quizzes/{post_id}")
    client.post(f"/roi/quizzes/{post_id}/attempts/1", data=post_answers)
    with app.app_context():
        assert len(db.session.scalars(select(Completion)).all()) == 2

    path = page(client.get("/roi/paths/growth-academy"))
    assert "Your best post-test score so far: 100%." in path
    assert f'<a href="/roi/quizzes/{post_id}">Open the post-test</a>' in path
    # 100 - 33.3 = 66.7 points, all of what was left to learn.
    assert "Pre-test 33%, post-test 100%: 67 points gained." in path
    assert "That is 100% of what you could still learn." in path


def test_the_path_page_shows_the_gain_over_the_path(app, db, client):
    with app.app_context():
        ana = make_person("ana@example.com")
        growth = make_program("growth-academy", (make_module("seo-basics"),))
        post = make_program_test(growth, "post_test")
        make_attempt(ana, make_program_test(growth, "pre_test"), 40)
        make_attempt(ana, post, 70, attempt_no=1)
        make_attempt(ana, post, 85, attempt_no=2)
        db.session.commit()
    login(client, "ana@example.com")
    path = page(client.get("/roi/paths/growth-academy"))
    section = path.split('<h2 id="path-gain">What you learned</h2>')[1]
    # 85 - 40 = 45 points; 45 of the 60 points left: 75 %.
    assert "Pre-test 40%, post-test 85%: 45 points gained." in section
    assert "That is 75% of what you could still learn." in section


def test_a_paths_test_is_a_quiz_page_without_a_module(app, db, client):
    with app.app_context():
        make_person("ana@example.com")
        quiz_id = make_program_test(make_program("growth-academy"), "post_test").id
        db.session.commit()
    login(client, "ana@example.com")
    intro = page(client.get(f"/roi/quizzes/{quiz_id}"))
    assert "<h1>Growth Academy post-test</h1>" in intro
    assert "/roi/modules/" not in intro.split("<h1>")[1]
    assert client.get("/roi/quizzes/999999").status_code == 404
