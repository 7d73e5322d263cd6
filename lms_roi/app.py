"""The standalone application: a small host that mounts the lms-roi plugin."""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask, redirect, url_for
from flask_babel import lazy_gettext as _l

from lms_roi.config import default_database_url, from_environment, instance_secret_key
from lms_roi.db import configure_sqlite_engine, session
from lms_roi.extension import LmsRoi
from lms_roi.extensions import db, limiter, login_manager
from lms_roi.policy import PUBLIC, policy


def create_app(config: Mapping | None = None) -> Flask:
    """Build the standalone lms-roi app (own accounts and login pages).

    Configuration comes from defaults, then ``LMS_ROI_*`` environment
    variables, then ``config``. The database defaults to
    ``instance/lms_roi.sqlite3`` under the working directory (or
    ``LMS_ROI_INSTANCE_PATH``).
    """
    instance_path = os.environ.get("LMS_ROI_INSTANCE_PATH") or os.path.join(os.getcwd(), "instance")
    app = Flask("lms_roi", instance_path=os.path.abspath(instance_path))
    app.config.update(from_environment())
    app.config.update(config or {})
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", default_database_url(app.instance_path))
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)

    register_extensions(app)
    app.config.setdefault("LMS_ROI_LEARNER_LOADER", _account_learner)
    LmsRoi(app, db=db, standalone=True)
    register_standalone_pages(app)
    return app


def register_extensions(app: Flask) -> None:
    """Initialise the host-side extensions: database, login manager, rate limiter."""
    db.init_app(app)
    with app.app_context():
        configure_sqlite_engine(db.engine)
    login_manager.init_app(app)
    login_manager.login_view = "lms_roi_auth.login"
    login_manager.login_message_category = "info"
    # Flash wants a plain string: the lazy message is rendered in the visitor's language.
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.localize_callback = str
    limiter.init_app(app)


def register_standalone_pages(app: Flask) -> None:
    """Login/logout pages and a root redirect, which a plugin host provides itself."""
    from lms_roi.blueprints.auth import auth

    prefix = app.extensions["lms_roi"].url_prefix
    app.register_blueprint(auth, url_prefix=prefix or None)

    @policy(PUBLIC)
    def index():
        return redirect(url_for("lms_roi.navigation.home"))

    if prefix:
        app.add_url_rule("/", "index", index)


@login_manager.user_loader
def _load_account(account_id: str):
    from lms_roi.models import Account

    if not account_id.isdigit():
        return None
    return session().get(Account, int(account_id))


def _account_learner(account):
    """Standalone accounts point at their learner profile directly."""
    return getattr(account, "learner", None)
