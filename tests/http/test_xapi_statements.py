"""The xAPI statements endpoint over raw HTTP: storing, replays, conflicts, voiding,
version headers, authentication and what a malformed request gets.

Reading statements back (filters, ``more`` pages) is in ``test_xapi_statement_queries``.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.models import XapiClient, XapiStatement
from lms_roi.xapi.formats import is_uuid
from xapi_http import (
    ABOUT,
    URL,
    Lrs,
    basic,
    count_statements,
    make_client,
    moodle_samples,
    new_id,
    statement,
    voiding,
)

VERSION = "X-Experience-API-Version"


@pytest.fixture
def lrs(app, db, client):
    with app.app_context():
        key, secret = make_client()
    return Lrs(client, key, secret)


def _count(app) -> int:
    with app.app_context():
        return count_statements()


def _row(app, sid: str) -> XapiStatement:
    with app.app_context():
        row = session().scalar(select(XapiStatement).where(XapiStatement.statement_id == sid))
        session().expunge_all()
        return row


# -- storing ---------------------------------------------------------------------------


def test_one_statement_is_stored_with_a_new_id_and_what_the_lrs_adds(app, lrs):
    response = lrs.post(statement())
    assert response.status_code == 200
    assert response.headers[VERSION] == "1.0.3"
    [sid] = response.get_json()
    assert is_uuid(sid)
    row = _row(app, sid)
    assert row.raw["id"] == sid
    assert row.raw["version"] == "1.0.0"  # none sent: the LRS says 1.0.0
    assert row.raw["authority"]["account"]["name"] == lrs.key
    assert row.raw["stored"].endswith("Z") and row.stored.microsecond % 1000 == 0
    assert row.timestamp == datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert (row.actor, row.verb) == ("mbox:mailto:ana@example.com", statement()["verb"]["id"])
    assert row.client_id is not None and row.voided is False
    assert len(row.content_hash) == 64


def test_a_batch_answers_the_ids_in_order_keeping_the_ids_sent(app, lrs):
    given = [new_id(), new_id()]
    body = [statement(sid=given[0]), statement(), statement(sid=given[1].upper())]
    response = lrs.post(body)
    assert response.status_code == 200
    ids = response.get_json()
    assert len(ids) == 3 and ids[0] == given[0] and ids[2] == given[1]
    assert is_uuid(ids[1]) and ids[1] not in given
    assert _count(app) == 3


def test_a_statement_without_timestamp_gets_the_stored_time(app, lrs):
    [sid] = lrs.post(statement(timestamp=None)).get_json()
    row = _row(app, sid)
    assert row.raw["timestamp"] == row.raw["stored"]
    assert row.timestamp == row.stored


def test_put_stores_under_the_statement_id_and_answers_204(app, lrs):
    sid = new_id()
    response = lrs.put(statement(), sid)
    assert response.status_code == 204 and response.data == b""
    assert response.headers[VERSION] == "1.0.3"
    assert _row(app, sid).raw["id"] == sid


def test_put_needs_a_statement_id_that_matches_the_body(app, lrs):
    missing = lrs.put(statement(), None)
    assert missing.status_code == 400
    assert missing.get_json()["field"] == "statementId"
    not_uuid = lrs.put(statement(), "42")
    assert not_uuid.status_code == 400 and not_uuid.get_json()["field"] == "statementId"
    mismatch = lrs.put(statement(sid=new_id()), new_id())
    assert mismatch.status_code == 400 and mismatch.get_json()["code"] == "id_mismatch"
    array = lrs.put([statement()], new_id())
    assert array.status_code == 400
    assert _count(app) == 0


def test_the_moodle_log_store_statements_are_accepted(app, lrs):
    samples = moodle_samples()
    assert set(samples) == {
        "course_completed",
        "module_completion_updated",
        "quiz_attempt_submitted",
        "quiz_module_viewed",
    }
    for name, body in samples.items():
        response = lrs.post(body)
        assert response.status_code == 200, (name, response.get_json())
        [sid] = response.get_json()
        row = _row(app, sid)
        assert row.actor == "account:http://www.example.org 1", name
        assert row.object_id == body[0]["object"]["id"]
    quiz = _row(app, lrs.post(samples["quiz_attempt_submitted"]).get_json()[0])
    assert quiz.result["score"] == {"raw": 51, "min": 1, "max": 101, "scaled": 0.5}
    assert quiz.timestamp == datetime(2015, 6, 10, 14, 31, 41, tzinfo=UTC)


# -- replays and conflicts -------------------------------------------------------------


def test_the_same_statement_again_changes_nothing(app, lrs):
    sid = new_id()
    body = statement(sid=sid, result={"score": {"raw": 5, "min": 0, "max": 10}})
    assert lrs.post(body).get_json() == [sid]
    before = _row(app, sid)
    # Same instant in another zone, a score written 5.0, the id in capitals, a new
    # definition of the activity, our own authority and stored: still the same statement.
    again = copy.deepcopy(body) | {"id": sid.upper(), "timestamp": "2026-03-10T10:30:00+01:00"}
    again["result"]["score"]["raw"] = 5.0
    again["object"]["definition"] = {"name": {"en": "Renamed"}}
    again["stored"] = "2030-01-01T00:00:00Z"
    assert lrs.post(again).get_json() == [sid]
    assert lrs.put(again, sid).status_code == 204
    assert lrs.post([again, statement()]).status_code == 200
    after = _row(app, sid)
    assert _count(app) == 2
    assert after.raw == before.raw and after.stored == before.stored


def test_what_the_spec_lets_differ_is_not_a_conflict(app, lrs):
    # xAPI 1.0.3 §2.3.1: the verb's display, attachments, a timestamp the LRS set,
    # the case of an e-mail domain, activity definitions in the context and a single
    # context activity against a list of one are not part of the statement.
    sid = new_id()
    body = statement(sid=sid)
    body["actor"] = {"mbox": "mailto:Ana@Example.ORG"}
    body["context"] = {"contextActivities": {"parent": {"id": "https://lms.example.org/c/1"}}}
    del body["timestamp"]
    assert lrs.post(body).get_json() == [sid]
    again = copy.deepcopy(body)
    again["verb"]["display"] = {"fr-FR": "a terminé"}
    again["actor"]["mbox"] = "mailto:Ana@example.org"
    again["timestamp"] = "2026-03-10T09:30:00Z"
    again["context"]["contextActivities"]["parent"] = [
        {"id": "https://lms.example.org/c/1", "definition": {"name": {"en": "Course"}}}
    ]
    assert lrs.post(again).get_json() == [sid]
    del again["timestamp"]
    assert lrs.put(again, sid).status_code == 204
    assert _count(app) == 1


def test_a_given_timestamp_sent_again_without_it_or_with_another(app, lrs):
    sid = new_id()
    body = statement(sid=sid)
    assert "timestamp" in body
    lrs.post(body)
    without = {k: v for k, v in body.items() if k != "timestamp"}
    assert lrs.post(without).get_json() == [sid]
    later = body | {"timestamp": "2026-03-11T09:30:00Z"}
    response = lrs.post(later)
    assert response.status_code == 409
    assert response.get_json()["code"] == "statement_conflict"
    # The user-set part of an e-mail address is not case-insensitive.
    other = copy.deepcopy(body)
    other["actor"] = {"mbox": "mailto:ANA@example.com"}
    assert lrs.post(other).status_code == 409
    assert _count(app) == 1


def test_the_same_id_with_other_content_is_a_conflict_and_nothing_is_stored(app, lrs):
    sid = new_id()
    lrs.post(statement(sid=sid))
    other = statement(sid=sid, verb="http://adlnet.gov/expapi/verbs/passed")
    response = lrs.post([statement(), other])
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "statement_conflict" and sid in body["message"]
    assert lrs.put(other, sid).status_code == 409
    assert _count(app) == 1


def test_ids_repeated_in_a_batch_refuse_the_batch(app, lrs):
    sid = new_id()
    response = lrs.post([statement(sid=sid), statement(), statement(sid=sid.upper())])
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "duplicate_statement_id"
    assert body["message"].startswith("statements 1 and 3 have the same id")
    assert _count(app) == 0


def test_an_invalid_statement_refuses_the_batch_naming_it(app, lrs):
    bad = statement(mbox="ana@example.com")
    response = lrs.post([statement(), bad])
    assert response.status_code == 400
    assert response.get_json() == {
        "code": "invalid_statement",
        "message": "statement 2: actor.mbox: must start with mailto:",
        "field": "actor.mbox",
    }
    single = lrs.post(bad).get_json()["message"]
    assert single == "actor.mbox: must start with mailto:"
    assert _count(app) == 0


def test_refusals_are_in_the_callers_language(lrs):
    response = lrs.post([statement(), statement(mbox="x")], headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("déclaration 2")


# -- voiding ---------------------------------------------------------------------------


def test_a_voiding_statement_voids_its_target(app, lrs):
    target = new_id()
    lrs.post(statement(sid=target))
    void_id = new_id()
    assert lrs.post(voiding(target, sid=void_id)).status_code == 200
    row = _row(app, target)
    assert row.voided is True and row.voided_by == void_id
    assert lrs.get(statementId=target).status_code == 404
    assert lrs.get(voidedStatementId=target).get_json()["id"] == target
    listed = [s["id"] for s in lrs.get().get_json()["statements"]]
    assert void_id in listed and target not in listed


def test_a_statement_voided_in_the_same_batch_or_before_it_came(app, lrs):
    first, second = new_id(), new_id()
    assert lrs.post([statement(sid=first), voiding(first)]).status_code == 200
    assert _row(app, first).voided is True
    assert lrs.post(voiding(second)).status_code == 200  # its target comes later
    assert lrs.post(statement(sid=second)).status_code == 200
    late = _row(app, second)
    assert late.voided is True and late.status == "no_effect"


def test_a_client_reads_and_voids_only_what_it_sent(app, lrs, client):
    with app.app_context():
        other = Lrs(client, *make_client("Authoring tool"))
    mine, theirs = new_id(), new_id()
    lrs.post(statement(sid=mine))
    other.post(statement(sid=theirs))
    assert lrs.get(statementId=theirs).status_code == 404
    assert [s["id"] for s in lrs.get().get_json()["statements"]] == [mine]
    assert [s["id"] for s in other.get().get_json()["statements"]] == [theirs]
    response = lrs.post([statement(), voiding(theirs)])
    assert response.status_code == 403
    assert response.get_json() == {
        "code": "not_your_statement",
        "message": f"statement {theirs} was sent by another xAPI client: "
        "only its sender can void it",
        "field": "object.id",
    }
    assert _count(app) == 2 and not _row(app, theirs).voided
    # A voiding sent before its target only voids the target if the same client sends it.
    later = new_id()
    assert lrs.post(voiding(later)).status_code == 200
    other.post(statement(sid=later))
    assert not _row(app, later).voided
    assert other.post(voiding(theirs)).status_code == 200
    assert _row(app, theirs).voided


def test_a_voiding_statement_cannot_be_voided(app, lrs):
    target, void_id = new_id(), new_id()
    lrs.post([statement(sid=target), voiding(target, sid=void_id)])
    response = lrs.post(voiding(void_id))
    assert response.status_code == 400
    assert response.get_json()["code"] == "voiding_a_voiding_statement"
    in_batch = lrs.post([voiding(target, sid=(other := new_id())), voiding(other)])
    assert in_batch.status_code == 400
    assert _count(app) == 2


def test_voiding_needs_a_statement_ref(lrs):
    body = statement(verb="http://adlnet.gov/expapi/verbs/voided")
    response = lrs.post(body)
    assert response.status_code == 400
    assert response.get_json()["field"] == "object"


# -- headers, authentication, malformed requests ----------------------------------------


def test_about_is_open_and_names_the_versions(client):
    response = client.get(ABOUT)
    assert response.status_code == 200
    assert response.get_json()["version"] == ["1.0.3", "2.0.0"]
    assert response.headers[VERSION] == "1.0.3"
    # A 1.0 client library refuses a list naming 2.0.0: it is told what it speaks.
    assert client.get(ABOUT, headers={VERSION: "1.0.3"}).get_json()["version"] == ["1.0.3"]


@pytest.mark.parametrize(
    ("sent", "status", "answered"),
    [
        (None, 400, "1.0.3"),
        ("0.95", 400, "1.0.3"),
        ("1.0.4", 400, "1.0.3"),
        ("3.0.0", 400, "1.0.3"),
        ("1.0.0", 200, "1.0.3"),
        ("1.0.3", 200, "1.0.3"),
        ("2.0.0", 200, "2.0.0"),
        ("2.0.1", 200, "2.0.0"),
    ],
)
def test_the_version_header_is_required_and_always_answered(lrs, sent, status, answered):
    lrs.version = sent
    response = lrs.get()
    assert response.status_code == status
    assert response.headers[VERSION] == answered
    if status == 400:
        assert response.get_json()["field"] == VERSION


def test_a_2_0_statement_is_stored_as_2_0_and_may_name_context_agents(app, lrs):
    lrs.version = "2.0.0"
    agents = {
        "contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:t@x.org"}}]
    }
    [sid] = lrs.post(statement(context=agents)).get_json()
    assert _row(app, sid).version == "2.0.0"
    lrs.version = "1.0.3"
    refused = lrs.post(statement(context=agents))
    assert refused.status_code == 400 and refused.get_json()["field"] == "context.contextAgents"


@pytest.mark.parametrize("auth", [None, "wrong", "Bearer abc", "not-basic"])
def test_requests_without_a_valid_client_get_401(lrs, auth):
    headers = {"Authorization": basic(lrs.key, "wrong")} if auth == "wrong" else {}
    if auth and auth != "wrong":
        headers = {"Authorization": auth}
    response = lrs.http.get(URL, headers={VERSION: "1.0.3", **headers})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="lms-roi xAPI"'
    assert response.headers[VERSION] == "1.0.3"
    assert response.get_json()["code"] == "unauthenticated"


def test_a_revoked_client_is_refused_and_use_is_noted_once_a_minute(app, lrs):
    from lms_roi.xapi.clients import revoke_client

    assert lrs.get().status_code == 200
    with app.app_context():
        client = session().scalar(select(XapiClient).where(XapiClient.key == lrs.key))
        first_use = client.last_used_at
        assert first_use is not None
        client.last_used_at = first_use - timedelta(seconds=30)
        session().commit()
    lrs.get()
    with app.app_context():
        client = session().scalar(select(XapiClient).where(XapiClient.key == lrs.key))
        assert client.last_used_at == first_use - timedelta(seconds=30)  # not a minute yet
        client.last_used_at = first_use - timedelta(minutes=2)
        session().commit()
    lrs.get()
    with app.app_context():
        client = session().scalar(select(XapiClient).where(XapiClient.key == lrs.key))
        assert client.last_used_at > first_use - timedelta(seconds=1)
        revoke_client(client)
        session().commit()
    assert lrs.get().status_code == 401


@pytest.mark.parametrize(
    ("data", "content_type", "code"),
    [
        ("{not json", "application/json", "invalid_json"),
        ('{"actor": NaN}', "application/json", "invalid_json"),
        ("[" * 100000, "application/json", "invalid_json"),
        (b"\xff\xfe\xfa", "application/json", "invalid_json"),
        ("{}", "text/plain", "content_type"),
        ("{}", "application/x-www-form-urlencoded", "content_type"),
        ("42", "application/json", "invalid_statement"),
        ("[1]", "application/json", "invalid_statement"),
    ],
)
def test_malformed_bodies_get_400_never_500(app, lrs, data, content_type, code):
    response = lrs.raw("POST", data, content_type)
    assert response.status_code == 400
    assert response.get_json()["code"] == code
    assert response.headers[VERSION] == "1.0.3"
    assert _count(app) == 0


def test_too_many_statements_or_too_many_bytes_get_413(app, lrs, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_ROI_XAPI_MAX_BATCH", 3)
    response = lrs.post([statement() for _ in range(4)])
    assert response.status_code == 413 and response.get_json()["code"] == "too_many_statements"
    assert lrs.post([statement() for _ in range(3)]).status_code == 200
    monkeypatch.setitem(app.config, "LMS_ROI_XAPI_MAX_BYTES", 200)
    big = lrs.post(statement(result={"response": "x" * 300}))
    assert big.status_code == 413 and big.get_json()["code"] == "too_large"
    assert _count(app) == 3


def test_a_batch_of_500_is_stored(app, lrs):
    response = lrs.post([statement(mbox=f"mailto:l{i}@example.com") for i in range(500)])
    assert response.status_code == 200 and len(set(response.get_json())) == 500
    assert _count(app) == 500


def test_unknown_resources_and_methods_answer_json(lrs):
    missing = lrs.get("/roi/xapi/activities/state")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    assert missing.headers[VERSION] == "1.0.3"
    deleted = lrs.raw("DELETE", "")
    assert deleted.status_code == 405
    assert set(deleted.headers["Allow"].split(", ")) >= {"GET", "POST", "PUT"}
    assert lrs.post(statement(), query_string={"statementId": new_id()}).status_code == 400


def test_the_processing_gets_new_statements_and_voided_targets_once(app, lrs, monkeypatch):
    from lms_roi.xapi import processing

    calls = []

    def record(kind):
        def called(rows):
            calls.append((kind, [(r.statement_id, r.status, r.voided, r.id > 0) for r in rows]))

        return called

    def record_new(rows):
        # New statements get their outcome before they are inserted (no id yet).
        calls.append(("process", [(r["statement_id"], r["status"], r["voided"]) for r in rows]))

    monkeypatch.setattr(processing, "process_rows", record_new)
    monkeypatch.setattr(processing, "void_statements", record("void"))
    first, second = new_id(), new_id()
    lrs.post([statement(sid=first), statement(sid=second)])
    assert calls == [("process", [(first, "received", False), (second, "received", False)])]
    calls.clear()
    lrs.post([statement(sid=first), voiding(second)])  # a replay and a voiding statement
    assert calls == [("void", [(second, "received", True, True)])]
