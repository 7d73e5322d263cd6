"""Reading xAPI statements back over raw HTTP: by id, filtered, and page by page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from lms_roi.db import session
from lms_roi.models import XapiStatement
from xapi_http import URL, Lrs, make_client, new_id, statement

PASSED = "http://adlnet.gov/expapi/verbs/passed"
QUIZ = "https://lms.example.org/mod/quiz/view.php?id=3"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def lrs(app, db, client):
    with app.app_context():
        key, secret = make_client()
    return Lrs(client, key, secret)


@pytest.fixture
def seven(app, lrs):
    """Seven statements stored one hour apart (T0, T0+1h, …): ids in stored order.

    Ana completed the page (0, 2, 4, 6), Ben passed the quiz (1, 3, 5).
    """
    ids = []
    for i in range(7):
        ana = i % 2 == 0
        body = statement(
            sid=new_id(),
            mbox="mailto:ana@example.com" if ana else "mailto:ben@example.com",
            **({} if ana else {"verb": PASSED, "activity": QUIZ}),
        )
        assert lrs.post(body).status_code == 200
        ids.append(body["id"])
    with app.app_context():
        for i, sid in enumerate(ids):
            session().execute(
                update(XapiStatement)
                .where(XapiStatement.statement_id == sid)
                .values(stored=T0 + timedelta(hours=i))
            )
        session().commit()
    return ids


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [s["id"] for s in response.get_json()["statements"]]


def _walk(lrs, **query) -> tuple[list[str], int]:
    """Every statement of a query, following ``more``: (ids, pages)."""
    response = lrs.get(**query)
    ids, pages = _ids(response), 1
    more = response.get_json()["more"]
    while more:
        assert more.startswith(URL + "?more=")
        response = lrs.get(more)
        ids += _ids(response)
        pages += 1
        more = response.get_json()["more"]
    return ids, pages


def test_a_statement_by_id_with_its_headers(lrs):
    sid = new_id()
    lrs.post(statement(sid=sid))
    response = lrs.get(statementId=sid)
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == sid and body["verb"] == statement()["verb"]
    assert {"stored", "authority", "version", "timestamp"} <= set(body)
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert response.headers["Last-Modified"]
    consistent = response.headers["X-Experience-API-Consistent-Through"]
    assert consistent.endswith("Z")
    assert lrs.get(statementId=sid.upper()).get_json()["id"] == sid


def test_unknown_and_malformed_ids(lrs):
    assert lrs.get(statementId=new_id()).status_code == 404
    assert lrs.get(statementId=new_id()).get_json()["code"] == "not_found"
    assert lrs.get(statementId="nope").status_code == 400
    sid = new_id()
    lrs.post(statement(sid=sid))
    assert lrs.get(voidedStatementId=sid).status_code == 404  # not voided
    combined = lrs.get(statementId=sid, verb=PASSED)
    assert combined.status_code == 400 and combined.get_json()["field"] == "verb"


def test_format_ids_keeps_only_identifiers(lrs):
    sid = new_id()
    lrs.post(statement(sid=sid, object={"id": QUIZ, "definition": {"name": {"en": "Quiz"}}}))
    body = lrs.get(statementId=sid, format="ids").get_json()
    assert body["actor"] == {"objectType": "Agent", "mbox": "mailto:ana@example.com"}
    assert body["object"] == {"objectType": "Activity", "id": QUIZ}
    assert lrs.get(statementId=sid, format="wrong").status_code == 400


def test_lists_are_newest_first_or_ascending(lrs, seven):
    assert _ids(lrs.get()) == seven[::-1]
    assert _ids(lrs.get(ascending="true")) == seven
    assert lrs.get().get_json()["more"] == ""


def test_filters_by_agent_verb_and_activity(lrs, seven):
    ben = json.dumps({"mbox": "mailto:ben@example.com"})
    assert _ids(lrs.get(agent=ben, ascending="true")) == seven[1::2]
    assert _ids(lrs.get(verb=PASSED, ascending="true")) == seven[1::2]
    assert _ids(lrs.get(activity=QUIZ, ascending="true")) == seven[1::2]
    ana = json.dumps({"objectType": "Agent", "mbox": "mailto:ana@example.com"})
    assert _ids(lrs.get(agent=ana, verb=PASSED)) == []
    assert _ids(lrs.get(agent=json.dumps({"mbox": "mailto:nobody@example.com"}))) == []


def test_since_is_exclusive_and_until_inclusive(lrs, seven):
    since = (T0 + timedelta(hours=2)).isoformat()
    until = (T0 + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
    assert _ids(lrs.get(since=since, until=until, ascending="true")) == seven[3:5]
    assert _ids(lrs.get(since="2026-03-01T10:00:00+02:00", ascending="true")) == seven[1:]
    refused = lrs.get(since="yesterday")
    assert refused.status_code == 400 and refused.get_json()["field"] == "since"


@pytest.mark.parametrize("ascending", ["true", "false"])
def test_more_walks_every_page_once_in_a_stable_order(lrs, seven, ascending):
    ids, pages = _walk(lrs, limit=3, ascending=ascending)
    assert pages == 3
    assert ids == (seven if ascending == "true" else seven[::-1])
    filtered, pages = _walk(lrs, limit=2, verb=PASSED, ascending=ascending)
    assert sorted(filtered) == sorted(seven[1::2]) and pages == 2


def test_statements_stored_while_paging_neither_repeat_nor_shift(app, lrs, seven):
    first = lrs.get(limit=3)
    newer = new_id()
    lrs.post(statement(sid=newer))  # stored now, after every seeded one
    second = lrs.get(first.get_json()["more"])
    assert _ids(second) == seven[::-1][3:6]


def test_limit_defaults_caps_and_zero_means_the_largest_page(app, lrs, seven, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_ROI_XAPI_PAGE_SIZE", 2)
    monkeypatch.setitem(app.config, "LMS_ROI_XAPI_PAGE_MAX", 5)
    assert len(_ids(lrs.get())) == 2
    assert len(_ids(lrs.get(limit=100))) == 5
    assert len(_ids(lrs.get(limit=0))) == 5
    assert lrs.get(limit="-1").status_code == 400


def test_voided_statements_are_left_out_of_lists(lrs, seven):
    voiding = statement(verb="http://adlnet.gov/expapi/verbs/voided")
    voiding["object"] = {"objectType": "StatementRef", "id": seven[0]}
    [void_id] = lrs.post(voiding).get_json()
    listed = _ids(lrs.get(limit=0))
    assert seven[0] not in listed and void_id in listed and len(listed) == 7


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"agent": "not json"}, "agent"),
        ({"agent": json.dumps({"mbox": "ana@example.com"})}, "agent.mbox"),
        ({"agent": json.dumps({"name": "Ana"})}, "agent"),
        ({"verb": "completed"}, "verb"),
        ({"ascending": "maybe"}, "ascending"),
        ({"related_activities": "true"}, "related_activities"),
        ({"attachments": "true"}, "attachments"),
        ({"registration": new_id()}, "registration"),
        ({"color": "red"}, "color"),
        ({"more": "forged"}, "more"),
    ],
)
def test_bad_query_parameters_are_named(lrs, query, field):
    response = lrs.get(**query)
    assert response.status_code == 400
    assert response.get_json()["field"] == field


def test_a_more_link_cannot_be_changed_or_extended(lrs, seven):
    more = lrs.get(limit=2).get_json()["more"]
    token = more.split("more=", 1)[1]
    assert lrs.get(more=token[:-2] + "xx").status_code == 400
    assert lrs.get(more=token, verb=PASSED).status_code == 400
    assert len(_ids(lrs.get(more=token))) == 2
