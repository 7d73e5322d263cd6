"""Standalone sign-in, sign-out, CSRF and the login rate limit."""

from __future__ import annotations

from conftest import login
from factories import make_person


def _person(app, db, **kwargs):
    with app.app_context():
        person = make_person(**kwargs)
        db.session.commit()
        return person.external_id


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/roi/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/roi/login?next=")


def test_login_with_right_password_reaches_home(app, db, client):
    _person(app, db, email="ana@example.com", name="Ana Lima")
    response = login(client, "ANA@example.com ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/roi/"
    home = client.get("/roi/")
    assert home.status_code == 302 and home.headers["Location"] == "/roi/learning"
    page = client.get("/roi/learning")
    assert page.status_code == 200
    assert "Hello Ana Lima" in page.get_data(as_text=True)


def test_wrong_password_is_refused_with_401(app, db, client):
    _person(app, db, email="ana@example.com")
    response = login(client, "ana@example.com", "wrong-password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)
    assert client.get("/roi/learning").headers["Location"].startswith("/roi/login")


def test_unknown_email_gets_the_same_answer(client):
    response = login(client, "nobody@example.com")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_inactive_person_cannot_sign_in(app, db, client):
    with app.app_context():
        person = make_person(email="ana@example.com")
        person.active = False
        db.session.commit()
    assert login(client, "ana@example.com").status_code == 401


def test_next_parameter_never_leaves_the_site(app, db, client):
    _person(app, db, email="ana@example.com")
    response = client.post(
        "/roi/login?next=https://evil.example/steal",
        data={"email": "ana@example.com", "password": "correct-horse-1"},
    )
    assert response.headers["Location"] == "/roi/"


def test_logout_signs_out(app, db, client):
    _person(app, db, email="ana@example.com")
    login(client, "ana@example.com")
    assert client.post("/roi/logout").status_code == 302
    assert client.get("/roi/learning").headers["Location"].startswith("/roi/login")


def test_login_form_rejects_a_post_without_csrf_token(database_url, db, app_factory):
    app = app_factory(database_url, WTF_CSRF_ENABLED=True)
    response = app.test_client().post(
        "/roi/login", data={"email": "ana@example.com", "password": "x"}
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_login_is_rate_limited(database_url, db, app_factory):
    app = app_factory(database_url, RATELIMIT_ENABLED=True, LMS_ROI_LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [login(client, "nobody@example.com").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_root_redirects_to_the_plugin_home(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/roi/"
