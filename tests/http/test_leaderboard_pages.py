"""Leaderboard pages and the settings page: tabs, my position, the visibility switch."""

from __future__ import annotations

import re

import pytest

from conftest import login
from factories import PASSWORD, make_program, make_team
from leaderboard_factories import at, make_enrollment, make_everywhere, make_learners
from lms_roi.db import session
from lms_roi.gamification import pseudonyms
from lms_roi.models import Learner


def _text(response) -> str:
    return response.get_data(as_text=True)


def _board_names(page: str) -> list[str]:
    return re.findall(r"<span data-authored>([^<]+)</span>", page.split('id="top"')[1])


@pytest.fixture
def sales(app, db):
    """Team sales: Ana 300, Bo 250, Cy 200 (XP in every window); Di 100 in support."""
    with app.app_context():
        team, support = make_team("sales", "Sales"), make_team("support", "Support")
        people = make_learners("ana bo cy", team=team, password=PASSWORD)
        people.update(make_learners("di", team=support))
        for hour, (name, xp) in enumerate((("ana", 300), ("bo", 250), ("cy", 200), ("di", 100))):
            make_everywhere(people[name], xp, at(hour))
        program = make_program("onboarding")
        make_enrollment(people["bo"], program)
        ids = {name: person.id for name, person in people.items()}
        db.session.commit()
    return ids


def test_the_board_shows_tabs_the_top_and_my_position(app, client, sales):
    login(client, "bo@example.com")
    page = _text(client.get("/roi/leaderboards"))
    boards = page.split('aria-label="Boards"')[1].split("</nav>")[0]
    tabs = re.findall(r'href="/roi/leaderboards\?scope=([^&"]+)&amp;window=week"', boards)
    assert tabs == ["org", "team:sales", "program:onboarding", "teams"]
    assert 'aria-current="page">Organisation</a>' in page
    assert 'aria-current="page">This week</a>' in page
    assert 'href="/roi/leaderboards?scope=org&amp;window=month"' in page
    assert _board_names(page) == ["Ana", "Bo", "Cy", "Di"]
    assert "You are number 2 with 250 XP." in page
    team = _text(client.get("/roi/leaderboards?scope=team:sales&window=all"))
    assert _board_names(team) == ["Ana", "Bo", "Cy"]
    program = _text(client.get("/roi/leaderboards?scope=program:onboarding&window=month"))
    assert _board_names(program) == ["Bo"] and "You are number 1 with 250 XP." in program


def test_a_board_the_learner_has_no_tab_for_is_not_found(app, client, sales):
    login(client, "ana@example.com")
    assert client.get("/roi/leaderboards?scope=program:onboarding").status_code == 404
    assert client.get("/roi/leaderboards?scope=team:support").status_code == 404
    assert client.get("/roi/leaderboards?window=year").status_code == 404


def test_the_team_board_explains_the_small_teams(app, client, sales):
    login(client, "ana@example.com")
    page = _text(client.get("/roi/leaderboards?scope=teams&window=week"))
    assert "No team has enough active members in this period yet." in page
    assert "2 teams are not ranked: fewer than 5 active members." in page
    assert "Your team is one of them." in page


def test_the_settings_switch_applies_to_the_boards_at_once(app, db, client, sales):
    login(client, "bo@example.com")
    form = _text(client.get("/roi/settings"))
    with app.app_context():
        alias = pseudonyms.candidate(sales["bo"])
    assert f"<strong data-authored>{alias}</strong>" in form
    assert 'checked id="visibility-0"' in form and "Others see your pseudonym" in form
    saved = client.post("/roi/settings", data={"visibility": "pseudonymous"})
    assert saved.status_code == 302 and saved.headers["Location"] == "/roi/settings"
    assert _board_names(_text(client.get("/roi/leaderboards"))) == ["Ana", alias, "Cy", "Di"]
    with app.app_context():
        assert session().get(Learner, sales["bo"]).pseudonym == alias

    client.post("/roi/settings", data={"visibility": "hidden"})
    mine = _text(client.get("/roi/leaderboards"))
    assert _board_names(mine) == ["Ana", "Cy", "Di"]
    assert "You are hidden: others don't see you." in mine
    assert "you would be number 2 with 250 XP" in mine
    client.post("/roi/logout")
    login(client, "cy@example.com")
    theirs = _text(client.get("/roi/leaderboards"))
    assert _board_names(theirs) == ["Ana", "Cy", "Di"] and "You are number 2" in theirs


def test_settings_refuse_an_unknown_choice(app, client, sales):
    login(client, "bo@example.com")
    refused = client.post("/roi/settings", data={"visibility": "famous"})
    assert refused.status_code == 400 and 'id="visibility-error"' in _text(refused)


def test_the_settings_form_needs_its_csrf_token(app, client, sales):
    login(client, "bo@example.com")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = _text(client.get("/roi/settings"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        forged = client.post("/roi/settings", data={"visibility": "hidden"})
        assert forged.status_code == 400
        with app.app_context():
            assert session().get(Learner, sales["bo"]).leaderboard_visibility == "named"
        saved = client.post("/roi/settings", data={"visibility": "hidden", "csrf_token": token})
        assert saved.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert session().get(Learner, sales["bo"]).leaderboard_visibility == "hidden"
