"""Fixtures: one app per test session, each test inside a rolled-back transaction.

The suite runs on a temporary SQLite file by default and on PostgreSQL when
``LMS_ROI_TEST_DATABASE_URL`` is set (CI creates a fresh database for it).
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import scoped_session, sessionmaker

from lms_roi import create_app
from lms_roi.db import Base

TEST_DATABASE_URL = os.environ.get("LMS_ROI_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "LMS_ROI_TIMEZONE": "Europe/Paris",
}


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("instance")
    previous = os.environ.get("LMS_ROI_INSTANCE_PATH")
    os.environ["LMS_ROI_INSTANCE_PATH"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("LMS_ROI_INSTANCE_PATH", None)
    else:
        os.environ["LMS_ROI_INSTANCE_PATH"] = previous


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "suite.sqlite3")


def make_app(database_url: str, **overrides):
    """A standalone app on ``database_url`` with the test configuration."""
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})


@pytest.fixture
def app_factory(instance_path):
    """Build extra apps (other config or database); their connections close afterwards.

    The standalone rate limiter is one object shared by every app of the process:
    an extra app that enables it would keep it on for the suite's app, so its
    state is restored afterwards.
    """
    from lms_roi.extensions import limiter

    apps = []
    limiter_enabled = limiter.enabled

    def build(database_url: str, **overrides):
        apps.append(make_app(database_url, **overrides))
        return apps[-1]

    yield build
    for extra in apps:
        with extra.app_context():
            for engine in extra.extensions["sqlalchemy"].engines.values():
                engine.dispose()
    limiter.enabled = limiter_enabled


@pytest.fixture(scope="session")
def app(database_url, instance_path):
    app = make_app(database_url)
    with app.app_context():
        engine = app.extensions["lms_roi"].db.engine
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
    yield app
    with app.app_context():
        Base.metadata.drop_all(engine)
        engine.dispose()


@pytest.fixture
def db(app):
    """The app's db object, its session bound to a transaction rolled back after the test.

    Commits inside the test (views, CLI commands) only release a savepoint.
    """
    ext_db = app.extensions["lms_roi"].db
    with app.app_context():
        engine = ext_db.engine
    connection = engine.connect()
    transaction = connection.begin()
    original = ext_db.session
    ext_db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    )
    try:
        yield ext_db
    finally:
        ext_db.session.remove()
        ext_db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture
def ctx(app, db):
    """An application context for service-level tests (no request)."""
    with app.app_context():
        yield db


@pytest.fixture
def client(app, db):
    """pytest-flask's test client, on the rolled-back session of ``db``."""
    return app.test_client()


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replace pytest-flask's autouse request context with none.

    A context held open for the whole test would make every request of the
    test client share one ``g`` (Flask reuses an active app context), so the
    signed-in user and the current person would leak from one request into the
    next. Tests open ``app.app_context()`` where they need one.
    """
    yield


@pytest.fixture
def cli(app, db):
    """A CLI runner (stdout and stderr kept apart, as click >= 8.2 does)."""
    return app.test_cli_runner()


@pytest.fixture
def fresh_database_url(tmp_path):
    """A brand-new, empty database of the suite's kind, dropped afterwards."""
    if not ON_POSTGRES:
        yield "sqlite:///" + str(tmp_path / "fresh.sqlite3")
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"lms_roi_fresh_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def login(client, email: str, password: str = "correct-horse-1"):  # noqa: S107
    """Sign in through the standalone login page."""
    return client.post("/roi/login", data={"email": email, "password": password})


def write_file(directory, name: str, text: str):
    """Write ``text`` (dedented lines) to ``directory/name`` and return the path."""
    import textwrap

    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def run_import(cli, path, kind: str, *extra: str):
    """``lms-roi import KIND PATH`` through the CLI runner."""
    return cli.invoke(args=["lms-roi", "import", kind, str(path), *extra])
