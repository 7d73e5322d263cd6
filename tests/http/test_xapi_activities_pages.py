"""The "xAPI activities" page: unmapped activities mapped in one click, the explicit map
managed by analysts and admins; and statements posted by a real xAPI client (tincan)
produce a completion, XP and a badge exactly once."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from tincan import Activity, Agent, LanguageMap, Result, Score, Statement, Verb

from badge_factories import make_badge
from conftest import login
from factories import make_module, make_person
from lms_roi.models import (
    BadgeAward,
    Completion,
    Learner,
    XapiActivityMap,
    XapiStatement,
    XpEvent,
)
from lms_roi.xapi.clients import create_client
from lms_roi.xapi.processing import process_statements
from xapi_factories import WHEN, statement, store
from xp_factories import total_xp

QUIZ = "https://moodle.example.org/mod/quiz/view.php?id=7"
PAGE = "/roi/xapi-activities/"


@pytest.fixture
def waiting(app, db):
    """Two statements of a Moodle quiz nobody mapped yet, a module to map it to."""
    with app.app_context():
        make_person("lin@example.com", roles=("analyst",))
        learner = make_person("ana@example.com", roles=("learner",))
        make_module("seo-basics", duration=30)
        rows = [
            store(statement(activity=QUIZ, name="SEO check")),
            store(statement(activity=QUIZ, name="SEO check", timestamp=WHEN + timedelta(days=1))),
        ]
        process_statements(rows)
        db.session.commit()
        return learner.id


def test_an_analyst_maps_an_unmapped_activity_in_one_click(app, db, client, waiting):
    login(client, "lin@example.com")
    page = client.get(PAGE).get_data(as_text=True)
    assert "SEO check" in page and QUIZ in page and "<td>2</td>" in page
    assert "xAPI activities" in client.get("/roi/analytics/").get_data(as_text=True)
    done = client.post(
        "/roi/xapi-activities/map",
        data={"activity_iri": QUIZ, "module": "seo-basics"},
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert "Mapped to Seo Basics: 2 stored statements processed." in text
    assert "Every activity heard from so far is mapped." in text
    with app.app_context():
        assert db.session.scalar(select(func.count(Completion.id))) == 2
        assert total_xp(db.session.get(Learner, waiting)) == 40 + 5
        mapping = db.session.scalar(select(XapiActivityMap))
        assert mapping.activity_iri == QUIZ and mapping.created_by_id is not None
    again = client.post(
        "/roi/xapi-activities/map",
        data={"activity_iri": QUIZ, "module": "seo-basics"},
        follow_redirects=True,
    )
    assert "This activity already counts for that module." in again.get_data(as_text=True)


def test_a_mapping_is_added_by_hand_and_removed(app, db, client, waiting):
    login(client, "lin@example.com")
    iri = "https://moodle.example.org/mod/book/view.php?id=9"
    added = client.post(
        "/roi/xapi-activities/map",
        data={"activity_iri": iri, "module": "seo-basics"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "0 stored statements processed" in added and f"<code class=\"iri\">{iri}</code>" in added
    with app.app_context():
        mapping_id = db.session.scalar(select(XapiActivityMap.id))
    removed = client.post(f"/roi/xapi-activities/{mapping_id}/remove", follow_redirects=True)
    assert f"Mapping of {iri} removed." in removed.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(XapiActivityMap.id))) == 0
    gone = client.post(f"/roi/xapi-activities/{mapping_id}/remove")
    assert gone.status_code == 404


def test_a_map_without_module_or_with_a_bad_iri_is_refused(app, db, client, waiting):
    login(client, "lin@example.com")
    no_module = client.post(
        "/roi/xapi-activities/map", data={"activity_iri": QUIZ, "module": ""}, follow_redirects=True
    )
    assert "Choose a module and give the activity&#39;s IRI." in no_module.get_data(as_text=True)
    bad = client.post(
        "/roi/xapi-activities/map",
        data={"activity_iri": "not an iri", "module": "seo-basics"},
        follow_redirects=True,
    )
    assert "Enter the activity&#39;s IRI" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(XapiActivityMap.id))) == 0


@pytest.mark.parametrize("role", ["learner", "hr", "tutor"])
def test_only_analysts_and_admins_open_the_page(app, db, client, role):
    with app.app_context():
        make_person("someone@example.com", roles=(role,))
        db.session.commit()
    login(client, "someone@example.com")
    assert client.get(PAGE).status_code == 403
    assert client.post("/roi/xapi-activities/map", data={}).status_code == 403


def test_an_admin_opens_the_page(app, db, client):
    with app.app_context():
        make_person("root@example.com", roles=("admin",))
        db.session.commit()
    login(client, "root@example.com")
    assert client.get(PAGE).status_code == 200


# --- a real xAPI client -------------------------------------------------------------------


def _tincan_statement(statement_id: uuid.UUID) -> str:
    return Statement(
        id=statement_id,
        actor=Agent(name="Ana", mbox="mailto:ana@example.com"),
        verb=Verb(
            id="http://adlnet.gov/expapi/verbs/completed",
            display=LanguageMap({"en-US": "completed"}),
        ),
        object=Activity(id="https://lms.example.org/roi/modules/seo-basics"),
        result=Result(score=Score(scaled=0.9), success=True, completion=True),
        timestamp="2026-03-10T09:30:00Z",
    ).to_json("1.0.1")


def test_a_statement_from_tincan_counts_exactly_once_and_voiding_reverses_it(app, db, client):
    with app.app_context():
        learner_id = make_person("ana@example.com", roles=("learner",)).id
        make_module("seo-basics", duration=30)
        make_badge("first-steps", {"kind": "modules_completed", "min": 1}, xp=10)
        lrs, secret = create_client("Moodle")
        db.session.commit()
        key = lrs.key
    auth = base64.b64encode(f"{key}:{secret}".encode()).decode()
    headers = {
        "Authorization": f"Basic {auth}",
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    statement_id = uuid.uuid4()
    body = _tincan_statement(statement_id)

    def state():
        with app.app_context():
            learner = db.session.get(Learner, learner_id)
            return (
                db.session.execute(select(Completion.score, Completion.source)).all(),
                total_xp(learner),
                db.session.scalar(select(func.count(XpEvent.id))),
                db.session.scalar(select(func.count(BadgeAward.id))),
            )

    first = client.post("/roi/xapi/statements", data=body, headers=headers)
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json() == [str(statement_id)]
    after_first = state()
    assert after_first == ([(90.0, "xapi")], 40 + 10, 2, 1)
    replay = client.post("/roi/xapi/statements", data=body, headers=headers)
    assert replay.status_code == 200
    assert state() == after_first
    with app.app_context():
        stored = db.session.scalar(select(XapiStatement))
        assert (stored.status, stored.learner_id) == ("processed", learner_id)
    voiding = {
        "actor": {"mbox": "mailto:ana@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": str(statement_id)},
    }
    voided = client.post("/roi/xapi/statements", data=json.dumps(voiding), headers=headers)
    assert voided.status_code == 200, voided.get_data(as_text=True)
    completions, xp, _rows, badges = state()
    # The completion and its XP are gone; the badge stays (with its own XP), as badges do.
    assert (completions, xp, badges) == ([], 10, 1)
