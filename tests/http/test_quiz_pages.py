"""Quiz and review pages: take a quiz in the browser, nothing leaks before submitting."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from conftest import login
from factories import make_module, make_person
from lms_roi.models import Attempt, Question, ReviewItem
from lms_roi.services.review import enqueue
from quiz_factories import SEO_QUESTIONS, make_quiz

FEEDBACK = [feedback for *_, choices in SEO_QUESTIONS for _t, _c, feedback in choices]
EXPLANATIONS = [explanation for _k, _p, explanation, _c in SEO_QUESTIONS]


@pytest.fixture
def seo_quiz(app, db):
    """Ana and Bob; a module with a 2-attempt quiz (ids of questions and choices by text)."""
    with app.app_context():
        make_person("ana@example.com")
        make_person("bob@example.com")
        module = make_module("seo-basics")
        quiz = make_quiz(module=module, max_attempts=2, pass_mark=70)
        ids = {c.text: c.id for q in quiz.questions for c in q.choices}
        ids |= {q.prompt: q.id for q in quiz.questions}
        quiz_id = quiz.id
        db.session.commit()
    return quiz_id, ids


def assert_no_answers_leak(page: str) -> None:
    page = html.unescape(page)
    for text in FEEDBACK + EXPLANATIONS:
        assert text not in page
    assert not re.search(r"data-correct|is_correct|correct answer", page, re.I)


def answer_form(ids, *texts):
    """Form data picking ``texts`` (choice texts) under their question's field name."""
    by_choice = {text: prompt for _k, prompt, _e, choices in SEO_QUESTIONS for text, *_ in choices}
    data: dict[str, list[str]] = {}
    for text in texts:
        data.setdefault(f"q-{ids[by_choice[text]]}", []).append(str(ids[text]))
    return data


def test_take_a_quiz_nothing_leaks_before_submitting_feedback_after(seo_quiz, client):
    quiz_id, ids = seo_quiz
    login(client, "ana@example.com")
    intro = client.get(f"/roi/quizzes/{quiz_id}").get_data(as_text=True)
    assert "<h1>Seo Check</h1>" in intro and "Practice quiz" in intro
    assert "pass mark 70%" in intro and "of 2 attempts used" in intro
    assert "Start the quiz" in intro and "No attempt submitted yet." in intro
    assert_no_answers_leak(intro)

    started = client.post(f"/roi/quizzes/{quiz_id}")
    assert started.headers["Location"] == f"/roi/quizzes/{quiz_id}/attempts/1"
    form = client.get(f"/roi/quizzes/{quiz_id}/attempts/1").get_data(as_text=True)
    assert_no_answers_leak(form)
    assert (
        "<legend>Question 1: <span data-authored>What does a title tag describe?</span></legend>"
        in form
    )
    assert f'type="radio" name="q-{ids["What does a title tag describe?"]}"' in form
    assert f'type="checkbox" name="q-{ids["Which are on-page factors?"]}"' in form
    assert "Several answers possible." in form
    assert "Resume the quiz" in client.get(f"/roi/quizzes/{quiz_id}").get_data(as_text=True)

    # Title right (1), true/false wrong (0), 2 of 3 on-page factors + 1 wrong: 2/3 - 1/2.
    data = answer_form(ids, "The page's topic", "True", "Headings", "Image alt text", "Domain age")
    sent = client.post(f"/roi/quizzes/{quiz_id}/attempts/1", data=data)
    assert sent.headers["Location"] == f"/roi/quizzes/{quiz_id}/attempts/1"
    result = client.get(f"/roi/quizzes/{quiz_id}/attempts/1").get_data(as_text=True)
    # (1 + 0 + 1/6) / 3 = 38.89 %
    assert "Not passed: 38.9% (pass mark 70%)." in result
    assert "FB-title-right" in result and "FB-backlinks-true" in result
    assert "FB-multi-headings" in result and "FB-multi-age" in result
    assert "FB-multi-meta" not in result  # feedback of picked choices only
    assert "Partly right (17%)" in result
    # Failed with an attempt left: the right answers stay hidden for the next try.
    assert "Correct answer" not in result and "correct answer</span>" not in result
    assert "The correct answers show once you pass or have no attempt left" in result
    assert all(explanation in html.unescape(result) for explanation in EXPLANATIONS)
    assert "Try again" in result and 'href="/roi/modules/seo-basics"' in result
    # A resent form changes nothing.
    client.post(f"/roi/quizzes/{quiz_id}/attempts/1", data=answer_form(ids, "False"))
    again = client.get(f"/roi/quizzes/{quiz_id}/attempts/1").get_data(as_text=True)
    assert "Not passed: 38.9%" in again
    intro = client.get(f"/roi/quizzes/{quiz_id}").get_data(as_text=True)
    assert "1 attempt left." in intro and "38.9%" in intro and "Start the quiz" in intro
    # The last attempt, failed too: now the correct answers show.
    client.post(f"/roi/quizzes/{quiz_id}")
    client.post(f"/roi/quizzes/{quiz_id}/attempts/2", data=answer_form(ids, "True"))
    last = client.get(f"/roi/quizzes/{quiz_id}/attempts/2").get_data(as_text=True)
    assert "Correct answers: Headings, Meta description, Image alt text" in last
    assert "Correct answer: False" in last and "Try again" not in last


