"""Configuration: defaults, environment variables and the instance secret key."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: Defaults applied with ``setdefault``: a host's own values always win.
DEFAULTS: dict[str, object] = {
    "LMS_ROI_URL_PREFIX": "/roi",
    "LMS_ROI_TIMEZONE": "UTC",
    "LMS_ROI_CURRENCY": "EUR",
    "LMS_ROI_DEFAULT_LOCALE": "en",
    # Callable(host_user) -> Learner | None; None means "external_id == user.get_id()".
    "LMS_ROI_LEARNER_LOADER": None,
    # In plugin mode, give a host user without a profile a learner profile on first visit.
    "LMS_ROI_AUTO_PROVISION": True,
    "LMS_ROI_LOGIN_RATE_LIMIT": "10 per minute",
    "LMS_ROI_IMPORT_PROGRESS_ROWS": 2000,
    "LMS_ROI_PAGE_SIZE": 25,
    # Data desk: largest file accepted in the browser, and how long a checked upload
    # waits for its confirmation.
    "LMS_ROI_UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    "LMS_ROI_UPLOAD_TTL_SECONDS": 3600,
    # xAPI statements endpoint: default and largest page of GET, most statements in one
    # POST and largest request body (beyond them: 413).
    "LMS_ROI_XAPI_PAGE_SIZE": 100,
    "LMS_ROI_XAPI_PAGE_MAX": 500,
    "LMS_ROI_XAPI_MAX_BATCH": 1000,
    "LMS_ROI_XAPI_MAX_BYTES": 16 * 1024 * 1024,
    # REST API budget per token (Flask-Limiter notation) and where it is counted
    # (None: RATELIMIT_STORAGE_URI, else memory://, which each process counts alone).
    "LMS_ROI_API_RATE_LIMIT": "600 per minute",
    "LMS_ROI_RATELIMIT_STORAGE_URI": None,
    # xAPI: account home pages whose ``name`` is a learner's external id ("*": any),
    # whether unknown actors become learners, and the activity IRI patterns read as
    # module pages (None: this app's own, ``https://{host}<prefix>/modules/{slug}``).
    "LMS_ROI_XAPI_HOME_PAGES": (),
    "LMS_ROI_XAPI_CREATE_LEARNERS": False,
    "LMS_ROI_XAPI_ACTIVITY_PATTERNS": None,
}

#: Environment variables read by the standalone app, and the config key each sets.
ENVIRONMENT = {
    "LMS_ROI_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "LMS_ROI_SECRET_KEY": "SECRET_KEY",
    "LMS_ROI_URL_PREFIX": "LMS_ROI_URL_PREFIX",
    "LMS_ROI_TIMEZONE": "LMS_ROI_TIMEZONE",
    "LMS_ROI_CURRENCY": "LMS_ROI_CURRENCY",
    "LMS_ROI_DEFAULT_LOCALE": "LMS_ROI_DEFAULT_LOCALE",
    "LMS_ROI_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "LMS_ROI_API_RATE_LIMIT": "LMS_ROI_API_RATE_LIMIT",
    "LMS_ROI_XAPI_HOME_PAGES": "LMS_ROI_XAPI_HOME_PAGES",
    "LMS_ROI_XAPI_ACTIVITY_PATTERNS": "LMS_ROI_XAPI_ACTIVITY_PATTERNS",
    "LMS_ROI_XAPI_CREATE_LEARNERS": "LMS_ROI_XAPI_CREATE_LEARNERS",
}
#: Variables holding a list (items separated by commas or spaces) or a yes/no flag.
LIST_VARIABLES = {"LMS_ROI_XAPI_HOME_PAGES", "LMS_ROI_XAPI_ACTIVITY_PATTERNS"}
FLAG_VARIABLES = {"LMS_ROI_XAPI_CREATE_LEARNERS"}

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


def from_environment(environ: os._Environ | dict | None = None) -> dict[str, object]:
    """Config values taken from ``LMS_ROI_*`` environment variables that are set."""
    environ = os.environ if environ is None else environ
    return {
        key: _value(name, environ[name]) for name, key in ENVIRONMENT.items() if environ.get(name)
    }


def _value(name: str, text: str) -> object:
    if name in LIST_VARIABLES:
        return tuple(item for item in text.replace(",", " ").split() if item)
    if name in FLAG_VARIABLES:
        return text.strip().lower() in ("1", "true", "yes", "on")
    return text


def default_database_url(instance_path: str) -> str:
    """The standalone default: a SQLite file in the instance folder."""
    return "sqlite:///" + str(Path(instance_path) / "lms_roi.sqlite3")


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key kept in the instance folder, creating it on first use.

    The key is random, written once with owner-only permissions and reused by
    every process, so sessions survive restarts and agree across workers.
    """
    path = Path(instance_path) / SECRET_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
