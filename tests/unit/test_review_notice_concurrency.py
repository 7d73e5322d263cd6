"""Concurrent first reads of the home and cron runs give one ``review_due`` note a day.

20 threads, each with its own app context and session, released together: half read
the learner home's notification path, half run the bulk command's. On SQLite (a file
database) and on PostgreSQL when configured.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from conftest import ON_POSTGRES
from lms_roi.db import Base, session
from lms_roi.models import Learner, Notification
from lms_roi.services.review import enqueue
from lms_roi.services.review_notices import notify_all_due, notify_due
from quiz_factories import make_quiz
from xp_factories import at

THREADS = 20
NOW = at(2026, 4, 2, 7)  # Paris; the questions were missed on 1 April


@pytest.fixture(params=["sqlite", "postgresql"])
def concurrent_app(request, app_factory, tmp_path):
    """A committed database of each kind with one learner who has 3 questions due."""
    if request.param == "postgresql":
        if not ON_POSTGRES:
            pytest.skip("needs PostgreSQL: set LMS_ROI_TEST_DATABASE_URL (CI does)")
        url = request.getfixturevalue("fresh_database_url")
    else:
        url = "sqlite:///" + str(tmp_path / "review-notes.sqlite3")
    app = app_factory(url)
    with app.app_context():
        engine_ = app.extensions["lms_roi"].db.engine
        Base.metadata.create_all(engine_)
        learner = Learner(external_id="ana", display_name="Ana", timezone="Europe/Paris")
        session().add(learner)
        session().flush()
        quiz = make_quiz()
        enqueue(learner.id, [q.id for q in quiz.questions], at(2026, 4, 1, 15))
        session().commit()
        app.config["TEST_LEARNER_ID"] = learner.id
    yield app
    with app.app_context():
        session().remove()
        Base.metadata.drop_all(engine_)


def test_simultaneous_reads_and_cron_runs_create_one_note(concurrent_app):
    app = concurrent_app
    learner_id = app.config["TEST_LEARNER_ID"]
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                if i % 2:
                    outcomes[i] = notify_all_due(NOW)
                else:
                    outcomes[i] = notify_due(session().get(Learner, learner_id), NOW)
                session().commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                session().rollback()
                outcomes[i] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert sorted(outcomes) == [0] * (THREADS - 1) + [1]
    with app.app_context():
        payloads = session().scalars(select(Notification.payload)).all()
    assert payloads == [{"count": 3, "day": "2026-04-02"}]