def test_passing_then_attempts_exhausted(seo_quiz, client, app, db):
    quiz_id, ids = seo_quiz
    login(client, "ana@example.com")
    right = answer_form(
        ids, "The page's topic", "False", "Headings", "Meta description", "Image alt text"
    )
    for number in (1, 2):
        client.post(f"/roi/quizzes/{quiz_id}")
        client.post(f"/roi/quizzes/{quiz_id}/attempts/{number}", data=right)
    result = client.get(f"/roi/quizzes/{quiz_id}/attempts/2").get_data(as_text=True)
    assert "Passed with 100% (pass mark 70%)." in result and "Try again" not in result
    refused = client.post(f"/roi/quizzes/{quiz_id}", follow_redirects=True)
    page = refused.get_data(as_text=True)
    assert "You have used all the attempts allowed for this quiz." in page
    assert "Start the quiz" not in page
    # Both passed with 100 %: the first one counts.
    assert page.count('<span class="tag">counts</span>') == 1
    assert page.index("Attempt 1") < page.index("counts") < page.index("Attempt 2")
    with app.app_context():
        assert db.session.scalar(select(Attempt.id).where(Attempt.attempt_no == 3)) is None


def test_another_learner_gets_404_for_an_attempt(seo_quiz, client):
    quiz_id, _ids = seo_quiz
    login(client, "ana@example.com")
    client.post(f"/roi/quizzes/{quiz_id}")
    client.post("/roi/logout")
    login(client, "bob@example.com")
    page = client.get(f"/roi/quizzes/{quiz_id}/attempts/1")
    assert page.status_code == 404 and "There is nothing at this address." in page.text
    assert client.post(f"/roi/quizzes/{quiz_id}/attempts/1", data={}).status_code == 404
    assert client.get("/roi/quizzes/999999").status_code == 404


def test_quiz_pages_in_french(seo_quiz, client):
    quiz_id, ids = seo_quiz
    login(client, "ana@example.com")
    client.post("/roi/language", data={"locale": "fr"})
    client.post(f"/roi/quizzes/{quiz_id}")
    client.post(f"/roi/quizzes/{quiz_id}/attempts/1", data=answer_form(ids, "The page's topic"))
    page = client.get(f"/roi/quizzes/{quiz_id}/attempts/1").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "33,3\u00a0%" in page or "33,3\u202f%" in page  # (1 + 0 + 0) / 3


def test_review_page_flow(app, db, client):
    with app.app_context():
        ana = make_person("ana@example.com")
        quiz = make_quiz()
        single = quiz.questions[0]
        past = datetime.now(UTC) - timedelta(days=2)
        enqueue(ana.id, [single.id], past)  # due yesterday
        single_id, right_id = single.id, single.choices[0].id
        db.session.commit()
    login(client, "ana@example.com")
    page = client.get("/roi/reviews").get_data(as_text=True)
    assert "1 question due" in page and "What does a title tag describe?" in page
    assert_no_answers_leak(page)
    with app.app_context():
        item_id = db.session.scalar(
            select(ReviewItem.id).where(ReviewItem.question_id == single_id)
        )
    done = client.post("/roi/reviews", data={f"r-{item_id}": str(right_id)}).get_data(as_text=True)
    assert "<strong>Right</strong>" in done and "FB-title-right" in done
    with app.app_context():
        item = db.session.get(ReviewItem, item_id)
        assert (item.box, item.interval_days) == (2, 3)
        # Ana's time zone is UTC: the day three days from now.
        day = format_date(item.due_at.date(), "medium", locale="en")
        assert item.due_at.date() == (datetime.now(UTC) + timedelta(days=3)).date()
    assert f"Next review on {day}." in done
    assert f"Nothing to review today; next review on {day}." in done


def test_review_page_empty_state_and_wrong_answer(app, db, client):
    with app.app_context():
        make_person("ana@example.com")
        db.session.commit()
    login(client, "ana@example.com")
    assert "Nothing to review today." in client.get("/roi/reviews").get_data(as_text=True)
    with app.app_context():
        ana_id = db.session.scalar(select(Attempt.id))  # none yet
        assert ana_id is None
        from lms_roi.models import Learner

        ana = db.session.scalar(select(Learner).where(Learner.email == "ana@example.com"))
        question = make_quiz().questions[1]  # true/false
        enqueue(ana.id, [question.id], datetime.now(UTC) - timedelta(days=1))
        item_id = db.session.scalar(select(ReviewItem.id))
        wrong_id = question.choices[0].id
        db.session.commit()
    done = client.post("/roi/reviews", data={f"r-{item_id}": str(wrong_id)}).get_data(as_text=True)
    assert "<strong>Wrong</strong>" in done and "FB-backlinks-true" in done
    assert "correct answer" in done  # revealed once answered
    with app.app_context():
        item = db.session.get(ReviewItem, item_id)
        assert item.box == 1 and item.last_reviewed_at is not None
        assert db.session.get(Question, item.question_id).kind == "true_false"


def test_question_text_is_escaped(app, db, client):
    with app.app_context():
        make_person("ana@example.com")
        quiz = make_quiz(
            questions=[("single", "<script>alert(1)</script>", "", [("<b>yes</b>", True, "")])]
        )
        quiz_id = quiz.id
        db.session.commit()
    login(client, "ana@example.com")
    client.post(f"/roi/quizzes/{quiz_id}")
    page = client.get(f"/roi/quizzes/{quiz_id}/attempts/1").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>yes</b>" not in page and "&lt;b&gt;yes&lt;/b&gt;" in page
