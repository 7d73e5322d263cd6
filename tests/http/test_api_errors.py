"""The REST API answers in JSON whatever happens: a busy database, a bug, a wrong address,
a form instead of JSON, a made-up cursor, an unknown query parameter."""

from __future__ import annotations

import base64
import importlib
import logging
import re
import sqlite3
import time

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from factories import make_kpi, make_person
from lms_roi.db import Base, session
from lms_roi.models import ApiToken
from lms_roi.services.tokens import issue_api_token

API = "/roi/api/v1"
# The modules (the package exports blueprints under the same names).
api_learning = importlib.import_module("lms_roi.blueprints.api_learning")


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def everyone(app, db):
    """A token with every role (E1), and learner E2."""
    with app.app_context():
        person = make_person(
            "all@example.com",
            roles=("learner", "tutor", "analyst", "hr", "admin"),
            external_id="E1",
        )
        make_person("bob@example.com", external_id="E2")
        make_kpi("qualified_leads")
        clear = issue_api_token(person)[1]
        db.session.commit()
    return clear


def _failing_progress(monkeypatch, error: Exception) -> None:
    def progress(learner):
        raise error

    monkeypatch.setattr(api_learning, "progress_json", progress)


def test_a_lock_waited_for_in_vain_is_a_503_busy_to_send_again(client, everyone, monkeypatch):
    locked = sqlite3.OperationalError("database is locked")
    _failing_progress(monkeypatch, OperationalError("SELECT ...", {}, locked))
    response = client.get(f"{API}/learners/E1/progress", headers=_auth(everyone))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.json == {
        "code": "busy",
        "message": "the database is busy; nothing was kept, try again",
        "field": None,
    }


def test_a_postgresql_deadlock_is_a_503_too(client, everyone, monkeypatch):
    class DeadlockDetected(Exception):
        sqlstate = "40P01"

    _failing_progress(monkeypatch, OperationalError("UPDATE ...", {}, DeadlockDetected()))
    response = client.get(f"{API}/learners/E1/progress", headers=_auth(everyone))
    assert (response.status_code, response.json["code"]) == (503, "busy")


def test_another_failure_is_a_logged_json_500(client, everyone, monkeypatch, caplog):
    _failing_progress(monkeypatch, RuntimeError("a bug"))
    with caplog.at_level(logging.ERROR):
        response = client.get(f"{API}/learners/E1/progress", headers=_auth(everyone))
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    assert response.json == {
        "code": "server_error",
        "message": "something went wrong on our side; it was logged, try again later",
        "field": None,
    }
    assert "Retry-After" not in response.headers
    [record] = [r for r in caplog.records if r.exc_info]
    assert "/roi/api/v1/learners/E1/progress" in record.getMessage()
    assert isinstance(record.exc_info[1], RuntimeError)
    disk = OperationalError("SELECT ...", {}, sqlite3.OperationalError("disk I/O error"))
    _failing_progress(monkeypatch, disk)
    response = client.get(f"{API}/learners/E1/progress", headers=_auth(everyone))
    assert (response.status_code, response.json["code"]) == (500, "server_error")


def test_the_api_root_points_to_the_document_and_its_viewer(client):
    for path in (f"{API}/", API):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json["openapi"] == f"http://localhost{API}/openapi.json"
        assert response.json["docs"] == f"http://localhost{API}/docs"
    assert client.get(response.json["openapi"]).status_code == 200


def test_a_wrong_value_in_the_path_is_404_not_405(client, everyone):
    response = client.get(f"{API}/imports/abc", headers=_auth(everyone))
    assert (response.status_code, response.json["code"]) == (404, "not_found")
    # A method no route of that shape takes is still a 405 with Allow.
    wrong = client.delete(f"{API}/imports/abc", headers=_auth(everyone))
    assert (wrong.status_code, wrong.headers["Allow"]) == (405, "POST")
    wrong = client.delete(f"{API}/kpi-values", headers=_auth(everyone))
    assert wrong.status_code == 405


def test_an_unknown_kpi_filter_names_the_kpi_parameter(client, everyone):
    response = client.get(f"{API}/kpi-values?kpi=nope", headers=_auth(everyone))
    assert (response.status_code, response.json["code"], response.json["field"]) == (
        404,
        "kpi_not_found",
        "kpi",
    )


def test_a_form_sent_to_a_json_endpoint_is_asked_for_json(client, everyone):
    response = client.post(
        f"{API}/teams", data={"slug": "x", "name": "X"}, headers=_auth(everyone)
    )
    assert response.status_code == 400
    assert response.json == {
        "code": "invalid_json",
        "message": "send a JSON body (Content-Type: application/json)",
        "field": None,
    }


def test_a_refused_token_is_told_to_use_bearer(client):
    for headers in ({}, _auth("lmsroi_nope_nope")):
        response = client.get(f"{API}/badges", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "cursor",
    [
        base64.urlsafe_b64encode(b"-1").decode().rstrip("="),  # "LTE": an offset's guess
        base64.urlsafe_b64encode(b"0").decode().rstrip("="),
        base64.urlsafe_b64encode(b'"E1"').decode().rstrip("="),  # a text key on ids
        "not-a-cursor!",
    ],
)
def test_a_cursor_not_made_by_the_api_is_refused(client, everyone, cursor):
    response = client.get(f"{API}/learners?cursor={cursor}", headers=_auth(everyone))
    assert (response.status_code, response.json["code"], response.json["field"]) == (
        400,
        "invalid_input",
        "cursor",
    )


