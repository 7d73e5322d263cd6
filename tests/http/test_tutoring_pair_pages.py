"""Tutoring pair pages in English and French: analysts' pairs and capacities, a learner's
"Find a tutor", a tutor's requests."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from conftest import login
from factories import PASSWORD, make_pair, make_person, make_program, make_team
from lms_roi.db import session
from lms_roi.models import Learner, TutoringPair
from lms_roi.services import tutoring_pairs as pairs
from lms_roi.services.mentees import organisation_today
from tutoring_pair_factories import complete, make_tagged_module, make_tutor

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


@pytest.fixture
def org(app, db):
    """Nadia (analyst); tutors Tess (Sales, 2 places, 92 % on Lead Qualification) and Otto
    (70 %); learners Mia (Sales) and Bob; Otto already tutors Bob."""
    with app.app_context():
        sales = make_team("sales", "Sales")
        nadia = make_person("nadia@example.com", roles=("analyst",), name="Nadia Analyst")
        tess = make_tutor(
            "tess@example.com", "Tess Tutor", team=sales, capacity=2, password=PASSWORD
        )
        otto = make_tutor("otto@example.com", "Otto Other", password=PASSWORD)
        mia = make_person("mia@example.com", name="Mia Mentee", team=sales)
        bob = make_person("bob@example.com", name="Bob Learner", password=None)
        module = make_tagged_module("lead-qualification", "crm")
        program = make_program("sales-path", (module,))
        complete(tess, module, 92)
        complete(otto, module, 70)
        today = organisation_today()
        make_pair(otto, bob, starts_on=today - timedelta(days=3), program=program, goals="Close")
        db.session.commit()
        ids = SimpleNamespace(
            nadia=nadia.id, tess=tess.id, otto=otto.id, mia=mia.id, bob=bob.id, program=program.id
        )
    return ids


def page(response) -> str:
    return response.get_data(as_text=True)


def table_rows(body: str) -> str:
    """The ``<tbody>`` of the page's table ('' without one)."""
    return body.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in body else ""


def pair_of(app, tutor_id: int, mentee_id: int) -> TutoringPair | None:
    with app.app_context():
        return session().scalar(
            select(TutoringPair).where(
                TutoringPair.tutor_id == tutor_id, TutoringPair.mentee_id == mentee_id
            )
        )


# --- analyst: pairs, new pair with suggestions, end, capacities ---------------------------


def test_the_analyst_lists_and_filters_the_pairs(app, client, org):
    with app.app_context():
        pairs.request_tutor(session().get(Learner, org.mia), org.tess)
        session().commit()
    login(client, "nadia@example.com")
    body = page(client.get("/roi/tutoring/pairs"))
    assert "<h1>Tutoring pairs <small" in body
    assert "Otto Other" in body and "Bob Learner" in body and "Sales Path" in body
    assert "Tess Tutor" in body and "Mia Mentee" in body and ">requested<" in body
    assert 'aria-label="End the pair of Otto Other and Bob Learner">End</a>' in body
    assert "End the pair of Tess Tutor" not in body  # a request cannot be ended
    active = table_rows(page(client.get("/roi/tutoring/pairs?status=active")))
    assert "Bob Learner" in active and "Mia Mentee" not in active
    by_tutor = table_rows(page(client.get(f"/roi/tutoring/pairs?tutor={org.tess}")))
    assert "Mia Mentee" in by_tutor and "Bob Learner" not in by_tutor
    by_mentee = table_rows(page(client.get(f"/roi/tutoring/pairs?mentee={org.bob}")))
    assert "Bob Learner" in by_mentee and "Mia Mentee" not in by_mentee
    none = page(client.get("/roi/tutoring/pairs?status=ended"))
    assert "No tutoring pair matches." in none


