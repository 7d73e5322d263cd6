"""The API's answers to what no endpoint handles: a busy database (503), a bug (500),
a number too large for an id (404), its root (an index) and unknown paths (404/405).

Every one is the JSON error body ``{"code", "message", "field"}`` (the root excepted),
never the host's HTML page.
"""

from __future__ import annotations

from flask import current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms_roi.db import session
from lms_roi.errors import number_out_of_range
from lms_roi.policy import PUBLIC, policy

from .api import api, error, http_error


@api.errorhandler(OverflowError)
@api.errorhandler(DataError)
def out_of_range(exc: Exception):
    if not number_out_of_range(exc):
        return unexpected_error(exc)
    session().rollback()
    return error(404, "not_found", _("nothing was found at this address"))


#: SQLSTATEs of a transaction that lost a lock: serialization failure, deadlock, lock
#: not available (PostgreSQL).
LOST_LOCK = {"40001", "40P01", "55P03"}
#: Seconds a client waits before sending again a request refused because the database was busy.
RETRY_AFTER = 2


@api.errorhandler(OperationalError)
def database_busy(exc: OperationalError):
    """A request that waited for the database's locks in vain (SQLite's single writer past
    its busy timeout, a PostgreSQL deadlock) is a 503 ``busy`` with ``Retry-After``:
    nothing of it was kept, the same request can be sent again. Other failures are 500s."""
    message = str(exc.orig).lower()
    if getattr(exc.orig, "sqlstate", None) not in LOST_LOCK and "database is locked" not in message:
        return unexpected_error(exc)
    session().rollback()
    response = error(503, "busy", _("the database is busy; nothing was kept, try again"))[0]
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER)
    g.lms_roi_retry_after = str(RETRY_AFTER)  # kept by the rate limit's headers
    return response


@api.errorhandler(Exception)
def unexpected_error(exc: Exception):
    """Anything else answers our JSON 500 (logged with its traceback), never an HTML page."""
    if isinstance(exc, HTTPException):
        return http_error(exc)
    current_app.logger.error(
        "Unexpected error on %s %s", request.method, request.path, exc_info=exc
    )
    try:
        session().rollback()
    except Exception:  # noqa: BLE001 (the answer must not fail on a broken connection)
        current_app.logger.warning("rollback after an unexpected error failed", exc_info=True)
    return http_error(InternalServerError())




@api.undocumented_route("", endpoint="index")
@api.undocumented_route("/", endpoint="index")
@policy(PUBLIC)
def index():
    """Where to start: the OpenAPI document and its viewer (no token needed)."""
    return jsonify(
        {
            "name": "lms-roi REST API",
            "version": "v1",
            "openapi": url_for(".openapi_json", _external=True),
            "docs": url_for(".docs", _external=True),
        }
    )


@api.undocumented_route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@policy(PUBLIC)
def unmatched(anything: str):
    """Unknown API paths and wrong methods answer in JSON like every other API error."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = sorted(
        m
        for m in adapter.allowed_methods(request.path)
        if m not in ("OPTIONS",) and not _only_catch_all(adapter, m)
    )
    if allowed and not _a_value_was_wrong(adapter):
        response, status = error(
            405,
            "method_not_allowed",
            _(
                "%(method)s is not allowed here; use %(allowed)s",
                method=request.method,
                allowed=", ".join(allowed),
            ),
        )
        response.headers["Allow"] = ", ".join(allowed)
        return response, status
    return error(404, "not_found", _("no API endpoint at %(path)s", path=request.path))


def _a_value_was_wrong(adapter) -> bool:
    """Whether a route of this method has the path's shape but refused a value in it
    (``GET /imports/abc`` against ``/imports/<int:batch_id>``): then nothing is at this
    address (404), even though another method's route would take the path (405)."""
    segments = request.path.rstrip("/").split("/")
    for rule in adapter.map.iter_rules():
        if request.method not in (rule.methods or ()) or rule.endpoint == request.endpoint:
            continue
        pattern = rule.rule.rstrip("/").split("/")
        if len(pattern) == len(segments) and all(
            p == s or (p.startswith("<") and "path:" not in p)
            for p, s in zip(pattern, segments, strict=True)
        ):
            return True
    return False


def _only_catch_all(adapter, method: str) -> bool:
    try:
        endpoint, _ = adapter.match(request.path, method=method)
    except HTTPException:
        return True
    return endpoint == request.endpoint
