"""Every endpoint declares who may use it, and the declaration is enforced."""

from __future__ import annotations

import pytest
from flask import Flask

from conftest import login
from factories import make_person
from lms_roi.policy import AUTHENTICATED, PUBLIC, policy, view_policy


def undeclared_endpoints(app: Flask, prefix: str = "") -> list[str]:
    """Endpoints (beyond static files, public by nature) without a declared policy."""
    missing = []
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        if endpoint == "static" or endpoint.endswith(".static"):
            continue
        if prefix and not endpoint.startswith(prefix):
            continue
        if view_policy(app.view_functions[endpoint]) is None:
            missing.append(endpoint)
    return missing


def test_every_standalone_endpoint_declares_a_policy(app):
    assert len(list(app.url_map.iter_rules())) > 5
    assert undeclared_endpoints(app) == []


def test_the_walker_catches_an_undeclared_endpoint(database_url, app_factory):
    app = app_factory(database_url)
    app.add_url_rule("/roi/forgotten", "forgotten", lambda: "open")
    assert undeclared_endpoints(app) == ["forgotten"]


def test_policy_rejects_unknown_roles():
    with pytest.raises(ValueError, match="policy needs roles"):
        policy("superuser")
    with pytest.raises(ValueError):
        policy()


def test_declared_policy_is_readable():
    @policy("analyst", "admin")
    def report():
        return "ok"

    assert view_policy(report).roles == {"analyst", "admin"}
    assert view_policy(policy(PUBLIC)(lambda: "x")).public
    assert not view_policy(policy(AUTHENTICATED)(lambda: "x")).public


@pytest.mark.parametrize(
    ("roles", "expected"),
    [(("learner",), 403), (("hr", "tutor"), 403), (("learner", "admin"), 200)],
)
def test_admin_pages_need_the_admin_role(app, db, client, roles, expected):
    with app.app_context():
        make_person("ana@example.com", roles=roles)
        db.session.commit()
    login(client, "ana@example.com")
    response = client.get("/roi/admin/people")
    assert response.status_code == expected
    if expected == 403:
        assert "Your roles do not give access" in response.get_data(as_text=True)


def test_deactivated_person_loses_access_at_once(app, db, client):
    with app.app_context():
        make_person("ana@example.com", roles=("learner", "admin"))
        db.session.commit()
    login(client, "ana@example.com")
    assert client.get("/roi/admin/people").status_code == 200
    with app.app_context():
        from sqlalchemy import select

        from lms_roi.models import Learner

        db.session.scalar(select(Learner)).active = False
        db.session.commit()
    assert client.get("/roi/admin/people").status_code == 302