def test_the_pairs_page_speaks_french(app, client, org):
    login(client, "nadia@example.com")
    body = page(client.get("/roi/tutoring/pairs", headers=FR))
    assert '<html lang="fr">' in body
    assert "<h1>Binômes de tutorat <small" in body
    assert "Associer un tuteur et un mentoré" in body and "Capacités des tuteurs" in body
    assert ">actif<" in body and "Objectifs : Close" in body
    assert 'aria-label="Terminer le binôme de Otto Other et Bob Learner">Terminer</a>' in body


def test_the_analyst_sees_suggestions_and_creates_a_pair(app, client, org):
    login(client, "nadia@example.com")
    url = f"/roi/tutoring/pairs/new?mentee={org.mia}&target=module:lead-qualification"
    body = page(client.get(url))
    assert '<h2 id="suggest-heading">Suggested tutors</h2>' in body
    tess_at = body.index("<h3>Tess Tutor")
    otto_at = body.index("<h3>Otto Other")
    assert tess_at < otto_at  # high score first
    assert "<li>Completed “Lead Qualification” with 92%</li>" in body
    assert "<li>Same team: Sales</li>" in body and "<li>2 of 2 places free</li>" in body
    assert "<li>Completed “Lead Qualification” with 70%</li>" in body
    chosen = page(
        client.get(
            url.replace("module:lead-qualification", "program:sales-path") + f"&tutor={org.tess}"
        )
    )
    assert f'<option selected value="{org.tess}">Tess Tutor</option>' in chosen
    assert f'<option selected value="{org.mia}">Mia Mentee</option>' in chosen
    assert '<option selected value="sales-path">Sales Path</option>' in chosen
    form = {"tutor": org.tess, "mentee": org.mia, "program": "sales-path", "goals": "Qualify"}
    done = client.post("/roi/tutoring/pairs/new", data=form, follow_redirects=True)
    assert "Tess Tutor now tutors Mia Mentee." in page(done)
    pair = pair_of(app, org.tess, org.mia)
    assert (pair.status, pair.active, pair.goals, pair.program_id) == (
        "active",
        True,
        "Qualify",
        org.program,
    )
    again = client.post("/roi/tutoring/pairs/new", data=form)
    assert again.status_code == 422
    assert "Tess Tutor already tutors Mia Mentee in this pair" in page(again)


def test_a_full_tutor_is_refused_with_the_reason_on_the_form(app, client, org):
    with app.app_context():
        session().get(Learner, org.tess).tutor_capacity = 0
        session().commit()
    login(client, "nadia@example.com")
    response = client.post(
        "/roi/tutoring/pairs/new", data={"tutor": org.tess, "mentee": org.mia, "program": ""}
    )
    assert response.status_code == 422
    body = page(response)
    assert "Nothing was saved. Correct these fields:" in body
    assert "Tess Tutor has no free place: their capacity is 0 mentees at a time." in body
    assert pair_of(app, org.tess, org.mia) is None
    fr = client.post(
        "/roi/tutoring/pairs/new",
        data={"tutor": org.tess, "mentee": org.mia, "program": ""},
        headers=FR,
    )
    # The message is text from Python, so Jinja escapes its apostrophe.
    assert "Tess Tutor n&#39;a plus de place libre : sa capacité est de 0 mentoré à la fois." in (
        page(fr)
    )


def test_ending_a_pair_needs_a_reason_and_ends_it(app, client, org):
    pair_id = pair_of(app, org.otto, org.bob).id
    login(client, "nadia@example.com")
    form_page = page(client.get(f"/roi/tutoring/pairs/{pair_id}/end"))
    assert "<h1>End the tutoring pair</h1>" in form_page
    assert "The tutor loses access to the mentee's learning data at once" in form_page
    missing = client.post(f"/roi/tutoring/pairs/{pair_id}/end", data={"reason": " "})
    assert missing.status_code == 422 and "Say why, in a few words." in page(missing)
    done = client.post(
        f"/roi/tutoring/pairs/{pair_id}/end", data={"reason": "Goal reached"}, follow_redirects=True
    )
    assert "The pair of Otto Other and Bob Learner has ended." in page(done)
    pair = pair_of(app, org.otto, org.bob)
    assert (pair.status, pair.active, pair.reason) == ("ended", False, "Goal reached")
    assert "Reason: Goal reached" in page(client.get("/roi/tutoring/pairs?status=ended"))
    fr = page(client.get(f"/roi/tutoring/pairs/{pair_id}/end", headers=FR))
    assert "<h1>Terminer le binôme de tutorat</h1>" in fr
    assert "Ce binôme n'est pas actif : il n'y a rien à terminer." in fr


