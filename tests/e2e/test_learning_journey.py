"""A learner's whole journey in a real browser, in English and in French.

Catalog -> pre-test -> lesson steps -> passed post-test -> survey -> a review that
fell due -> a follow-up that fell due. Time passing (a day for the review, 30 days
for the follow-up) is simulated by moving the due dates in the database.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from sqlalchemy import select, update

from lms_roi.db import session, utcnow
from lms_roi.demo.people import DEMO_PASSWORD
from lms_roi.gamification.periods import local_day
from lms_roi.lessons import split_steps
from lms_roi.models import (
    Completion,
    FollowUp,
    Learner,
    Module,
    Quiz,
    ReviewItem,
    SurveyResponse,
)
from lms_roi.services.people import create_person
from lms_roi.services.review import review_day

pytestmark = pytest.mark.browser

MODULE = "lead-qualification"


def _learner(app, locale: str) -> str:
    """A fresh learner per language, so each run starts the journey from nothing."""
    email = f"journey-{locale}@learners.test"
    with app.app_context():
        if session().scalar(select(Learner).where(Learner.email == email)) is None:
            create_person(
                email=email,
                display_name=f"Journey {locale.upper()}",
                roles=["learner"],
                password=DEMO_PASSWORD,
            )
            session().commit()
    return email


def _quiz(app, kind: str):
    """The module's quiz of ``kind``: (id, [(prompt, kind, [right texts], [wrong texts])])."""
    with app.app_context():
        module = session().scalar(select(Module).where(Module.slug == MODULE))
        quiz = session().scalar(select(Quiz).where(Quiz.module_id == module.id, Quiz.kind == kind))
        questions = [
            (
                q.prompt,
                q.kind,
                [c.text for c in q.choices if c.is_correct],
                [c.text for c in q.choices if not c.is_correct],
            )
            for q in quiz.questions
        ]
        return quiz.id, questions, module.title, len(split_steps(module.body_md))


def _answer(page, questions, *, right: bool) -> int:
    """Answer the questions shown on the page; returns how many were shown."""
    shown = 0
    for prompt, _kind, correct, wrong in questions:
        # The legend reads "Question n: <prompt>" (in the page's language).
        group = page.get_by_role("group", name=re.compile(re.escape(prompt) + "$"))
        if not group.count():
            continue
        shown += 1
        picks = correct if right else wrong[:1]
        for text in picks:
            group.get_by_label(text, exact=True).check()
    return shown


