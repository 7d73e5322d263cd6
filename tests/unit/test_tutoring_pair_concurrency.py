"""Concurrent pairings of one tutor never exceed the tutor's capacity.

Twelve threads, each with its own app context and session, released together by a
barrier, each pair the same tutor (3 places) with a different mentee, or accept a
different pending request. The tutor row lock makes them queue: exactly 3 succeed,
the other 9 are refused with ``tutor_full``. On SQLite the lock is the database write
lock; on PostgreSQL (when ``LMS_ROI_TEST_DATABASE_URL`` is set) a row lock.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from conftest import ON_POSTGRES
from lms_roi.db import Base, session
from lms_roi.errors import DomainError
from lms_roi.models import Learner, RoleGrant, TutoringPair
from lms_roi.services import tutoring_pairs as pairs

THREADS = 12
CAPACITY = 3
TODAY = date(2026, 5, 11)


@pytest.fixture(params=["sqlite", "postgresql"])
def concurrent_app(request, app_factory, tmp_path):
    """A committed database with an analyst, a tutor of 3 places and 12 learners."""
    if request.param == "postgresql":
        if not ON_POSTGRES:
            pytest.skip("needs PostgreSQL: set LMS_ROI_TEST_DATABASE_URL (CI does)")
        url = request.getfixturevalue("fresh_database_url")
    else:
        url = "sqlite:///" + str(tmp_path / "pairs.sqlite3")
    app = app_factory(url)
    with app.app_context():
        engine = app.extensions["lms_roi"].db.engine
        Base.metadata.create_all(engine)
        db = session()

        def person(key: str, *roles: str, capacity: int | None = None) -> Learner:
            learner = Learner(external_id=key, display_name=key.title(), tutor_capacity=capacity)
            learner.role_grants = [RoleGrant(role=role) for role in roles]
            db.add(learner)
            return learner

        analyst = person("nadia", "analyst")
        tutor = person("tess", "tutor", capacity=CAPACITY)
        mentees = [person(f"m{i}", "learner") for i in range(THREADS)]
        db.flush()
        requests = [pairs.request_tutor(m, tutor.id, today=TODAY).id for m in mentees]
        db.commit()
        app.config["TEST_IDS"] = (analyst.id, tutor.id, [m.id for m in mentees], requests)
    yield app
    with app.app_context():
        session().remove()
        Base.metadata.drop_all(engine)


def run_together(app, work) -> list:
    """Run ``work(actor, i)`` in THREADS threads; the actor is loaded before the barrier."""
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS
    analyst_id, tutor_id, _mentees, _requests = app.config["TEST_IDS"]

    def worker(i: int) -> None:
        with app.app_context():
            db = session()
            actor = db.get(Learner, analyst_id if work.__name__ == "create" else tutor_id)
            actor.roles  # noqa: B018 - loaded now, and kept: the service starts with its lock
            db.expunge(actor)
            db.commit()  # no read snapshot older than the lock (SQLite WAL would refuse it)
            barrier.wait()
            try:
                outcomes[i] = work(actor, i).id
                db.commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertions
                db.rollback()
                outcomes[i] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _check(app, outcomes) -> None:
    refusals = [o for o in outcomes if not isinstance(o, int)]
    assert all(isinstance(o, DomainError) and o.code == "tutor_full" for o in refusals), refusals
    assert len(outcomes) - len(refusals) == CAPACITY
    with app.app_context():
        active = session().scalar(
            select(func.count(TutoringPair.id)).where(TutoringPair.status == "active")
        )
    assert active == CAPACITY


def test_concurrent_pairings_stop_at_the_capacity(concurrent_app):
    _analyst, tutor_id, mentee_ids, _requests = concurrent_app.config["TEST_IDS"]
    with concurrent_app.app_context():  # the requests would be reused: start from none
        session().query(TutoringPair).delete()
        session().commit()

    def create(actor, i):
        return pairs.create_pair(actor, tutor_id=tutor_id, mentee_id=mentee_ids[i], today=TODAY)

    _check(concurrent_app, run_together(concurrent_app, create))


def test_concurrent_acceptances_stop_at_the_capacity(concurrent_app):
    *_ids, requests = concurrent_app.config["TEST_IDS"]

    def accept(actor, i):
        return pairs.accept_request(actor, requests[i], today=TODAY)

    _check(concurrent_app, run_together(concurrent_app, accept))