def test_the_analyst_sets_tutor_capacities(app, client, org):
    login(client, "nadia@example.com")
    body = page(client.get("/roi/tutoring/tutors"))
    assert "<h1>Tutor capacities</h1>" in body
    assert '<th scope="row">Otto Other</th>' in body and "1 of 6" in body
    label = f'<label for="capacity-{org.tess}" class="visually-hidden">Capacity of Tess Tutor'
    assert label in body
    saved = client.post(
        f"/roi/tutoring/tutors/{org.otto}/capacity", data={"capacity": "3"}, follow_redirects=True
    )
    assert "The capacity of Otto Other is saved." in page(saved) and "1 of 3" in page(saved)
    bad = client.post(
        f"/roi/tutoring/tutors/{org.otto}/capacity", data={"capacity": "-1"}, follow_redirects=True
    )
    assert "Number must be between 0 and 100." in page(bad)
    with app.app_context():
        assert session().get(Learner, org.otto).tutor_capacity == 3
    fr = page(client.get("/roi/tutoring/tutors", headers=FR))
    assert "<h1>Capacités des tuteurs</h1>" in fr and "1 sur 3" in fr


def test_pair_pages_are_for_analysts(app, client, org):
    login(client, "mia@example.com")
    for url in ("/roi/tutoring/pairs", "/roi/tutoring/pairs/new", "/roi/tutoring/tutors"):
        assert client.get(url).status_code == 403
    client.post("/roi/logout")
    login(client, "tess@example.com")
    pair_id = pair_of(app, org.otto, org.bob).id
    assert client.get(f"/roi/tutoring/pairs/{pair_id}/end").status_code == 404  # not hers


# --- learner: find a tutor ----------------------------------------------------------------


def test_a_learner_finds_and_asks_a_tutor(app, client, org):
    login(client, "mia@example.com")
    body = page(client.get("/roi/tutoring/find"))
    assert "<h1>Find a tutor</h1>" in body
    assert '<optgroup label="Programs">' in body and "program:sales-path" in body
    assert "You have no pending or declined request." in body
    found = page(client.get("/roi/tutoring/find?target=program:sales-path"))
    assert "Tutors for “Sales Path”" in found
    # A learner is told a tutor scored high, never the tutor's score (their own data).
    assert "<li>Completed every module of “Sales Path” with a high score</li>" in found
    assert "92%" not in found
    assert "<li>Same team: Sales</li>" in found
    assert f'<label for="note-{org.tess}">Note for Tess Tutor (optional)</label>' in found
    assert "Ask Tess Tutor</button>" in found and "Ask Otto Other</button>" in found
    sent = client.post(
        f"/roi/tutoring/find/ask/{org.tess}",
        data={"target": "program:sales-path", "note": "Help me qualify leads"},
        follow_redirects=True,
    )
    after = page(sent)
    assert "Your request was sent to Tess Tutor." in after
    assert "waiting for an answer" in after and "Help me qualify leads" in after
    assert "Ask Tess Tutor" not in after  # a pending request is not suggested again
    pair = pair_of(app, org.tess, org.mia)
    assert (pair.status, pair.program_id, pair.request_note) == (
        "requested",
        org.program,
        "Help me qualify leads",
    )
    twice = client.post(
        f"/roi/tutoring/find/ask/{org.tess}",
        data={"target": "program:sales-path"},
        follow_redirects=True,
    )
    assert "You already asked Tess Tutor: wait for their answer." in page(twice)


