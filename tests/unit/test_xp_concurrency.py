"""Concurrent awards on SQLite (a file database) and PostgreSQL (when configured).

50 threads, each with its own app context and session, released together by a barrier:
replaying one idempotency key writes one ledger row; distinct keys of one learner on
one day add up exactly to the daily cap. Totals are always the ledger sums.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from conftest import ON_POSTGRES
from lms_roi.db import Base, session
from lms_roi.gamification import engine
from lms_roi.models import Learner, LearnerTotals, XpEvent
from xp_factories import at

THREADS = 50


@pytest.fixture(params=["sqlite", "postgresql"])
def concurrent_app(request, app_factory, tmp_path):
    """A committed database of each kind with one learner; PostgreSQL needs the suite's URL."""
    if request.param == "postgresql":
        if not ON_POSTGRES:
            pytest.skip("needs PostgreSQL: set LMS_ROI_TEST_DATABASE_URL (CI does)")
        url = request.getfixturevalue("fresh_database_url")
    else:
        url = "sqlite:///" + str(tmp_path / "concurrency.sqlite3")
    app = app_factory(url)
    with app.app_context():
        engine_ = app.extensions["lms_roi"].db.engine
        Base.metadata.create_all(engine_)
        learner = Learner(external_id="ana", display_name="Ana", timezone="Europe/Paris")
        session().add(learner)
        session().commit()
        app.config["TEST_LEARNER_ID"] = learner.id
    yield app
    with app.app_context():
        session().remove()
        Base.metadata.drop_all(engine_)


def run_together(app, work) -> list:
    """Run ``work(i)`` in THREADS threads, each in its own app context; return outcomes."""
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcomes[i] = work(i)
                session().commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                session().rollback()
                outcomes[i] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def stored(app):
    with app.app_context():
        db = session()
        rows = db.execute(select(XpEvent.points)).scalars().all()
        totals = dict(
            db.execute(
                select(LearnerTotals.period_kind, func.sum(LearnerTotals.xp)).group_by(
                    LearnerTotals.period_kind
                )
            ).all()
        )
        return rows, totals


def test_fifty_replays_of_one_key_write_one_row(concurrent_app):
    learner_id = concurrent_app.config["TEST_LEARNER_ID"]
    moment = at(2026, 4, 1, 10)

    def replay(_i):
        event = engine.award(
            learner_id, 40, "quiz_passed", "attempt:1", moment, zone="Europe/Paris"
        )
        return event is not None

    outcomes = run_together(concurrent_app, replay)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert outcomes.count(True) == 1 and outcomes.count(False) == THREADS - 1
    rows, totals = stored(concurrent_app)
    assert rows == [40]
    assert totals == {"all": 40, "week": 40, "month": 40}


def test_fifty_awards_of_one_learner_on_one_day_stop_exactly_at_the_cap(concurrent_app):
    learner_id = concurrent_app.config["TEST_LEARNER_ID"]
    moment = at(2026, 4, 1, 10)

    def award(i):
        return engine.award(
            learner_id, 15, "quiz_passed", f"attempt:{i}", moment, zone="Europe/Paris"
        ).points

    outcomes = run_together(concurrent_app, award)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    # 33 awards of 15 = 495; the 34th gets 5; the other 16 get 0.
    assert sorted(outcomes, reverse=True) == [15] * 33 + [5] + [0] * 16
    rows, totals = stored(concurrent_app)
    assert len(rows) == THREADS and sum(rows) == 500
    assert totals == {"all": 500, "week": 500, "month": 500}
