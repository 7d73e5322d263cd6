"""The analyst page "Does tutoring pay?" and its CSV export, in English and French.

Data: ``build_organisation`` of the unit tests (module ``coaching``; mentees complete
5 of 6, non-mentees 5 of 7; normalised gains 0.5 and 0.2; lead effect 3 a month worth
3,600 a year per mentee; 160 of tutors' time for 6 mentees).
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete, select

from conftest import login
from factories import make_person
from lms_roi.db import session
from lms_roi.models import Completion, Learner, Module, ModuleProgress
from tutoring_value_factories import build_organisation

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


@pytest.fixture
def analyst(app, db, client):
    with app.app_context():
        build_organisation()
        make_person("nadia@example.com", roles=("analyst",))
        db.session.commit()
    login(client, "nadia@example.com")
    return client


def _text(html: str) -> str:
    """The page's text in one line (tags dropped), to read sentences across cells."""
    import re

    # Only ASCII blanks: the no-break spaces of French numbers stay as they are.
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_page_compares_mentees_and_explains_each_figure(analyst):
    response = analyst.get("/roi/analytics/tutoring/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = _text(page)
    assert "<h1>Does tutoring pay?</h1>" in page
    # the cost per mentee: 160 / 6
    assert '<span class="figure">€26.67</span> tutoring cost per mentee' in page
    assert (
        "Tutors' time in 6 sessions (4.0 hours) at each tutor's hourly cost comes to €160.00 "
        "for 6 mentees: €26.67 per mentee." in text
    )
    # overall and per module: completion 83.3 % vs 71.4 % (+11.9 points), gain 50 % vs 20 %
    assert "Completion rate 83.3% 71.4% +11.9 pts" in text
    assert "Knowledge gain 50.0% 20.0% +30.0 pts" in text
    assert "Coaching 83.3% 71.4% +11.9 pts 50.0% 20.0% +30.0 pts" in text
    # the KPI effect, its CI and its money per mentee, with one sentence saying what it is
    assert "Coaching Leads +6 +3 +3 [" in text and "€3,600.00" in text
    assert "worth €3,600.00 per mentee over 12 months" in text
    assert "The share of learners who started a module and completed it; 1 module" in text
    assert "read the effect as an association, not as proof" in text
    assert 'href="/roi/analytics/tutoring/export.csv"' in page


def test_the_page_in_french(analyst):
    page = analyst.get("/roi/analytics/tutoring/", headers=FR).get_data(as_text=True)
    text = _text(page)
    assert '<html lang="fr">' in page
    assert "<h1>Le tutorat est-il rentable ?</h1>" in page
    assert '<span class="figure">26,67\xa0€</span> coût du tutorat par mentoré' in page
    assert "Taux d'achèvement 83,3\xa0% 71,4\xa0% +11,9 pts" in text
    assert "Gain de connaissances 50,0\xa0% 20,0\xa0% +30,0 pts" in text
    assert "3\u202f600,00\xa0€ par mentoré sur 12 mois" in text


def test_small_groups_are_not_shown_and_say_why(app, db, analyst):
    with app.app_context():
        # n1 and n2 took nothing: 5 non-mentee takers, 3 of them completers with KPI values.
        gone = select(Learner.id).where(Learner.email.in_(["n1@example.com", "n2@example.com"]))
        session().execute(delete(Completion).where(Completion.learner_id.in_(gone)))
        session().execute(delete(ModuleProgress).where(ModuleProgress.learner_id.in_(gone)))
        db.session.commit()
    text = _text(analyst.get("/roi/analytics/tutoring/").get_data(as_text=True))
    assert "Coaching 83.3% 60.0% +23.3 pts" in text  # 3 of the 5 completed
    assert "Leads Not shown: fewer than 5 non-mentees (3)." in text
    assert "Not shown: fewer than 5 mentees" not in text


def test_the_csv_export_is_unrounded_translated_and_formula_safe(app, db, analyst):
    with app.app_context():
        session().query(Module).filter_by(slug="coaching").one().slug = "=coaching"
        db.session.commit()
    response = analyst.get("/roi/analytics/tutoring/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="lms-roi-tutoring-'
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_figure = {(r["Scope"], r["Figure"]): r for r in rows}
    completion = by_figure[("module", "completion_rate")]
    assert completion["Module"] == "'=coaching"  # not run as a formula
    assert float(completion["Mentees"]) == 500 / 6 and completion["Mentees"] == repr(500 / 6)
    assert float(completion["Non-mentees"]) == 500 / 7
    assert (completion["Mentees counted"], completion["Non-mentees counted"]) == ("6", "7")
    effect = by_figure[("module", "kpi_effect")]
    assert (effect["KPI"], float(effect["Difference (mentees minus non-mentees)"])) == ("leads", 3)
    assert float(effect["Standard error"]) == pytest.approx(2.5**0.5, rel=1e-12)
    cost = by_figure[("overall", "tutoring_cost_per_mentee")]
    assert cost["Mentees"] == repr(160 / 6) and cost["Mentees counted"] == "6"
    assert by_figure[("overall", "completion_rate")]["Modules"] == "1"
    assert all(r["Not shown because"] == "" for r in rows)
    french = analyst.get("/roi/analytics/tutoring/export.csv", headers=FR).get_data(as_text=True)
    header = next(csv.reader(io.StringIO(french)))
    assert header[:5] == ["Portée", "Module", "Indicateur", "KPI", "Mentorés"]


@pytest.mark.parametrize("roles", [("learner",), ("learner", "tutor"), ("hr",)])
def test_only_analysts_and_admins_open_the_page(app, db, client, roles):
    with app.app_context():
        make_person("leo@example.com", roles=roles)
        db.session.commit()
    login(client, "leo@example.com")
    assert client.get("/roi/analytics/tutoring/").status_code == 403
    assert client.get("/roi/analytics/tutoring/export.csv").status_code == 403


def test_an_empty_organisation_says_so(app, db, client):
    with app.app_context():
        make_person("nadia@example.com", roles=("analyst",))
        db.session.commit()
    login(client, "nadia@example.com")
    text = _text(client.get("/roi/analytics/tutoring/").get_data(as_text=True))
    assert "No tutoring session has been logged yet: there is no mentee to compare." in text
    assert "Nobody has started a module yet." in text
