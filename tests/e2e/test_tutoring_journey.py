"""A tutor and a mentee in a real browser, in English and in French.

The demo tutor (Claire Fournier) gets one more mentee, per language, who joined five
years ago and never did anything: more idle than any demo mentee, so the most at-risk.
The tutor signs in, sees her first among the alerts and in the table, opens her page,
logs a session with an agreed action (which also ends the inactivity alert); the
mentee signs in, finds the session and the action on her tutoring page and ticks it done.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from sqlalchemy import select

from lms_roi.db import session, utcnow
from lms_roi.demo.people import DEMO_PASSWORD
from lms_roi.models import Learner, TutoringAction, TutoringPair, TutoringSession
from lms_roi.services.mentees import organisation_today
from lms_roi.services.people import create_person

from .support import PERSONAS

pytestmark = pytest.mark.browser

TUTOR_NAME = "Claire Fournier"
ACTION = {"en": "Finish the CRM module by Friday", "fr": "Terminer le module CRM d'ici vendredi"}


def _tick(label: str, action: str) -> re.Pattern:
    """The tick button of an action: its label, then the action's text (visually hidden)."""
    return re.compile(rf"^{re.escape(label)}\W+{re.escape(action)}$")


def _idle_mentee(app, locale: str) -> tuple[str, str]:
    """A mentee of the demo tutor per language, idle since joining five years ago."""
    email = f"idle-mentee-{locale}@learners.test"
    name = f"Rita Idle {locale.upper()}"
    with app.app_context():
        db = session()
        if db.scalar(select(Learner.id).where(Learner.email == email)) is None:
            mentee = create_person(
                email=email, display_name=name, roles=["learner"], password=DEMO_PASSWORD
            )
            mentee.created_at = utcnow() - timedelta(days=5 * 365)
            tutor = db.scalar(select(Learner).where(Learner.email == PERSONAS["tutor"]))
            db.add(
                TutoringPair(
                    tutor_id=tutor.id,
                    mentee_id=mentee.id,
                    starts_on=organisation_today() - timedelta(days=14),
                    goals="Get back on track",
                )
            )
            db.commit()
    return email, name


def test_tutor_logs_a_session_for_the_most_at_risk_mentee_who_then_sees_it(app, browsing, page):
    t = browsing.t
    email, name = _idle_mentee(app, browsing.locale)
    action = ACTION[browsing.locale]
    with app.app_context():
        today = organisation_today()

    # The tutor's home: the idle mentee leads the alerts and the table.
    browsing.sign_in(page, PERSONAS["tutor"])
    expect(page).to_have_url(re.compile(r"/roi/tutor/$"))
    at_risk = page.get_by_role("region", name=t("Mentees at risk"))
    first_alert = at_risk.get_by_role("listitem").first
    expect(first_alert).to_contain_text(name)
    expect(first_alert).to_contain_text(t("Inactive"))
    expect(
        first_alert.get_by_role("link", name=t("Write to %(name)s", name=name))
    ).to_have_attribute("href", f"mailto:{email}")
    first_row = page.get_by_role("table").get_by_role("row").nth(1)
    expect(first_row.get_by_role("rowheader")).to_contain_text(name)
    browsing.check(page, "tutor-home")

    # Her page: progress, no session yet, then a session logged with one agreed action.
    first_alert.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    sessions = page.get_by_role("region", name=t("Sessions"))
    expect(sessions).to_contain_text(t("No session logged yet."))
    browsing.check(page, "mentee")
    form = page.get_by_role("region", name=t("Log a session"))
    expect(form.get_by_label(t("Date of the session"))).to_have_value(today.isoformat())
    form.get_by_label(t("Minutes")).fill("45")
    form.get_by_label(t("Notes")).fill("Back to the path, one module a week")
    form.get_by_label(t("Agreed action %(number)d", number=1)).fill(action)
    next_meeting = today + timedelta(days=7)
    form.get_by_label(t("Next meeting"), exact=True).fill(next_meeting.isoformat())
    form.get_by_role("button", name=t("Log the session")).click()
    held = format_date(today, format="medium", locale=browsing.locale)
    expect(page.get_by_role("status")).to_have_text(
        browsing.tn(
            "The session of %(date)s is logged with %(num)d agreed action.",
            "The session of %(date)s is logged with %(num)d agreed actions.",
            1,
            date=held,
        )
    )
    expect(sessions).to_contain_text(action)
    browsing.check(page, "session-logged")

    # The session is a learning action: she is no longer inactive.
    page.get_by_role("link", name=t("My mentees")).first.click()
    expect(page.get_by_role("region", name=t("Mentees at risk"))).not_to_contain_text(name)

    with app.app_context():
        mentee_id = session().scalar(select(Learner.id).where(Learner.email == email))
        logged = session().scalar(
            select(TutoringSession)
            .join(TutoringPair, TutoringPair.id == TutoringSession.pair_id)
            .where(TutoringPair.mentee_id == mentee_id)
        )
        assert (logged.held_on, logged.minutes, logged.next_meeting_on) == (
            today,
            45,
            next_meeting,
        )
        assert [a.text for a in logged.actions] == [action]

    # The mentee: her tutor, the session, the action, the next meeting; she ticks it done.
    mentee_page = browsing.new_page()
    browsing.sign_in(mentee_page, email)
    mentee_page.goto(browsing.url("/roi/mentoring/"))
    expect(mentee_page.get_by_role("heading", level=1)).to_have_text(t("My tutoring"))
    expect(
        mentee_page.get_by_role("heading", level=2, name=t("With %(tutor)s", tutor=TUTOR_NAME))
    ).to_be_visible()
    expect(mentee_page.get_by_text(action, exact=True)).to_be_visible()
    when = format_date(next_meeting, format="medium", locale=browsing.locale)
    expect(mentee_page.get_by_text(t("Next meeting: %(date)s", date=when))).to_be_visible()
    browsing.check(mentee_page, "mentee-view")
    mentee_page.get_by_role("button", name=_tick(t("Mark as done"), action)).click()
    expect(mentee_page.get_by_role("status")).to_have_text(
        t("“%(action)s” is marked as done.", action=action)
    )
    expect(
        mentee_page.get_by_role("button", name=_tick(t("Mark as not done"), action))
    ).to_be_visible()
    browsing.check(mentee_page, "action-done")
    with app.app_context():
        done = session().scalar(select(TutoringAction).where(TutoringAction.text == action))
        assert done.done_by_id == mentee_id and done.done_at is not None
