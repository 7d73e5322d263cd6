"""The learner home's feed tells of today's review, in English and in French, once a day."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from conftest import login
from factories import make_person
from lms_roi.db import session, utcnow
from lms_roi.models import Notification
from lms_roi.services.review import enqueue
from quiz_factories import make_quiz

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


@pytest.fixture
def ana(app, db):
    """A learner in Paris with the 3 questions of a quiz she missed two days ago."""
    with app.app_context():
        person = make_person("ana@example.com")
        person.timezone = "Europe/Paris"
        quiz = make_quiz()
        enqueue(person.id, [q.id for q in quiz.questions], utcnow() - timedelta(days=2))
        db.session.commit()
        return person.id


def notes(app, learner_id) -> int:
    with app.app_context():
        return session().scalar(
            select(func.count(Notification.id)).where(
                Notification.learner_id == learner_id, Notification.kind == "review_due"
            )
        )


def news_of(page: str) -> str:
    start = page.index('<section aria-labelledby="news">')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize(
    ("headers", "locale", "sentence"),
    [
        ({}, "en", "3 questions to review on {day}"),
        (FR, "fr", "3 questions à réviser le {day}"),
    ],
    ids=["en", "fr"],
)
def test_the_feed_links_today_s_review_once(app, client, ana, headers, locale, sentence):
    today = utcnow().astimezone(ZoneInfo("Europe/Paris")).date()
    login(client, "ana@example.com")
    page = client.get("/roi/learning", headers=headers).get_data(as_text=True)
    day = format_date(today, format="medium", locale=locale)
    link = f'<a href="/roi/reviews">{sentence.format(day=day)}</a>'
    news = news_of(page)
    assert link in news
    assert notes(app, ana) == 1
    again = client.get("/roi/learning", headers=headers).get_data(as_text=True)
    assert news_of(again).count(link) == 1 and notes(app, ana) == 1


def test_no_note_without_a_question_due(app, db, client):
    with app.app_context():
        bob = make_person("bob@example.com").id
        db.session.commit()
    login(client, "bob@example.com")
    page = client.get("/roi/learning").get_data(as_text=True)
    assert 'aria-labelledby="news"' not in page  # an empty feed is not shown
    assert notes(app, bob) == 0
