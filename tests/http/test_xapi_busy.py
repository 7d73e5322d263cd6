"""A batch that meets a busy database: waits for SQLite's single writer instead of failing
on stale reads, and, when the wait is in vain, answers 503 with ``Retry-After``."""

from __future__ import annotations

import importlib
import sqlite3

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from conftest import ON_POSTGRES
from lms_roi.db import Base, session
from lms_roi.models import XapiClient, XapiStatement
from xapi_http import Lrs, make_client, statement

VERSION = "X-Experience-API-Version"
# The module (the package exports its blueprint under the same name).
xapi_views = importlib.import_module("lms_roi.blueprints.xapi")


@pytest.fixture
def lrs(app, db, client):
    with app.app_context():
        key, secret = make_client()
    return Lrs(client, key, secret)


def _refused_with(monkeypatch, error: Exception) -> None:
    def store(*args, **kwargs):
        raise OperationalError("INSERT INTO lms_roi_xapi_statement ...", {}, error)

    monkeypatch.setattr(xapi_views, "store_statements", store)


def test_a_lock_waited_for_in_vain_is_a_503_to_send_again(lrs, monkeypatch):
    _refused_with(monkeypatch, sqlite3.OperationalError("database is locked"))
    response = lrs.post([statement(), statement()])
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.headers[VERSION] == "1.0.3"
    assert response.get_json() == {
        "code": "busy",
        "message": "the database is busy; nothing was kept, send the statements again",
        "field": None,
    }


def test_a_postgresql_deadlock_is_a_503_too(lrs, monkeypatch):
    class DeadlockDetected(Exception):
        sqlstate = "40P01"

    _refused_with(monkeypatch, DeadlockDetected("deadlock detected"))
    assert lrs.post(statement()).status_code == 503


def test_another_database_failure_stays_a_500_in_json(lrs, monkeypatch):
    _refused_with(monkeypatch, sqlite3.OperationalError("disk I/O error"))
    response = lrs.post(statement())
    assert response.status_code == 500
    assert response.get_json()["code"] == "server_error"
    assert "Retry-After" not in response.headers


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's single writer")
@pytest.mark.parametrize("first_use", [True, False], ids=["use-noted", "use-already-noted"])
def test_a_writer_committing_after_the_sign_in_does_not_fail_the_batch(
    fresh_database_url, app_factory, monkeypatch, first_use
):
    # SQLite refuses at once ("database is locked", no busy wait) to turn a read
    # transaction into a write one when another writer committed since its reads.
    # The sign-in reads; another connection then commits; the batch must still pass.
    app = app_factory(fresh_database_url)
    with app.app_context():
        Base.metadata.create_all(session().get_bind())
        key, secret = make_client()
    lrs = Lrs(app.test_client(), key, secret)
    if not first_use:
        assert lrs.post(statement()).status_code == 200  # its use is noted: no write now
    path = fresh_database_url.removeprefix("sqlite:///")
    real_use_to_note = xapi_views.use_to_note

    def another_writer_commits_after_the_sign_in(client):
        due = real_use_to_note(client)
        other = sqlite3.connect(path, timeout=5)
        other.execute("UPDATE lms_roi_xapi_client SET name = name || '.'")
        other.commit()
        other.close()
        return due

    monkeypatch.setattr(xapi_views, "use_to_note", another_writer_commits_after_the_sign_in)
    response = lrs.post([statement(), statement(mbox="mailto:bob@example.com")])
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        stored = session().scalar(select(func.count()).select_from(XapiStatement))
        assert stored == (2 if first_use else 3)
        assert session().get(XapiClient, 1).last_used_at is not None