def test_learner_goes_from_catalog_to_a_due_follow_up(app, browsing, page):
    t = browsing.t
    email = _learner(app, browsing.locale)
    pre_id, pre_questions, title, n_steps = _quiz(app, "pre_test")
    _post_id, post_questions, _title, _n = _quiz(app, "post_test")
    browsing.sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/roi/learning$"))
    browsing.check(page, "home-empty")

    # Catalog -> module -> pre-test, answered wrong (so its questions come back for review).
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Modules")).click()
    browsing.check(page, "catalog")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    browsing.check(page, "module")
    page.get_by_role("link", name=t("Take the pre-test")).click()
    browsing.check(page, "pre-test-intro")
    page.get_by_role("button", name=t("Start the quiz")).click()
    _answer(page, pre_questions, right=False)
    browsing.check(page, "pre-test-form")
    page.get_by_role("button", name=t("Submit my answers")).click()
    expect(page.get_by_role("heading", level=2, name=t("Your answers")).first).to_be_visible()
    browsing.check(page, "pre-test-result")

    # The lesson, step by step, with its progress bar.
    page.goto(browsing.url(f"/roi/modules/{MODULE}"))
    page.get_by_role("link", name=t("Start the lesson")).click()
    for number in range(1, n_steps + 1):
        step = t("Step %(number)s of %(total)s", number=number, total=n_steps)
        expect(page.get_by_text(step)).to_be_visible()
        if number == 1:
            browsing.check(page, "step-1")
        button = t("Next step") if number < n_steps else t("Finish the lesson")
        page.get_by_role("button", name=button).click()
    browsing.check(page, "post-test-intro")
    page.get_by_role("button", name=t("Start the quiz")).click()
    _answer(page, post_questions, right=True)
    page.get_by_role("button", name=t("Submit my answers")).click()
    # The pass completed the module: the result page invites the survey.
    expect(page.get_by_role("status").last).to_have_text(
        t("Module completed. Tell us what you thought of it.")
    )
    browsing.check(page, "post-test-result")
    page.goto(browsing.url(f"/roi/modules/{MODULE}"))
    browsing.check(page, "module-completed")
    page.go_back()
    page.get_by_role("link", name=t("Give your feedback (1 minute)")).click()
    survey = page.locator("form.stack")
    survey.get_by_role("group").nth(0).get_by_label("4", exact=True).check()
    survey.get_by_role("group").nth(1).get_by_label("5", exact=True).check()
    survey.get_by_role("group").nth(2).get_by_label(t("Yes"), exact=True).check()
    browsing.check(page, "survey")
    page.get_by_role("button", name=t("Send my answers")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("Thank you: your answers help improve this module.")
    )

    with app.app_context():
        learner = session().scalar(select(Learner).where(Learner.email == email))
        module = session().scalar(select(Module).where(Module.slug == MODULE))
        completion = session().scalar(select(Completion).where(Completion.learner_id == learner.id))
        assert completion.module_id == module.id
        assert completion.version == module.current_version and completion.source == "web"
        assert completion.score == 100
        rating = session().scalar(
            select(SurveyResponse.rating).where(SurveyResponse.learner_id == learner.id)
        )
        assert rating == 4
        # A day passes: the missed pre-test questions are due; 30 days: the first follow-up.
        session().execute(
            update(ReviewItem)
            .where(ReviewItem.learner_id == learner.id)
            .values(due_at=utcnow() - timedelta(hours=1))
        )
        session().execute(
            update(FollowUp)
            .where(FollowUp.learner_id == learner.id, FollowUp.offset_days == 30)
            # Due today in the learner's own zone (the home counts in it), at any hour.
            .values(due_on=local_day(utcnow(), learner.timezone))
        )
        session().commit()
        due = len(pre_questions)
        review_on = format_date(
            review_day(utcnow(), learner.timezone), format="medium", locale=browsing.locale
        )

    # The review, answered right this time: the to-do list and the news feed lead to it.
    page.goto(browsing.url("/roi/learning"))
    browsing.check(page, "home-due")
    shown = min(due, 5)
    review_link = browsing.tn(
        "%(num)s question to review today", "%(num)s questions to review today", shown
    )
    expect(page.get_by_role("link", name=review_link)).to_be_visible()
    news = page.locator("section[aria-labelledby=news]")
    review_note = browsing.tn(
        "%(num)s question to review on %(day)s",
        "%(num)s questions to review on %(day)s",
        shown,
        day=review_on,
    )
    news.get_by_role("link", name=review_note, exact=True).click()
    browsing.check(page, "review")
    assert _answer(page, pre_questions, right=True) == shown
    page.get_by_role("button", name=t("Check my answers")).click()
    expect(page.get_by_text(t("Right")).first).to_be_visible()
    browsing.check(page, "review-done")

    # The follow-up.
    page.goto(browsing.url("/roi/learning"))
    follow_ups = browsing.tn("%(num)s follow-up to answer", "%(num)s follow-ups to answer", 1)
    page.get_by_role("link", name=follow_ups).click()
    browsing.check(page, "follow-ups")
    page.get_by_role("link", name=re.compile(re.escape(t("Answer")))).first.click()
    page.get_by_role("group").get_by_label(t("Yes"), exact=True).check()
    page.get_by_label(
        t("Share of the change in your results due to this training (%)"), exact=True
    ).fill("40")
    page.get_by_label(t("How confident are you in that estimate (%)"), exact=True).fill("80")
    browsing.check(page, "follow-up")
    page.get_by_role("button", name=t("Send my answer")).click()
    expect(page.get_by_role("status")).to_contain_text(t("Thank you: your answer is recorded."))
    browsing.check(page, "follow-up-done")

    with app.app_context():
        learner = session().scalar(select(Learner).where(Learner.email == email))
        answered = session().scalar(
            select(FollowUp).where(FollowUp.learner_id == learner.id, FollowUp.offset_days == 30)
        )
        assert (answered.applied, answered.attribution_pct, answered.confidence_pct) == (
            True,
            40.0,
            80.0,
        )
        boxes = (
            session()
            .scalars(select(ReviewItem.box).where(ReviewItem.learner_id == learner.id))
            .all()
        )
        assert sorted(boxes)[-shown:] == [2] * shown
