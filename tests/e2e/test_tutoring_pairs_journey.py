"""Asking for a tutor in a real browser, in English and in French.

A learner looks for a tutor for a module, sees a colleague suggested with the reasons
(completed it with 94 %, same team, free places) and asks with a note; the tutor accepts
on their requests page; the analyst filters the pairs and sees the pair active. Every
page is axe-checked. Both languages share one database: each has its own team, tutor,
learner and module.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from babel.numbers import format_percent
from playwright.sync_api import expect
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.demo.people import DEMO_PASSWORD
from lms_roi.models import Completion, Learner, Module, Team
from lms_roi.services.people import create_person

from .support import PERSONAS

pytestmark = pytest.mark.browser

#: Per language: the module to learn (a demo module) and the people's names.
PLANS = {
    "en": {"module": "crm-hygiene", "tutor": "Tilda Pairing", "mentee": "Mona Asking"},
    "fr": {"module": "seo-fundamentals", "tutor": "Théo Binôme", "mentee": "Maël Demande"},
}
SCORE = 94.0


def _people(app, locale: str) -> tuple[str, str, str, str]:
    """A tutor who scored 94 % on the plan's module and a learner, in a team of their own.

    Returns (tutor email, learner email, module slug, module title).
    """
    plan = PLANS[locale]
    tutor_email, mentee_email = f"pair-tutor-{locale}@tutors.test", f"pair-{locale}@learners.test"
    with app.app_context():
        db = session()
        module = db.scalar(select(Module).where(Module.slug == plan["module"]))
        if db.scalar(select(Learner.id).where(Learner.email == tutor_email)) is None:
            team = Team(slug=f"pairing-{locale}", name=f"Pairing {locale.upper()}")
            db.add(team)
            db.flush()
            tutor = create_person(
                email=tutor_email,
                display_name=plan["tutor"],
                roles=["tutor", "learner"],
                team=team,
                password=DEMO_PASSWORD,
            )
            create_person(
                email=mentee_email,
                display_name=plan["mentee"],
                roles=["learner"],
                team=team,
                password=DEMO_PASSWORD,
            )
            db.add(
                Completion(
                    learner_id=tutor.id,
                    module_id=module.id,
                    completed_at=datetime(2026, 2, 2, 10, tzinfo=UTC),
                    score=SCORE,
                    source="import",
                )
            )
            db.commit()
        return tutor_email, mentee_email, module.slug, module.title


def test_a_learner_asks_a_tutor_who_accepts_and_the_analyst_sees_the_pair(app, browsing):
    t, locale = browsing.t, browsing.locale
    plan = PLANS[locale]
    tutor_email, mentee_email, slug, title = _people(app, locale)
    tutor, mentee = plan["tutor"], plan["mentee"]

    # The learner finds the tutor, with the reasons, and asks with a note.
    page = browsing.new_page()
    browsing.sign_in(page, mentee_email)
    page.goto(browsing.url("/roi/tutoring/find"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Find a tutor"))
    browsing.check(page, "find-a-tutor")
    page.get_by_label(t("What do you want to learn?")).select_option(f"module:{slug}")
    page.get_by_role("button", name=t("Find tutors")).click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        t("Tutors for “%(title)s”", title=title)
    )
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", level=3, name=tutor))
    # A learner is told the tutor scored high, never the score itself (the tutor's data).
    expect(card).to_contain_text(t("Completed “%(title)s” with a high score", title=title))
    expect(card).not_to_contain_text(format_percent(SCORE / 100, locale=locale))
    expect(card).to_contain_text(t("Same team: %(team)s", team=f"Pairing {locale.upper()}"))
    browsing.check(page, "suggestions")
    card.get_by_label(t("Note for %(name)s (optional)", name=tutor)).fill("CRM / SEO, mardi ?")
    card.get_by_role("button", name=t("Ask %(name)s", name=tutor)).click()
    expect(page.get_by_role("status")).to_have_text(
        t("Your request was sent to %(tutor)s.", tutor=tutor)
    )
    requests = page.get_by_role("region", name=t("Your requests"))
    expect(requests).to_contain_text(t("waiting for an answer"))
    browsing.check(page, "request-sent")

    # The tutor accepts it.
    page = browsing.new_page()
    browsing.sign_in(page, tutor_email)
    page.goto(browsing.url("/roi/tutoring/requests"))
    request = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=3, name=mentee)
    )
    expect(request).to_contain_text("CRM / SEO, mardi ?")
    browsing.check(page, "tutor-requests")
    request.get_by_role("button", name=t("Accept the request of %(name)s", name=mentee)).click()
    expect(page.get_by_role("status")).to_have_text(t("You now tutor %(mentee)s.", mentee=mentee))
    expect(page.get_by_role("region", name=t("Your active pairs"))).to_contain_text(mentee)
    browsing.check(page, "request-accepted")

    # The analyst filters the pairs: the pair is active.
    page = browsing.new_page()
    browsing.sign_in(page, PERSONAS["analyst"])
    page.goto(browsing.url("/roi/tutoring/pairs"))
    filters = page.get_by_role("form", name=t("Filter the pairs"))
    filters.get_by_label(t("Status")).select_option(label=t("active"))
    filters.get_by_label(t("Tutor")).select_option(label=tutor)
    filters.get_by_role("button", name=t("Filter")).click()
    rows = page.get_by_role("region", name=t("Tutoring pairs")).locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(mentee)
    expect(rows.first).to_contain_text(t("active"))
    expect(
        rows.first.get_by_role(
            "link", name=t("End the pair of %(tutor)s and %(mentee)s", tutor=tutor, mentee=mentee)
        )
    ).to_be_visible()
    browsing.check(page, "analyst-pairs")

    # The analyst's other pages pass the accessibility check too: the tutor capacities
    # (the tutor's one place now taken) and the suggestions for a new pair.
    page.get_by_role("link", name=t("Tutor capacities")).click()
    capacity_row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=tutor, exact=True)
    )
    expect(capacity_row).to_contain_text(t("%(taken)s of %(capacity)s", taken="1", capacity="6"))
    browsing.check(page, "tutor-capacities")
    page.go_back()
    page.get_by_role("link", name=t("Pair a tutor with a mentee")).click()
    suggest = page.get_by_role("region", name=t("Suggested tutors"))
    suggest.get_by_label(t("Mentee")).select_option(label=mentee)
    suggest.get_by_label(t("Program or module")).select_option(f"module:{slug}")
    suggest.get_by_role("button", name=t("Suggest tutors")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Pair a tutor with a mentee"))
    browsing.check(page, "new-pair")
