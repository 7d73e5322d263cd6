"""The :class:`LmsRoi` Flask extension that mounts lms-roi into a host application."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from lms_roi.config import DEFAULTS
from lms_roi.i18n import init_i18n


@dataclass
class LmsRoiState:
    """What lms-roi keeps per application, in ``app.extensions["lms_roi"]``."""

    db: object
    url_prefix: str
    standalone: bool = False
    #: The flask-smorest ``Api`` holding this app's OpenAPI document (set when mounted).
    openapi: object = None
    #: The Flask-Limiter instance that limits this app's API calls per token.
    limiter: object = None


class LmsRoi:
    """Mount lms-roi into a host Flask app.

    ``LmsRoi(app, db=host_db)`` or ``ext = LmsRoi(); ext.init_app(app, db=host_db)``.
    The host owns the app, its Flask-SQLAlchemy ``db`` and its Flask-Login
    ``LoginManager``; lms-roi uses ``host_db.session`` and ``current_user`` and
    keeps no reference to the app on this object.
    """

    def __init__(self, app: Flask | None = None, db=None, *, standalone: bool = False):
        self._standalone = standalone
        if app is not None:
            self.init_app(app, db=db)

    def init_app(self, app: Flask, db=None) -> None:
        """Register configuration defaults, blueprints, CLI commands and state on ``app``."""
        if db is None or not hasattr(db, "session"):
            raise TypeError("LmsRoi.init_app needs the host's Flask-SQLAlchemy object: db=...")
        for key, value in DEFAULTS.items():
            app.config.setdefault(key, value)
        prefix = "/" + str(app.config["LMS_ROI_URL_PREFIX"]).strip("/")
        app.extensions["lms_roi"] = LmsRoiState(
            db=db, url_prefix=prefix.rstrip("/"), standalone=self._standalone
        )
        init_i18n(app)
        # Every write that reports read gives the data a new version (report cache).
        import lms_roi.analytics.cache  # noqa: F401
        register_blueprints(app, prefix)
        register_commands(app)


def register_blueprints(app: Flask, prefix: str) -> None:
    """Mount every lms-roi blueprint under ``prefix``."""
    from lms_roi.blueprints import plugin
    from lms_roi.blueprints.api import api
    from lms_roi.blueprints.api_docs import init_openapi
    from lms_roi.blueprints.api_limits import init_rate_limit
    from lms_roi.blueprints.xapi import xapi

    app.register_blueprint(plugin, url_prefix=None if prefix == "/" else prefix)
    app.extensions["lms_roi"].openapi = init_openapi(app)
    app.extensions["lms_roi"].limiter = init_rate_limit(app)
    # The API authenticates with bearer tokens, not cookies: a host's CSRFProtect
    # (initialised before lms-roi) must not ask it for a form token.
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(api)
        csrf.exempt(xapi)  # xAPI clients sign in with HTTP Basic, not cookies


def register_commands(app: Flask) -> None:
    """Add the ``lms-roi`` command group to ``flask``."""
    from lms_roi.cli import lms_roi_group

    app.cli.add_command(lms_roi_group)
