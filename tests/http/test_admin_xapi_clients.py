"""Admin: xAPI clients are created (secret shown once, kept hashed) and revoked in the web UI."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from conftest import login
from factories import make_person
from lms_roi.db import session
from lms_roi.models import AuditLog, XapiClient
from xapi_http import Lrs

PAGE = "/roi/admin/xapi-clients"


@pytest.fixture
def admin(app, db, client):
    with app.app_context():
        make_person("root@example.com", roles=("admin",))
        db.session.commit()
    login(client, "root@example.com")
    return client


def test_an_admin_creates_a_client_sees_its_secret_once_and_it_works(app, admin):
    page = admin.get(PAGE).get_data(as_text=True)
    assert "No client yet" in page and "http://localhost/roi/xapi/" in page
    created = admin.post(PAGE, data={"name": "Moodle (sales)"})
    assert created.status_code == 200
    html = created.get_data(as_text=True)
    key = re.search(r'data-testid="new-key">([0-9a-f]+)<', html).group(1)
    secret = re.search(r'data-testid="new-secret">([^<]+)<', html).group(1)
    assert "Copy the secret now" in html
    with app.app_context():
        stored = session().scalar(select(XapiClient).where(XapiClient.key == key))
        assert stored.name == "Moodle (sales)" and stored.created_by.email == "root@example.com"
        assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in stored.secret_hash
        audit = session().scalar(select(AuditLog).where(AuditLog.action == "xapi_client.created"))
        assert audit.target_id == key
    again = admin.get(PAGE).get_data(as_text=True)
    assert key in again and secret not in again and "never" in again
    lrs = Lrs(app.test_client(), key, secret)
    assert lrs.get().status_code == 200
    assert "never" not in admin.get(PAGE).get_data(as_text=True)  # last used is shown


def test_sending_the_form_again_creates_no_second_client(app, admin):
    page = admin.get(PAGE).get_data(as_text=True)
    once = re.search(r'name="once" type="hidden" value="([0-9a-f]+)"', page).group(1)
    assert admin.post(PAGE, data={"name": "Moodle", "once": once}).status_code == 200
    # The browser's "reload" after the POST sends the same form again.
    again = admin.post(PAGE, data={"name": "Moodle", "once": once})
    assert again.status_code == 302 and again.headers["Location"].endswith(PAGE)
    listing = admin.get(PAGE).get_data(as_text=True)
    assert "This form was already sent and its client created; find it below." in listing
    with app.app_context():
        assert session().query(XapiClient).count() == 1
    # A fresh form creates the next one.
    fresh = re.search(r'name="once" type="hidden" value="([0-9a-f]+)"', listing).group(1)
    assert fresh != once
    assert admin.post(PAGE, data={"name": "Moodle 2", "once": fresh}).status_code == 200
    with app.app_context():
        assert session().query(XapiClient).count() == 2


def test_revoking_a_client_stops_it_at_once(app, admin):
    html = admin.post(PAGE, data={"name": "Old LMS"}).get_data(as_text=True)
    key = re.search(r'data-testid="new-key">([0-9a-f]+)<', html).group(1)
    secret = re.search(r'data-testid="new-secret">([^<]+)<', html).group(1)
    revoked = admin.post(f"{PAGE}/{key}/revoke", follow_redirects=True)
    text = revoked.get_data(as_text=True)
    assert "The client “Old LMS” is revoked: it can no longer send statements." in text
    assert "revoked on" in text and 'aria-label="Revoke “Old LMS”"' not in text
    assert Lrs(app.test_client(), key, secret).get().status_code == 401
    assert admin.post(f"{PAGE}/unknown/revoke").status_code == 404


def test_a_client_needs_a_name(app, admin):
    refused = admin.post(PAGE, data={"name": "  "})
    assert refused.status_code == 422
    assert "Give the client a name." in refused.get_data(as_text=True)
    with app.app_context():
        assert session().scalar(select(XapiClient)) is None


@pytest.mark.parametrize("roles", [("learner",), ("analyst", "hr", "tutor")])
def test_only_admins_manage_clients(app, db, client, roles):
    with app.app_context():
        make_person("ana@example.com", roles=roles)
        db.session.commit()
    login(client, "ana@example.com")
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"name": "x"}).status_code == 403


def test_the_people_page_links_the_clients_page(admin):
    assert f'href="{PAGE}"' in admin.get("/roi/admin/people").get_data(as_text=True)
