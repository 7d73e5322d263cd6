"""``lms-roi xapi-map ACTIVITY_IRI MODULE_SLUG``: maps an activity and processes what waits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from factories import make_module
from lms_roi.models import AuditLog, Completion, Learner, XapiActivityMap
from lms_roi.xapi.processing import process_statements
from xapi_factories import WHEN, statement, store
from xp_factories import make_learner, total_xp

BOOK = "https://moodle.example.org/mod/book/view.php?id=4"


def xapi_map(cli, *args):
    return cli.invoke(args=["lms-roi", "xapi-map", *args])


def test_mapping_processes_the_stored_statements_and_says_how_many(app, db, cli):
    with app.app_context():
        learner_id = make_learner("ana").id
        make_module("seo-basics", duration=30)
        rows = [
            store(statement(activity=BOOK)),
            store(statement(activity=BOOK, timestamp=WHEN + timedelta(days=1))),
        ]
        process_statements(rows)
        db.session.commit()
    result = xapi_map(cli, BOOK, "seo-basics")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"mapped {BOOK} to seo-basics; 2 stored statements processed"
    with app.app_context():
        assert db.session.scalar(select(func.count(Completion.id))) == 2
        assert total_xp(db.session.get(Learner, learner_id)) == 40 + 5
        assert db.session.scalar(select(AuditLog.action)) == "xapi.activity_mapped"
    again = xapi_map(cli, BOOK, "seo-basics")
    assert again.exit_code == 0
    assert again.stdout.strip() == f"{BOOK} already maps to seo-basics: nothing new to process"


def test_an_unknown_module_or_a_bad_iri_is_refused_and_nothing_is_written(app, db, cli):
    with app.app_context():
        make_module("seo-basics")
        db.session.commit()
    unknown = xapi_map(cli, BOOK, "no-such-module")
    assert unknown.exit_code == 1 and "no module with the slug 'no-such-module'" in unknown.stderr
    bad = xapi_map(cli, "not an iri", "seo-basics")
    assert bad.exit_code == 1 and "Enter the activity's IRI" in bad.stderr
    with app.app_context():
        assert db.session.scalar(select(func.count(XapiActivityMap.id))) == 0
