"""Mapping a Moodle activity in a real browser, in English and in French.

Moodle's log store sent statements about a quiz nobody mapped yet (its attempt, as
Moodle emits it: a Moodle URL as the activity, no statement id); they were stored and
wait on the "xAPI activities" page. The analyst finds the activity there with its name
and statement count, maps it to a module in one click and is told how many stored
statements were processed; the activity moves to the mapped list and the learner has
the completion. Every page is axe-checked. Each language has its own Moodle activity.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.models import Completion, Learner, Module
from lms_roi.xapi.statements import store_statements

from .support import PERSONAS

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).parents[1] / "data" / "xapi" / "moodle-logstore"
PLANS = {
    "en": {"id": 701, "name": "SEO quiz (Moodle)", "module": "content-strategy"},
    "fr": {"id": 702, "name": "Quiz SEO (Moodle)", "module": "content-strategy"},
}


def _moodle_statements(app, locale: str) -> tuple[str, str, int]:
    """Two quiz attempts from Moodle stored unmapped; (IRI, module title, learner id)."""
    plan = PLANS[locale]
    iri = f"http://moodle.example.org/mod/quiz/view.php?id={plan['id']}"
    sample = json.loads((SAMPLE / "quiz_attempt_submitted.json").read_text())[0]
    with app.app_context():
        db = session()
        learner = db.scalar(select(Learner).where(Learner.email == PERSONAS["learner"]))
        statements = []
        for days in (0, 1):
            statement = copy.deepcopy(sample)
            # Moodle's log store identifies people by email when asked to (mbox).
            statement["actor"] = {"name": learner.display_name, "mbox": f"mailto:{learner.email}"}
            statement["object"]["id"] = iri
            statement["object"]["definition"]["name"] = {"en": plan["name"]}
            moment = datetime(2026, 1, 12, 9, tzinfo=UTC) + timedelta(days=days, minutes=plan["id"])
            statement["timestamp"] = moment.isoformat()
            statements.append(statement)
        store_statements(statements, client=None, authority={"mbox": "mailto:moodle@example.org"})
        db.commit()
        title = db.scalar(select(Module.title).where(Module.slug == plan["module"]))
        return iri, title, learner.id


def test_an_analyst_maps_a_moodle_activity_in_one_click(app, browsing):
    t, locale = browsing.t, browsing.locale
    plan = PLANS[locale]
    iri, title, learner_id = _moodle_statements(app, locale)

    page = browsing.new_page()
    browsing.sign_in(page, PERSONAS["analyst"])
    page.get_by_role("link", name=t("xAPI activities"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("xAPI activities"))
    waiting = page.get_by_role("region", name=t("Unmapped activities"), exact=True)
    row = waiting.get_by_role("row").filter(has_text=plan["name"])
    expect(row).to_contain_text(iri)
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    browsing.check(page, "unmapped")

    row.get_by_label(
        t("Module for the activity “%(activity)s”", activity=plan["name"])
    ).select_option(plan["module"])
    row.get_by_role("button", name=t("Map")).click()
    expect(page.get_by_role("status")).to_have_text(
        browsing.tn(
            "Mapped to %(module)s: %(num)d stored statement processed.",
            "Mapped to %(module)s: %(num)d stored statements processed.",
            2,
            module=title,
        )
    )
    expect(page.get_by_role("region", name=t("Mapped activities"), exact=True)).to_contain_text(iri)
    expect(waiting).not_to_contain_text(plan["name"])
    browsing.check(page, "mapped")

    with app.app_context():
        db = session()
        module_id = db.scalar(select(Module.id).where(Module.slug == plan["module"]))
        scores = db.scalars(
            select(Completion.score).where(
                Completion.learner_id == learner_id,
                Completion.module_id == module_id,
                Completion.source == "xapi",
            )
        ).all()
        assert scores.count(50.0) >= 2  # Moodle's scaled 0.5, once per statement
        assert db.scalar(select(func.count(Completion.id)).where(Completion.source == "xapi"))
