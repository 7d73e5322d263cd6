"""Tutor home alerts, a mentee's page with the session form, the mentee's own view (EN and FR).

Every mentee URL checks the tutor's pair is active today: another tutor's mentee, a
pair that ended (even yesterday) or one not started yet answer 404 at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from conftest import login
from factories import make_completion, make_module, make_pair, make_person, make_program
from lms_roi.db import session
from lms_roi.i18n import short_date
from lms_roi.models import Learner, TutoringAction, TutoringPair, TutoringSession, XpEvent
from lms_roi.services.mentees import organisation_today

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


def noon(day) -> datetime:
    return datetime.combine(day, time(12), UTC)


@pytest.fixture
def tutoring(app, db):
    """Theo follows Ana (idle for 30 days) and Bea (busy); Omar follows Eve.

    Bea's pair has a session with one agreed action; ids are returned by name.
    """
    with app.app_context():
        today = organisation_today()
        theo = make_person("theo@example.com", roles=("tutor", "learner"), name="Theo Tutor")
        omar = make_person("omar@example.com", roles=("tutor", "learner"), name="Omar Other")
        ana = make_person("ana@example.com", name="Ana Idle")
        ana.created_at = noon(today - timedelta(days=30))
        bea = make_person("bea@example.com", name="Bea Busy")
        eve = make_person("eve@example.com", name="Eve Elsewhere")
        make_person("lea@example.com", name="Lea Learner")
        make_person("nadia@example.com", roles=("analyst",), name="Nadia Analyst")
        # They live in the organisation's time zone: their "today" (inactivity is counted
        # in each learner's own zone) is the fixture's, at any hour of the day.
        for person in (theo, omar, ana, bea, eve):
            person.timezone = app.config["LMS_ROI_TIMEZONE"]
        modules = [make_module(f"module-{n}") for n in range(3)]
        program = make_program("growth-academy", tuple(modules))
        make_completion(bea, modules[0], noon(today - timedelta(days=1)), score=80)
        ana_pair = make_pair(theo, ana, starts_on=today - timedelta(days=20))
        bea_pair = make_pair(
            theo, bea, starts_on=today - timedelta(days=20), program=program, goals="Ship it"
        )
        eve_pair = make_pair(omar, eve, starts_on=today - timedelta(days=20))
        held = TutoringSession(
            pair_id=bea_pair.id,
            held_on=today - timedelta(days=2),
            minutes=40,
            notes="Looked at the brief\n<script>alert(1)</script>",
            next_meeting_on=today + timedelta(days=5),
            logged_by_id=theo.id,
            actions=[TutoringAction(position=1, text="Rewrite the headline")],
        )
        session().add(held)
        db.session.commit()
        return {
            "today": today,
            "ana": ana.id,
            "bea": bea.id,
            "eve": eve.id,
            "ana_pair": ana_pair.id,
            "bea_pair": bea_pair.id,
            "eve_pair": eve_pair.id,
            "action": held.actions[0].id,
        }


def page_of(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_at_risk_mentee_comes_first_with_her_alert_and_its_action(client, tutoring):
    login(client, "theo@example.com")
    page = page_of(client, "/roi/tutor/")
    joined = short_date_en(tutoring["today"] - timedelta(days=30))
    at_risk = page.split('<h2 id="at-risk">Mentees at risk</h2>')[1].split("</section>")[0]
    assert "Ana Idle" in at_risk and "Bea Busy" not in at_risk
    assert f"No learning action in the 30 days since joining on {joined}." in at_risk
    assert '<a href="mailto:ana@example.com">Write to Ana Idle</a>' in at_risk
    assert '<span class="tag flag">Inactive</span>' in at_risk
    table = page.split("<tbody>")[1]
    assert table.index("Ana Idle") < table.index("Bea Busy")
    assert "Eve Elsewhere" not in page
    assert "tutors see their mentees' learning data only" in page


def short_date_en(day) -> str:
    return day.strftime("%b %-d, %Y")


def test_the_tutor_home_speaks_french(client, tutoring):
    login(client, "theo@example.com")
    page = unescape(page_of(client, "/roi/tutor/", headers=FR))
    joined = tutoring["today"] - timedelta(days=30)
    assert '<h2 id="at-risk">Mentorés à risque</h2>' in page
    assert "Aucune action d'apprentissage dans les 30 jours depuis l'arrivée le" in page
    assert f"{joined.day}" in page and '<span class="tag flag">Inactif</span>' in page
    assert ">Écrire à Ana Idle</a>" in page
    assert "No learning action" not in page and "Mentees at risk" not in page


def test_the_mentee_page_shows_progress_sessions_and_the_form(app, client, tutoring):
    login(client, "theo@example.com")
    page = page_of(client, f"/roi/tutor/mentees/{tutoring['bea']}")
    assert "<h1>Bea Busy</h1>" in page and "Ship it" in page
    assert '<section id="progress"' in page and "Growth Academy" in page
    assert "completed on" in page and "best score 80%" in page
    # The notes are plain text: the markup is shown, never run.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Rewrite the headline" in page and "Mark as done" in page
    with app.test_request_context():
        next_day = short_date(tutoring["today"] + timedelta(days=5))
    assert f"Next meeting: {next_day}" in page
    for label in ("Date of the session", "Minutes", "Notes", "Agreed action 3", "Next meeting"):
        assert label in page
    assert 'name="actions-2"' in page and 'name="actions-3"' not in page


def test_the_mentee_page_speaks_french(client, tutoring):
    login(client, "theo@example.com")
    page = unescape(page_of(client, f"/roi/tutor/mentees/{tutoring['bea']}", headers=FR))
    assert "Consigner une séance" in page and "Action convenue 1" in page
    assert "Marquer comme faite" in page and "Prochain rendez-vous" in page
    assert "Log a session" not in page and "Agreed action" not in page


def test_logging_a_session_through_the_form(db, client, tutoring):
    login(client, "theo@example.com")
    today = tutoring["today"]
    response = client.post(
        f"/roi/tutor/mentees/{tutoring['ana']}",
        data={
            "pair": str(tutoring["ana_pair"]),
            "held_on": today.isoformat(),
            "minutes": "30",
            "notes": "Planned the week",
            "actions-0": "Finish module 1",
            "actions-1": "",
            "actions-2": "Book a call",
            "next_meeting_on": (today + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/roi/tutor/mentees/{tutoring['ana']}#sessions")
    page = page_of(client, f"/roi/tutor/mentees/{tutoring['ana']}")
    assert "is logged with 2 agreed actions." in page
    assert "Finish module 1" in page and "Book a call" in page and "Planned the week" in page
    logged = db.session.scalar(
        select(TutoringSession).where(TutoringSession.pair_id == tutoring["ana_pair"])
    )
    assert [a.text for a in logged.actions] == ["Finish module 1", "Book a call"]
    points = db.session.scalar(
        select(func.sum(XpEvent.points)).where(XpEvent.reason == "tutoring_session")
    )
    assert points == 30  # 15 to Theo, 15 to Ana
    # The session is a learning action: Ana is no longer inactive.
    assert "Mentees at risk" in (home := page_of(client, "/roi/tutor/"))
    assert "No mentee is at risk today." in home


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"minutes": "500"}, "a session lasts from 1 to 480 minutes"),
        ({"held_on": "2999-01-01"}, "the session date is in the future"),
        ({"minutes": ""}, "Write how many minutes the session lasted."),
    ],
)
def test_a_refused_session_says_why_and_saves_nothing(db, client, tutoring, change, message):
    login(client, "theo@example.com")
    data = {
        "pair": str(tutoring["ana_pair"]),
        "held_on": tutoring["today"].isoformat(),
        "minutes": "30",
        **change,
    }
    response = client.post(f"/roi/tutor/mentees/{tutoring['ana']}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "Nothing was saved. Correct these fields:" in page
    pair_sessions = select(func.count(TutoringSession.id)).where(
        TutoringSession.pair_id == tutoring["ana_pair"]
    )
    assert db.session.scalar(pair_sessions) == 0


def test_add_another_action_gives_one_more_box_and_saves_nothing(db, client, tutoring):
    login(client, "theo@example.com")
    response = client.post(
        f"/roi/tutor/mentees/{tutoring['ana']}",
        data={"pair": str(tutoring["ana_pair"]), "actions-0": "Keep me", "more": "1"},
    )
    page = response.get_data(as_text=True)
    assert 'name="actions-3"' in page and 'value="Keep me"' in page
    assert db.session.scalar(select(func.count(TutoringSession.id))) == 1  # Bea's only


def test_another_tutors_mentee_and_unknown_ids_answer_404(client, tutoring):
    login(client, "theo@example.com")
    for mentee_id in (tutoring["eve"], 999_999):
        assert client.get(f"/roi/tutor/mentees/{mentee_id}").status_code == 404
        assert client.post(f"/roi/tutor/mentees/{mentee_id}", data={}).status_code == 404


def test_a_pair_that_ends_closes_the_mentee_page_at_once(db, client, tutoring):
    login(client, "theo@example.com")
    url = f"/roi/tutor/mentees/{tutoring['bea']}"
    assert client.get(url).status_code == 200
    pair = db.session.get(TutoringPair, tutoring["bea_pair"])
    pair.status, pair.active = "ended", False
    pair.ends_on = tutoring["today"] - timedelta(days=1)
    db.session.commit()
    assert client.get(url).status_code == 404
    assert "Bea Busy" not in page_of(client, "/roi/tutor/")
    assert client.get(f"/roi/mentoring/pairs/{tutoring['bea_pair']}").status_code == 404
    response = client.post(f"/roi/mentoring/actions/{tutoring['action']}", data={"done": "1"})
    assert response.status_code == 409  # the tutor may no longer tick it


def test_a_learner_without_the_tutor_role_is_refused(client, tutoring):
    login(client, "lea@example.com")
    assert client.get(f"/roi/tutor/mentees/{tutoring['bea']}").status_code == 403


def test_the_mentee_sees_her_tutor_sessions_actions_and_next_meeting(db, app, client, tutoring):
    login(client, "bea@example.com")
    page = page_of(client, "/roi/mentoring/")
    assert "<h1>My tutoring</h1>" in page and "With Theo Tutor" in page
    assert "Rewrite the headline" in page and "to do" in page
    with app.test_request_context():
        next_day = short_date(tutoring["today"] + timedelta(days=5))
    assert f"Next meeting: {next_day}" in page and "Logged by Theo Tutor" in page
    response = client.post(
        f"/roi/mentoring/actions/{tutoring['action']}",
        data={"done": "1", "next": "/roi/mentoring/"},
    )
    assert response.headers["Location"] == "/roi/mentoring/"
    page = page_of(client, "/roi/mentoring/")
    assert "“Rewrite the headline” is marked as done." in page and "Mark as not done" in page
    action = db.session.get(TutoringAction, tutoring["action"])
    assert action.done_by_id == tutoring["bea"] and action.done_at is not None
    client.post(f"/roi/mentoring/actions/{tutoring['action']}", data={"done": "0"})
    assert db.session.get(TutoringAction, tutoring["action"]).done_at is None


def test_the_mentee_view_speaks_french(client, tutoring):
    login(client, "bea@example.com")
    page = unescape(page_of(client, "/roi/mentoring/", headers=FR))
    assert "<h1>Mon tutorat</h1>" in page and "Avec Theo Tutor" in page
    assert "Marquer comme faite" in page and "à faire" in page


def test_a_learner_without_tutor_reads_a_sentence(client, tutoring):
    login(client, "lea@example.com")
    assert "You have no tutor yet." in page_of(client, "/roi/mentoring/")


def test_others_cannot_tick_an_action_or_open_the_pair(db, client, tutoring):
    login(client, "omar@example.com")
    response = client.post(f"/roi/mentoring/actions/{tutoring['action']}", data={"done": "1"})
    assert response.status_code == 404
    assert client.get(f"/roi/mentoring/pairs/{tutoring['bea_pair']}").status_code == 404
    assert db.session.get(TutoringAction, tutoring["action"]).done_at is None


def test_a_forged_tick_changes_nothing(db, app, client, tutoring):
    login(client, "bea@example.com")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            f"/roi/mentoring/actions/{tutoring['action']}",
            data={"done": "1", "next": "/roi/mentoring/"},
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 302
    assert db.session.get(TutoringAction, tutoring["action"]).done_at is None
    assert "This form has expired" in page_of(client, "/roi/mentoring/")


def test_the_pair_page_is_for_the_pair_and_analysts(db, client, tutoring):
    url = f"/roi/mentoring/pairs/{tutoring['bea_pair']}"
    for email, status in (
        ("nadia@example.com", 200),
        ("theo@example.com", 200),
        ("bea@example.com", 200),
        ("ana@example.com", 404),
    ):
        login(client, email)
        response = client.get(url)
        assert response.status_code == status, email
        if status == 200:
            assert "Tutoring sessions of Theo Tutor with Bea Busy" in response.get_data(
                as_text=True
            )
        client.post("/roi/logout")
    assert db.session.scalar(select(func.count(Learner.id))) == 7
