"""Language choice, the header switch, locale formats, homes and navigation per role."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from conftest import login
from factories import make_person
from lms_roi.i18n import money, number, percent, select_locale, short_date
from lms_roi.models import Learner


def _signed_in(app, db, client, email="ana@example.com", roles=("learner",), locale=None):
    with app.app_context():
        person = make_person(email, roles=roles)
        person.locale = locale
        db.session.commit()
    login(client, email)
    return client


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "fr",
            ["263\u202f923,82\xa0€", "76,5\xa0%", "27 nov. 2026", "1\u202f234\u202f568", "0,1234"],
        ),
        ("en", ["€263,923.82", "76.5%", "Nov 27, 2026", "1,234,568", "0.1234"]),
    ],
)
def test_numbers_money_percent_and_dates_follow_the_locale(app, locale, expected):
    with app.test_request_context(headers={"Accept-Language": locale}):
        formatted = [
            money(263923.82), percent(76.5), short_date(date(2026, 11, 27)),
            number(1234567.8), number(0.12345),
        ]  # fmt: skip
    assert formatted == expected


def test_empty_values_show_a_dash(app):
    with app.test_request_context():
        assert [money(None), percent(None), short_date(None), number(float("nan"))] == ["–"] * 4


def test_locale_comes_from_profile_then_switch_then_browser_then_default(app, db, client):
    with app.test_request_context(headers={"Accept-Language": "de, fr;q=0.5"}):
        assert select_locale() == "fr"
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert select_locale() == "en"
    app.config["LMS_ROI_DEFAULT_LOCALE"] = "fr"
    try:
        with app.test_request_context(headers={"Accept-Language": "de"}):
            assert select_locale() == "fr"
    finally:
        app.config["LMS_ROI_DEFAULT_LOCALE"] = "en"
    _signed_in(app, db, client, locale="fr")
    page = client.get("/roi/learning", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in page and "Mon apprentissage" in page


def test_the_header_switch_remembers_the_choice_on_the_profile(app, db, client):
    _signed_in(app, db, client)
    english = client.get("/roi/learning", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in english and ">Français</button>" in english
    response = client.post("/roi/language", data={"locale": "fr", "next": "/roi/modules"})
    assert response.status_code == 302 and response.headers["Location"] == "/roi/modules"
    page = client.get("/roi/modules", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in page and ">English</button>" in page
    with app.app_context():
        locale = select(Learner.locale).where(Learner.email == "ana@example.com")
        assert db.session.scalar(locale) == "fr"


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "/\t/evil.example", "/\\evil.example", "/\n/x", "https://e.x/"]
)
def test_the_language_switch_never_leaves_the_site(client, target):
    response = client.post("/roi/language", data={"locale": "fr", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/roi/"


def test_a_forged_language_form_changes_nothing_and_goes_home(database_url, db, app_factory):
    client = app_factory(database_url, WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/roi/language", data={"locale": "fr", "next": "/roi/modules"})
    assert response.headers["Location"] == "/roi/"
    assert '<html lang="en">' in client.get("/roi/login").get_data(as_text=True)


def test_the_switch_works_before_signing_in(client):
    response = client.post("/roi/language", data={"locale": "fr", "next": "/roi/login?x=1"})
    assert response.headers["Location"] == "/roi/login?x=1"
    page = client.get("/roi/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    client.post("/roi/language", data={"locale": "xx"})  # unknown: ignored
    assert '<html lang="fr">' in client.get("/roi/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("roles", "home"),
    [
        (("learner",), "/roi/learning"),
        (("tutor", "learner"), "/roi/tutor/"),
        (("analyst", "learner"), "/roi/analytics/"),
        (("hr",), "/roi/hr/"),
        (("admin",), "/roi/admin/people"),
    ],
)
def test_each_person_lands_on_the_home_of_their_main_role(app, db, client, roles, home):
    _signed_in(app, db, client, roles=roles)
    assert client.get("/roi/").headers["Location"] == home
    assert client.get(home).status_code == 200


def _header_links(page: str) -> list[str]:
    nav = page.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    return [part.split('"')[0] for part in nav.split('href="')[1:]]


@pytest.mark.parametrize(
    ("roles", "links"),
    [
        (
            ("learner",),
            [
                "/roi/learning",
                "/roi/modules",
                "/roi/paths",
                "/roi/reviews",
                "/roi/leaderboards",
                "/roi/mentoring/",
            ],
        ),  # fmt: skip
        (("hr",), ["/roi/leaderboards", "/roi/hr/"]),
        (
            ("tutor", "learner"),
            [
                "/roi/learning",
                "/roi/modules",
                "/roi/paths",
                "/roi/reviews",
                "/roi/leaderboards",
                "/roi/tutor/",
                "/roi/mentoring/",
                "/roi/tutoring/requests",
            ],
        ),  # fmt: skip
        (
            ("analyst",),
            [
                "/roi/analytics/",
                "/roi/analytics/tutoring/",
                "/roi/analytics/programs/",
                "/roi/tutoring/pairs",
                "/roi/authoring/",
                "/roi/badges/manage/",
                "/roi/data/",
                "/roi/data/kpis",
                "/roi/xapi-activities/",
            ],
        ),  # fmt: skip
        (
            ("admin",),
            [
                "/roi/analytics/",
                "/roi/analytics/tutoring/",
                "/roi/analytics/programs/",
                "/roi/tutoring/pairs",
                "/roi/authoring/",
                "/roi/badges/manage/",
                "/roi/data/",
                "/roi/data/kpis",
                "/roi/xapi-activities/",
                "/roi/hr/",
                "/roi/admin/people",
            ],
        ),  # fmt: skip
    ],
)
def test_the_header_shows_exactly_the_areas_of_the_roles_held(app, db, client, roles, links):
    _signed_in(app, db, client, roles=roles)
    home = client.get("/roi/").headers["Location"]
    assert _header_links(client.get(home).get_data(as_text=True)) == links


def test_every_page_names_a_favicon_and_the_brand_leads_home(app, db, client):
    _signed_in(app, db, client, roles=("hr",))
    page = client.get("/roi/hr/").get_data(as_text=True)
    assert 'rel="icon"' in page and 'class="brand" href="/roi/hr/"' in page
    with client.get("/roi/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data(as_text=True).startswith("<svg")


def test_a_regional_locale_on_the_profile_picks_its_language(app, db, client):
    _signed_in(app, db, client, locale="fr_FR")
    page = client.get("/roi/learning", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
