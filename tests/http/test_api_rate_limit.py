"""REST API rate limit: a budget per token, 429 ``rate_limited`` with ``Retry-After``."""

from __future__ import annotations

import socket

import pytest
from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy

from factories import make_person
from lms_roi import LmsRoi
from lms_roi.db import Base
from lms_roi.services.tokens import issue_api_token

LIMITED = {"RATELIMIT_ENABLED": True, "LMS_ROI_API_RATE_LIMIT": "3 per minute"}


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _two_tokens(app) -> tuple[str, str]:
    with app.app_context():
        db = app.extensions["lms_roi"].db
        Base.metadata.create_all(db.engine)
        first = issue_api_token(make_person("nadia@example.com", roles=("analyst",)))[1]
        second = issue_api_token(make_person("omar@example.com", roles=("analyst",)))[1]
        db.session.commit()
    return first, second


def _assert_budget_per_token(app, first: str, second: str) -> None:
    client = app.test_client()
    for _ in range(3):
        assert client.get("/roi/api/v1/badges", headers=_auth(first)).status_code == 200
    refused = client.get("/roi/api/v1/badges", headers=_auth(first))
    assert refused.status_code == 429
    assert refused.json == {
        "code": "rate_limited",
        "message": "too many requests with this token; wait before sending more",
        "field": None,
    }
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # Another token has its own budget.
    assert client.get("/roi/api/v1/badges", headers=_auth(second)).status_code == 200


def test_the_fourth_call_in_a_minute_is_refused(app_factory, tmp_path):
    app = app_factory("sqlite:///" + str(tmp_path / "limited.sqlite3"), **LIMITED)
    _assert_budget_per_token(app, *_two_tokens(app))


def test_calls_without_a_valid_token_share_the_address_budget(app_factory, tmp_path):
    app = app_factory("sqlite:///" + str(tmp_path / "limited.sqlite3"), **LIMITED)
    _two_tokens(app)
    client = app.test_client()
    made_up = [f"lmsroi_{n:012x}_secret" for n in range(4)]
    statuses = [client.get("/roi/api/v1/badges", headers=_auth(t)).status_code for t in made_up]
    assert statuses == [401, 401, 401, 429]


def test_the_suite_app_is_not_limited(client, app, db):
    with app.app_context():
        token = issue_api_token(make_person("nadia@example.com", roles=("analyst",)))[1]
        db.session.commit()
    statuses = {client.get("/roi/api/v1/badges", headers=_auth(token)).status_code for _ in "12345"}
    assert statuses == {200}


def test_a_plugin_host_is_limited_too(tmp_path):
    host = Flask("host")
    host.config.update(
        SECRET_KEY="x",
        SQLALCHEMY_DATABASE_URI="sqlite:///" + str(tmp_path / "host.sqlite3"),
        **LIMITED,
    )
    host_db = SQLAlchemy()
    host_db.init_app(host)
    LoginManager(host)
    LmsRoi(host, db=host_db)
    try:
        _assert_budget_per_token(host, *_two_tokens(host))
    finally:
        with host.app_context():
            host_db.engine.dispose()


def _redis_up() -> bool:
    try:
        import redis  # noqa: F401  (limits' Redis storage needs the client)
    except ImportError:
        return False
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis server on 127.0.0.1:6379 or no redis client")
def test_redis_storage(app_factory, tmp_path):
    # The budgets are keyed by this run's new token prefixes: no count left from a last run.
    app = app_factory(
        "sqlite:///" + str(tmp_path / "limited.sqlite3"),
        LMS_ROI_RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
        **LIMITED,
    )
    assert "Redis" in type(app.extensions["lms_roi"].limiter.storage).__name__
    _assert_budget_per_token(app, *_two_tokens(app))
