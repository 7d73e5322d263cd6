"""The xAPI endpoint driven by a third-party client library, Rustici's ``tincan``.

``tincan.RemoteLRS`` speaks HTTP through ``http.client``, so the app runs behind a real
HTTP server (werkzeug, in a thread) on a fresh database of the suite's kind (a SQLite
file, or PostgreSQL when ``LMS_ROI_TEST_DATABASE_URL`` is set).
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    AgentAccount,
    LanguageMap,
    RemoteLRS,
    Result,
    Score,
    Statement,
    StatementRef,
    Verb,
)
from werkzeug.serving import make_server

from lms_roi.db import Base, session
from lms_roi.models import XapiStatement
from xapi_http import make_client

COMPLETED = Verb(
    id="http://adlnet.gov/expapi/verbs/completed", display=LanguageMap({"en-US": "completed"})
)
VOIDED = Verb(id="http://adlnet.gov/expapi/verbs/voided", display=LanguageMap({"en-US": "voided"}))
PAGE = Activity(
    id="https://moodle.example.org/mod/page/view.php?id=12",
    definition=ActivityDefinition(name=LanguageMap({"en-US": "Pricing basics"})),
)


@pytest.fixture
def lrs(app_factory, fresh_database_url):
    """A ``RemoteLRS`` signed in as a new xAPI client of a served app, and that app."""
    served = app_factory(fresh_database_url)
    with served.app_context():
        Base.metadata.create_all(served.extensions["lms_roi"].db.engine)
        key, secret = make_client("tincan")
    server = make_server("127.0.0.1", 0, served, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    remote = RemoteLRS(
        endpoint=f"http://127.0.0.1:{server.server_port}/roi/xapi/",
        version="1.0.3",
        username=key,
        password=secret,
    )
    yield remote, served
    server.shutdown()
    thread.join(5)
    server.server_close()


def _learner(n: int) -> Agent:
    return Agent(
        name=f"Learner {n}",
        account=AgentAccount(home_page="https://moodle.example.org", name=str(n)),
    )


def _statement(n: int = 1, **extra) -> Statement:
    return Statement(
        actor=_learner(n),
        verb=COMPLETED,
        object=PAGE,
        result=Result(score=Score(raw=8, min=0, max=10, scaled=0.8), completion=True),
        timestamp=datetime(2026, 3, 10, 9, 30, n, 250000, tzinfo=UTC),
        **extra,
    )


def _stored(app) -> int:
    with app.app_context():
        return session().scalar(select(func.count()).select_from(XapiStatement))


def test_about_through_tincan(lrs):
    remote, _app = lrs
    response = remote.about()
    assert response.success
    assert response.content.version == ["1.0.3"]


def test_a_statement_from_tincan_is_stored_once_and_a_replay_changes_nothing(lrs):
    remote, app = lrs
    statement = _statement()
    saved = remote.save_statement(statement)
    assert saved.success, saved.data
    assert saved.response.status == 200
    statement_id = str(saved.content.id)
    uuid.UUID(statement_id)
    assert _stored(app) == 1
    with app.app_context():
        first = session().scalar(select(XapiStatement))
        before = (first.raw, first.stored, first.content_hash)
    # With its id now set, tincan PUTs it: the same statement, so 204 and no change.
    replay = remote.save_statement(statement)
    assert replay.success and replay.response.status == 204
    assert remote.save_statements([statement]).success  # POSTed again: 200, no change
    assert _stored(app) == 1
    with app.app_context():
        again = session().scalar(select(XapiStatement))
        assert (again.raw, again.stored, again.content_hash) == before
    retrieved = remote.retrieve_statement(statement_id)
    assert retrieved.success
    got = retrieved.content
    assert str(got.id) == statement_id
    assert got.actor.account.name == "1" and got.verb.id == COMPLETED.id
    assert got.object.id == PAGE.id and got.result.score.scaled == 0.8
    assert got.stored is not None and got.authority is not None


def test_a_changed_statement_under_the_same_id_is_a_conflict(lrs):
    remote, app = lrs
    statement = _statement()
    remote.save_statement(statement)
    statement.result = Result(score=Score(raw=2, min=0, max=10, scaled=0.2))
    refused = remote.save_statement(statement)
    assert not refused.success and refused.response.status == 409
    assert _stored(app) == 1


def test_save_statements_and_query_them_page_by_page(lrs):
    remote, app = lrs
    batch = [_statement(n) for n in range(1, 8)]
    saved = remote.save_statements(batch)
    assert saved.success, saved.data
    ids = [str(s.id) for s in saved.content]
    assert len(set(ids)) == 7
    assert _stored(app) == 7
    result = remote.query_statements({"verb": COMPLETED, "limit": 3, "ascending": "true"})
    assert result.success, result.data
    seen = [str(s.id) for s in result.content.statements]
    pages = 1
    while result.content.more:
        result = remote.more_statements(result.content)
        assert result.success, result.data
        seen += [str(s.id) for s in result.content.statements]
        pages += 1
    assert pages == 3 and seen == ids
    mine = remote.query_statements({"agent": _learner(4)})
    assert [str(s.id) for s in mine.content.statements] == [ids[3]]


def test_voiding_through_tincan(lrs):
    remote, _app = lrs
    target = remote.save_statement(_statement()).content
    voiding = Statement(actor=_learner(1), verb=VOIDED, object=StatementRef(id=target.id))
    assert remote.save_statement(voiding).success
    assert remote.retrieve_statement(str(target.id)).response.status == 404
    voided = remote.retrieve_voided_statement(str(target.id))
    assert voided.success and str(voided.content.id) == str(target.id)
