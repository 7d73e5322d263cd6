"""lms-roi mounted into a host Flask app that owns its db, users and login manager."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_login import LoginManager, UserMixin, login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, inspect, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lms_roi import LmsRoi
from lms_roi.models import Learner, RoleGrant
from lms_roi.policy import view_policy


def build_host(tmp_path, _csrf=None, _babel=None, **config):
    """A minimal learning platform: its own SQLAlchemy, User model and LoginManager."""

    class HostBase(DeclarativeBase):
        pass

    host_db = SQLAlchemy(model_class=HostBase)

    class User(UserMixin, host_db.Model):
        __tablename__ = "host_user"
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(String(200))
        name: Mapped[str] = mapped_column(String(200))

    app = Flask("host")
    app.config.update(
        SECRET_KEY="host-secret",
        SQLALCHEMY_DATABASE_URI="sqlite:///" + str(tmp_path / "host.sqlite3"),
        TESTING=True,
        **config,
    )
    host_db.init_app(app)
    if _csrf is not None:
        _csrf(app)
    if _babel is not None:
        _babel(app)
    manager = LoginManager(app)
    manager.login_view = "host_login_page"
    manager.user_loader(lambda user_id: host_db.session.get(User, int(user_id)))

    @app.route("/login")
    def host_login_page():
        return "host login page"

    @app.route("/login-as/<int:user_id>", methods=["GET", "POST"])
    def host_login(user_id):
        login_user(host_db.session.get(User, user_id))
        return "ok"

    ext = LmsRoi()
    ext.init_app(app, db=host_db)
    with app.app_context():
        host_db.create_all()
        from lms_roi.migrate import upgrade

        upgrade()
        host_db.session.add(User(id=7, email="Lea@Host.example", name="Léa Host"))
        host_db.session.commit()
    return app, host_db, ext


def test_host_user_reaches_plugin_pages_as_a_learner(tmp_path):
    app, host_db, ext = build_host(tmp_path)
    client = app.test_client()
    anonymous = client.get("/roi/")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login?next=")  # the host's login view
    assert client.get("/login-as/7").status_code == 200
    assert client.get("/roi/").headers["Location"] == "/roi/learning"
    page = client.get("/roi/learning")
    assert page.status_code == 200
    assert "Hello Léa Host" in page.get_data(as_text=True)
    with app.app_context():
        learner = host_db.session.scalar(select(Learner).where(Learner.external_id == "7"))
        assert learner.email == "lea@host.example"
        assert learner.roles == {"learner"}
    assert client.get("/roi/modules").status_code == 200
    assert client.get("/roi/admin/people").status_code == 403


def test_plugin_uses_the_host_objects_and_keeps_no_app(tmp_path):
    app, host_db, ext = build_host(tmp_path)
    state = app.extensions["lms_roi"]
    assert state.db is host_db
    assert app.extensions["sqlalchemy"] is host_db
    assert not hasattr(ext, "app")
    assert "lms_roi_auth.login" not in app.view_functions  # the host signs people in
    with app.app_context():
        tables = set(inspect(host_db.engine).get_table_names())
    plugin_tables = {t for t in tables if t != "host_user"}
    assert plugin_tables and all(t.startswith("lms_roi_") for t in plugin_tables)
    assert "lms_roi_alembic_version" in tables and "alembic_version" not in tables


def test_every_plugin_endpoint_in_the_host_declares_a_policy(tmp_path):
    app, _, _ = build_host(tmp_path)
    endpoints = [
        e for e in app.view_functions if e.startswith("lms_roi") and not e.endswith("static")
    ]
    assert len(endpoints) >= 5
    assert [e for e in endpoints if view_policy(app.view_functions[e]) is None] == []


def test_custom_prefix_and_learner_loader(tmp_path):
    def by_email(user):
        return host_db_holder[0].session.scalar(
            select(Learner).where(Learner.email == user.email.lower())
        )

    host_db_holder = []
    app, host_db, _ = build_host(
        tmp_path, LMS_ROI_URL_PREFIX="/learning/", LMS_ROI_LEARNER_LOADER=by_email
    )
    host_db_holder.append(host_db)
    with app.app_context():
        learner = Learner(external_id="HR-1", email="lea@host.example", display_name="Léa (HR)")
        learner.role_grants = [RoleGrant(role="learner"), RoleGrant(role="admin")]
        host_db.session.add(learner)
        host_db.session.commit()
    client = app.test_client()
    client.get("/login-as/7")
    assert client.get("/roi/").status_code == 404
    assert client.get("/learning/").headers["Location"] == "/learning/admin/people"
    page = client.get("/learning/learning")
    assert "Hello Léa (HR)" in page.get_data(as_text=True)
    assert client.get("/learning/admin/people").status_code == 200


def test_auto_provision_can_be_switched_off(tmp_path):
    app, host_db, _ = build_host(tmp_path, LMS_ROI_AUTO_PROVISION=False)
    client = app.test_client()
    client.get("/login-as/7")
    assert client.get("/roi/").status_code == 302
    with app.app_context():
        assert host_db.session.scalar(select(Learner)) is None


def test_init_app_without_db_is_a_clear_error():
    with pytest.raises(TypeError, match="needs the host's Flask-SQLAlchemy object"):
        LmsRoi(Flask("host"))


def test_host_csrf_protection_spares_the_token_api(tmp_path):
    from flask_wtf.csrf import CSRFProtect

    from lms_roi.services.tokens import issue_api_token

    app, host_db, _ = build_host(tmp_path, WTF_CSRF_ENABLED=True, _csrf=CSRFProtect)
    with app.app_context():
        from lms_roi.services.people import create_person

        analyst = create_person(email="nadia@example.com", display_name="Nadia", roles=["analyst"])
        token = issue_api_token(analyst)[1]
        host_db.session.commit()
    client = app.test_client()
    response = client.post(
        "/roi/api/v1/kpi-values", json={"values": []}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400 and response.json["field"] == "values"
    assert client.post("/login-as/7").status_code == 400  # the host's own forms stay protected


def test_host_babel_keeps_its_locale_choice_and_gets_our_catalog(tmp_path):
    from flask_babel import Babel

    host_dirs = tmp_path / "host-translations"
    host_dirs.mkdir()
    app, _, _ = build_host(
        tmp_path,
        _babel=lambda app: Babel(app, locale_selector=lambda: "fr"),
        BABEL_TRANSLATION_DIRECTORIES=str(host_dirs),
    )
    directories = app.extensions["babel"].translation_directories
    assert directories[0].endswith("lms_roi/translations")  # the host's own catalogs win
    assert str(host_dirs) in directories
    client = app.test_client()
    client.get("/login-as/7")
    page = client.get("/roi/learning", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in page and "Mon apprentissage" in page
