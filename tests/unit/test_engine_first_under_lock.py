""" "First completion" and "first pass" are decided once the learner is locked.

Two transactions completing one module (or passing one quiz) at once must not both
see "first": the hooks take :func:`.ledger.lock_learner` before reading the earlier
completions or passes. Checked on the statements sent (SQLite and PostgreSQL), and
by a race on PostgreSQL where every transaction has inserted its row before any of
them decides.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from badge_factories import make_attempt
from conftest import ON_POSTGRES
from factories import make_completion, make_module
from lms_roi.db import Base, session
from lms_roi.gamification import engine, ledger
from lms_roi.models import Attempt, Completion, Learner, Module, Quiz, XpEvent
from xp_factories import at, make_learner

THREADS = 8
BASE = datetime(2026, 4, 1, 8, tzinfo=UTC)


def statements_of(db, work) -> list[str]:
    """The SQL statements ``work()`` sends, in order."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(" ".join(statement.split()))

    db_engine = db.engine
    event.listen(db_engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(db_engine, "before_cursor_execute", record)
    return sent


def position(statements: list[str], *fragments: str) -> int:
    return next(i for i, s in enumerate(statements) if all(f in s for f in fragments))


def test_first_completion_is_read_after_the_learner_lock(ctx):
    ana = make_learner()
    completion = make_completion(ana, make_module("seo"), at(2026, 4, 1, 10))
    sent = statements_of(ctx, lambda: engine.on_completion(completion, live=False))
    lock = position(sent, "UPDATE lms_roi_learner_totals")
    earlier = position(sent, "FROM lms_roi_completion", "lms_roi_completion.id !=")
    assert lock < earlier


def test_first_pass_is_read_after_the_learner_lock(ctx):
    ana = make_learner()
    attempt = make_attempt(ana, "q1", 100, at(2026, 4, 1, 10))
    sent = statements_of(ctx, lambda: engine.on_attempt(attempt, live=False))
    lock = position(sent, "UPDATE lms_roi_learner_totals")
    earlier = position(sent, "FROM lms_roi_attempt", "lms_roi_attempt.id !=")
    assert lock < earlier


# --- the race, on PostgreSQL ---------------------------------------------------------------


@pytest.fixture
def race_app(app_factory, request):
    """A committed PostgreSQL database with one learner, one module and one quiz."""
    if not ON_POSTGRES:
        pytest.skip(
            "needs PostgreSQL (set LMS_ROI_TEST_DATABASE_URL): on SQLite the row inserts "
            "already serialise the transactions, so there is no race to show"
        )
    app = app_factory(request.getfixturevalue("fresh_database_url"))
    with app.app_context():
        db_engine = app.extensions["lms_roi"].db.engine
        Base.metadata.create_all(db_engine)
        learner = Learner(external_id="ana", display_name="Ana", timezone="Europe/Paris")
        module = Module(slug="seo", title="SEO", method="online", duration_minutes=20)
        quiz = Quiz(slug="seo-check", title="SEO check", kind="practice", pass_mark_pct=70)
        session().add_all([learner, module, quiz])
        session().commit()
        app.config["RACE"] = (learner.id, module.id, quiz.id)
    yield app
    with app.app_context():
        session().remove()
        Base.metadata.drop_all(db_engine)


def race(app, monkeypatch, act) -> list:
    """``act(i)`` in THREADS transactions; each one's first learner lock waits until
    every transaction has reached it (so all have inserted their row by then)."""
    locked = ledger.lock_learner
    everyone = threading.Barrier(THREADS)
    mine = threading.local()

    def lock_when_all_arrived(learner_id, at_):
        if not getattr(mine, "arrived", False):
            mine.arrived = True
            everyone.wait(timeout=30)
        return locked(learner_id, at_)

    monkeypatch.setattr(ledger, "lock_learner", lock_when_all_arrived)
    errors: list = []

    def worker(i: int) -> None:
        with app.app_context():
            try:
                act(i)
                session().commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertion
                session().rollback()
                errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def reasons(app) -> Counter:
    with app.app_context():
        return Counter(session().scalars(select(XpEvent.reason)))


def test_simultaneous_completions_of_one_module_earn_its_xp_once(race_app, monkeypatch):
    learner_id, module_id, _quiz_id = race_app.config["RACE"]

    def complete(i: int) -> None:
        completion = Completion(
            learner_id=learner_id,
            module_id=module_id,
            completed_at=BASE + timedelta(minutes=i),
            source="import",
        )
        session().add(completion)
        session().flush()
        engine.on_completion(completion, live=False)

    assert race(race_app, monkeypatch, complete) == []
    assert reasons(race_app) == {"module_completed": 1, "module_repeat": THREADS - 1}


def test_simultaneous_passes_of_one_quiz_earn_the_pass_once(race_app, monkeypatch):
    learner_id, _module_id, quiz_id = race_app.config["RACE"]

    def submit(i: int) -> None:
        attempt = Attempt(
            quiz_id=quiz_id,
            learner_id=learner_id,
            attempt_no=i + 1,
            started_at=BASE + timedelta(minutes=i),
            submitted_at=BASE + timedelta(minutes=i, seconds=30),
            score_pct=100.0,
            passed=True,
        )
        session().add(attempt)
        session().flush()
        engine.on_attempt(attempt, live=False)

    assert race(race_app, monkeypatch, submit) == []
    assert reasons(race_app) == {"quiz_passed": 1, "quiz_attempt": THREADS - 1}