def test_a_learner_sees_a_declined_request_and_french(app, client, org):
    with app.app_context():
        mia, tess = session().get(Learner, org.mia), session().get(Learner, org.tess)
        asked = pairs.request_tutor(mia, tess.id, note="SEO")
        pairs.decline_request(tess, asked.id, "Complet ce mois-ci")
        session().commit()
    login(client, "mia@example.com")
    body = page(client.get("/roi/tutoring/find?target=module:lead-qualification", headers=FR))
    assert "<h1>Trouver un tuteur</h1>" in body
    assert "Tuteurs pour « Lead Qualification »" in body
    assert "<li>A terminé « Lead Qualification » avec un score élevé</li>" in body
    assert "<li>Même équipe : Sales</li>" in body
    assert "Demander à Tess Tutor</button>" in body
    assert (
        "Vos demandes" in body and "refusée par le tuteur" in body and "Complet ce mois-ci" in body
    )


def test_find_a_tutor_is_for_learners(app, client, org):
    with app.app_context():
        make_person("hr@example.com", roles=("hr",))
        session().commit()
    login(client, "hr@example.com")
    assert client.get("/roi/tutoring/find").status_code == 403


# --- tutor: requests ---------------------------------------------------------------------


def _ask(app, org, mentee_id: int, note: str = "Please") -> int:
    with app.app_context():
        pair = pairs.request_tutor(session().get(Learner, mentee_id), org.tess, note=note)
        session().commit()
        return pair.id


def test_a_tutor_accepts_and_declines_requests(app, client, org):
    first = _ask(app, org, org.mia, "Help with leads")
    second = _ask(app, org, org.bob)
    login(client, "tess@example.com")
    body = page(client.get("/roi/tutoring/requests"))
    assert "<h1>Tutoring requests</h1>" in body
    assert "You follow 0 mentees; your capacity is 2." in body
    assert '<h3>Mia Mentee <small class="muted">Sales</small></h3>' in body
    assert "<blockquote>Help with leads</blockquote>" in body
    assert "Accept the request of Mia Mentee</button>" in body
    assert (
        f'<label for="reason-{second}">Why you decline the request of Bob Learner</label>' in body
    )
    accepted = page(client.post(f"/roi/tutoring/requests/{first}/accept", follow_redirects=True))
    assert "You now tutor Mia Mentee." in accepted
    assert "You follow 1 mentee; your capacity is 2." in accepted
    assert "End the pair with Mia Mentee" in accepted
    empty = page(
        client.post(
            f"/roi/tutoring/requests/{second}/decline", data={"reason": ""}, follow_redirects=True
        )
    )
    assert "Say why, in a few words." in empty
    declined = page(
        client.post(
            f"/roi/tutoring/requests/{second}/decline",
            data={"reason": "Full"},
            follow_redirects=True,
        )
    )
    assert "You declined the request of Bob Learner." in declined
    assert "No request is waiting for your answer." in declined
    assert (pair_of(app, org.tess, org.mia).status, pair_of(app, org.tess, org.bob).status) == (
        "active",
        "declined",
    )


def test_a_tutor_cannot_answer_another_tutors_request_and_reads_french(app, client, org):
    asked = _ask(app, org, org.mia)
    login(client, "otto@example.com")
    other = page(client.post(f"/roi/tutoring/requests/{asked}/accept", follow_redirects=True))
    assert "There is no such tutoring pair." in other
    assert pair_of(app, org.tess, org.mia).status == "requested"
    fr = page(client.get("/roi/tutoring/requests", headers=FR))
    assert "<h1>Demandes de tutorat</h1>" in fr
    assert "Vous suivez 1 mentoré ; votre capacité est de 6." in fr
    assert "Aucune demande n'attend votre réponse." in fr
    assert "Terminer le binôme avec Bob Learner" in fr
    client.post("/roi/logout")
    login(client, "mia@example.com")
    assert client.get("/roi/tutoring/requests").status_code == 403
