"""API tokens: roles that narrow the holder's, expiry, revocation, last use, hashed storage;
and the admin pages that create (shown once), list and revoke them."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from conftest import login
from factories import make_person
from lms_roi.db import utcnow
from lms_roi.errors import DomainError
from lms_roi.models import ApiToken, AuditLog
from lms_roi.services.tokens import find_holder, issue_api_token, touch_token

REPORT = "/roi/api/v1/reports/roi"
BADGES = "/roi/api/v1/badges"


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _token(app, db, roles=("analyst", "learner"), **kwargs) -> str:
    with app.app_context():
        holder = make_person("nadia@example.com", roles=roles)
        clear = issue_api_token(holder, name="reporting", **kwargs)[1]
        db.session.commit()
    return clear


def _stored(db) -> ApiToken:
    """The first token (call inside an app context)."""
    return db.session.scalar(select(ApiToken).order_by(ApiToken.id))


def test_token_roles_narrow_the_holder(app, db, client):
    learner_only = _token(app, db, scopes=["learner"])
    refused = client.get(REPORT, headers=_auth(learner_only))
    assert refused.status_code == 403 and refused.json["code"] == "forbidden"
    # Learners see active badges only: the analyst's view is out of this token's reach.
    assert client.get(BADGES, headers=_auth(learner_only)).status_code == 200
    with app.app_context():
        holder = _stored(db).learner
        every_role = issue_api_token(holder, name="all")[1]
        db.session.commit()
    assert client.get(REPORT, headers=_auth(every_role)).status_code == 200
    # The narrowing lasts one call: the holder keeps every role afterwards.
    with app.app_context():
        assert _stored(db).learner.roles == {"analyst", "learner"}


def test_a_role_taken_from_the_holder_leaves_the_token(app, db, client):
    analyst = _token(app, db, scopes=["analyst"])
    assert client.get(REPORT, headers=_auth(analyst)).status_code == 200
    with app.app_context():
        holder = _stored(db).learner
        holder.role_grants[:] = [g for g in holder.role_grants if g.role != "analyst"]
        db.session.commit()
    assert client.get(REPORT, headers=_auth(analyst)).status_code == 403


def test_roles_the_holder_lacks_are_refused(app, db):
    with app.app_context():
        holder = make_person("leo@example.com", roles=("learner",))
        with pytest.raises(DomainError) as refused:
            issue_api_token(holder, scopes=["admin"])
    assert (refused.value.code, refused.value.field) == ("role_not_held", "roles")


def test_expired_and_revoked_tokens_are_401(app, db, client):
    expired = _token(app, db, expires_at=utcnow() + timedelta(seconds=1))
    with app.app_context():
        token = _stored(db)
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    answer = client.get(REPORT, headers=_auth(expired))
    assert answer.status_code == 401 and answer.json["code"] == "unauthenticated"
    with app.app_context():
        holder = _stored(db).learner
        live = issue_api_token(holder, name="live")[1]
        db.session.commit()
    assert client.get(REPORT, headers=_auth(live)).status_code == 200
    with app.app_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.name == "live"))
        token.revoked_at = utcnow()
        db.session.commit()
    assert client.get(REPORT, headers=_auth(live)).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(app, db, client):
    clear = _token(app, db)
    with app.app_context():
        assert _stored(db).last_used_at is None
    client.get(REPORT, headers=_auth(clear))
    with app.app_context():
        first = _stored(db).last_used_at
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    client.get(REPORT, headers=_auth(clear))
    with app.app_context():
        assert _stored(db).last_used_at == first
        token = _stored(db)
        assert touch_token(token, first + timedelta(seconds=59)) is False
        assert touch_token(token, first + timedelta(seconds=61)) is True


def test_only_a_hash_is_stored(app, db):
    clear = _token(app, db)
    with app.app_context():
        stored = _stored(db)
    assert stored.token_hash == hashlib.sha256(clear.encode()).hexdigest()
    assert clear.split("_")[2] not in (stored.token_hash, stored.prefix, stored.name)


def _admin(app, db, client):
    with app.app_context():
        make_person("root@example.com", roles=("admin",), name="Root Admin")
        make_person("nadia@example.com", roles=("analyst", "learner"), name="Nadia Benali")
        db.session.commit()
    login(client, "root@example.com")


def test_admin_creates_a_token_shown_once(app, db, client):
    _admin(app, db, client)
    form = client.get("/roi/admin/api-tokens/new?person=nadia@example.com")
    assert form.status_code == 200 and 'value="nadia@example.com"' in form.get_data(as_text=True)
    created = client.post(
        "/roi/admin/api-tokens/new",
        data={
            "person": "nadia@example.com",
            "name": "BI export",
            "roles": ["analyst"],
            "expires_on": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    page = created.get_data(as_text=True)
    clear = page.split('data-testid="api-token" size="70"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert clear.startswith("lmsroi_")
    assert client.get(REPORT, headers=_auth(clear)).status_code == 200
    listing = client.get("/roi/admin/api-tokens").get_data(as_text=True)
    assert "BI export" in listing and "Nadia Benali" in listing and clear not in listing
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.scopes == ["analyst"] and token.expires_at > utcnow() + timedelta(days=29)
        audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "api_token.created"))
        assert audit.target_id == token.prefix and audit.actor_id is not None


def test_reloading_the_created_page_creates_no_second_token(app, db, client):
    _admin(app, db, client)
    form = client.get("/roi/admin/api-tokens/new").get_data(as_text=True)
    once = re.search(r'name="once" type="hidden" value="([0-9a-f]+)"', form).group(1)
    data = {"person": "nadia@example.com", "name": "BI export", "roles": ["analyst"]}
    assert client.post("/roi/admin/api-tokens/new", data=data | {"once": once}).status_code == 200
    again = client.post("/roi/admin/api-tokens/new", data=data | {"once": once})
    assert again.status_code == 302 and again.headers["Location"].endswith("/roi/admin/api-tokens")
    listing = client.get("/roi/admin/api-tokens").get_data(as_text=True)
    assert "This form was already sent and its token created; find it below." in listing
    with app.app_context():
        assert db.session.query(ApiToken).count() == 1


def test_admin_refuses_a_role_the_person_lacks_and_an_unknown_person(app, db, client):
    _admin(app, db, client)
    refused = client.post(
        "/roi/admin/api-tokens/new",
        data={"person": "nadia@example.com", "name": "x", "roles": ["admin"]},
    )
    assert refused.status_code == 422
    assert "Nadia Benali does not have the role admin" in refused.get_data(as_text=True)
    french = client.post(
        "/roi/admin/api-tokens/new",
        data={"person": "nadia@example.com", "name": "x", "roles": ["hr"]},
        headers={"Accept-Language": "fr"},
    )
    # The role by its name in the page's language, not its key.
    assert "Nadia Benali n’a pas le rôle RH" in french.get_data(as_text=True)
    nobody = client.post(
        "/roi/admin/api-tokens/new", data={"person": "ghost@example.com", "name": "x"}
    )
    assert nobody.status_code == 422
    assert "Nobody has this email or external id." in nobody.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ApiToken).count() == 0


def test_admin_revokes_a_token(app, db, client):
    _admin(app, db, client)
    with app.app_context():
        clear = issue_api_token(find_holder("nadia@example.com"), name="old")[1]
        db.session.commit()
    prefix = clear.split("_")[1]
    listing = client.get("/roi/admin/api-tokens").get_data(as_text=True)
    assert "Revoke the token old" in listing
    done = client.post(f"/roi/admin/api-tokens/{prefix}/revoke", follow_redirects=True)
    assert "The token old was revoked." in done.get_data(as_text=True)
    assert client.get(REPORT, headers=_auth(clear)).status_code == 401
    assert client.post("/roi/admin/api-tokens/nothing/revoke").status_code == 404


def test_only_admins_see_the_token_pages(app, db, client):
    with app.app_context():
        make_person("nadia@example.com", roles=("analyst",))
        db.session.commit()
    login(client, "nadia@example.com")
    assert client.get("/roi/admin/api-tokens").status_code == 403
    assert client.get("/roi/admin/api-tokens/new").status_code == 403