def test_a_walk_is_not_shifted_by_rows_added_meanwhile(app, db, client, everyone):
    first = client.get(f"{API}/learners?limit=1", headers=_auth(everyone)).json
    with app.app_context():
        make_person("new@example.com", external_id="E3")
        db.session.commit()
    items, url = first["items"], first["next"]
    while url:
        page = client.get(url, headers=_auth(everyone)).json
        items, url = items + page["items"], page["next"]
    assert [p["external_id"] for p in items] == ["E1", "E2", "E3"]


def _sample(kind: str | None) -> str:
    return "1" if kind == "integer" else "E1"


def _get_routes(client) -> list[str]:
    """Every GET operation of the document, ids filled in with values of the right type
    and required query parameters given (so ``zzz`` is the only thing wrong)."""
    paths = client.get(f"{API}/openapi.json").json["paths"]
    routes = []
    for path, operations in paths.items():
        if "get" not in operations:
            continue
        parameters = operations.get("parameters", []) + operations["get"].get("parameters", [])
        types = {p["name"]: p["schema"].get("type") for p in parameters if p["in"] == "path"}
        url = re.sub(r"\{(\w+)\}", lambda m, t=types: _sample(t.get(m.group(1))), path)
        required = [p["name"] for p in parameters if p["in"] == "query" and p.get("required")]
        routes.append(url + "?" + "".join(f"{name}=x&" for name in required))
    return routes


def test_every_get_refuses_an_unknown_query_parameter(client, everyone):
    routes = _get_routes(client)
    assert len(routes) >= 30  # the walk found the API
    for route in routes:
        response = client.get(f"{route}zzz=1", headers=_auth(everyone))
        assert response.status_code == 400, (route, response.status_code)
        assert (response.json["code"], response.json["field"]) == ("invalid_input", "zzz"), route


def test_an_action_without_a_body_refuses_fields(client, everyone):
    response = client.post(
        f"{API}/badges/nope/awards", json={"learner": "E1"}, headers=_auth(everyone)
    )
    assert (response.status_code, response.json["code"], response.json["field"]) == (
        400,
        "invalid_input",
        "learner",
    )
    for kwargs in ({}, {"json": {}}):
        response = client.post(f"{API}/badges/nope/awards", headers=_auth(everyone), **kwargs)
        assert (response.status_code, response.json["code"]) == (404, "badge_not_found")


def _fresh_app(app_factory, database_url: str, **config):
    app = app_factory(database_url, **config)
    with app.app_context():
        Base.metadata.create_all(session().get_bind())
        person = make_person("nadia@example.com", roles=("analyst", "learner"), external_id="E1")
        clear = issue_api_token(person)[1]
        session().commit()
    return app, clear


def _last_used(app):
    with app.app_context():
        value = session().scalar(select(ApiToken.last_used_at))
        session().rollback()
        return value


def test_a_busy_database_skips_noting_a_token_use_not_the_request(fresh_database_url, app_factory):
    app, clear = _fresh_app(app_factory, fresh_database_url)
    with app.app_context():
        engine = session().get_bind()
    with engine.connect() as other:
        # Another writer holds the lock the note needs (SQLite: the database; PostgreSQL:
        # the token's row) for longer than the note waits.
        other.execute(update(ApiToken).values(name="busy elsewhere"))
        started = time.monotonic()
        response = app.test_client().get(f"{API}/badges", headers=_auth(clear))
        assert response.status_code == 200, response.get_data(as_text=True)
        assert time.monotonic() - started < 3  # not the 5 s busy timeout of requests
        other.rollback()
    assert _last_used(app) is None
    assert app.test_client().get(f"{API}/badges", headers=_auth(clear)).status_code == 200
    assert _last_used(app) is not None


def test_retry_after_only_when_there_is_something_to_wait_for(
    fresh_database_url, app_factory, monkeypatch
):
    limited = {"RATELIMIT_ENABLED": True, "LMS_ROI_API_RATE_LIMIT": "3 per minute"}
    app, clear = _fresh_app(app_factory, fresh_database_url, **limited)
    client = app.test_client()
    fine = client.get(f"{API}/badges", headers=_auth(clear))
    assert fine.status_code == 200
    assert fine.headers["X-RateLimit-Limit"] == "3"
    assert "Retry-After" not in fine.headers
    locked = sqlite3.OperationalError("database is locked")
    _failing_progress(monkeypatch, OperationalError("SELECT ...", {}, locked))
    busy = client.get(f"{API}/learners/E1/progress", headers=_auth(clear))
    assert (busy.status_code, busy.headers["Retry-After"]) == (503, "2")
    client.get(f"{API}/badges", headers=_auth(clear))
    refused = client.get(f"{API}/badges", headers=_auth(clear))
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
