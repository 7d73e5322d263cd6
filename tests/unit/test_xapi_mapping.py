"""Mapping activities: mapping again retries statements from people nobody matched, a
moved mapping says where it came from, and an activity keeps the last name it was given."""

from __future__ import annotations

from datetime import timedelta

from factories import make_module
from lms_roi.models import Learner
from lms_roi.xapi.mapping import map_activity, unmapped_activities
from lms_roi.xapi.processing import process_statements
from xapi_factories import MOODLE_HOME, WHEN, statement, store
from xp_factories import make_learner, total_xp

BOOK = f"{MOODLE_HOME}/mod/book/view.php?id=4"
KEI = {"name": "Kei", "account": {"homePage": MOODLE_HOME, "name": "7"}}


def test_mapping_again_credits_people_who_got_their_external_id_later(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_ROI_XAPI_HOME_PAGES", [MOODLE_HOME])
    module = make_module("seo-basics", duration=30)
    rows = [store(statement(actor=KEI, activity=BOOK))]
    process_statements(rows)

    first = map_activity(BOOK, module, None)
    assert (first.created, first.processed, first.unknown_actors) == (True, 0, 1)
    assert rows[0].status == "unknown_actor"

    kei = make_learner("kei")
    kei.external_id = "7"
    ctx.session.flush()
    again = map_activity(BOOK, module, None)
    assert (again.created, again.processed, again.unknown_actors) == (False, 1, 0)
    assert rows[0].status == "processed" and rows[0].learner_id == kei.id
    assert total_xp(kei) == 40  # min(10 + 30, 60): a 30-minute module's first completion

    nothing = map_activity(BOOK, module, None)
    assert (nothing.processed, nothing.moved_from, nothing.unknown_actors) == (0, None, 0)
    assert total_xp(ctx.session.get(Learner, kei.id)) == 40


def test_a_moved_mapping_names_the_module_it_came_from(ctx):
    first, second = make_module("seo-basics"), make_module("brand-voice")
    map_activity(BOOK, first, None)
    moved = map_activity(BOOK, second, None)
    assert moved.moved_from.slug == "seo-basics" and moved.mapping.module_id == second.id


def test_an_activity_keeps_its_last_name_when_a_later_statement_has_none(ctx):
    rows = [
        store(statement(activity=BOOK, name="Brand book")),
        store(statement(activity=BOOK, timestamp=WHEN + timedelta(days=1))),
    ]
    process_statements(rows)
    (waiting,) = unmapped_activities(10)
    assert (waiting.iri, waiting.statements, waiting.name) == (BOOK, 2, "Brand book")
