"""xAPI statements endpoint ``/xapi/statements`` (1.0.3, and 2.0 version headers) and
``/xapi/about``.

Every request but ``/about`` names its xAPI version in ``X-Experience-API-Version`` and
signs in with HTTP Basic as an xAPI client (key and secret); every response, errors
included, carries the version header. Errors are ``{"code", "message", "field"}``.
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms_roi.db import session, utcnow
from lms_roi.errors import ConflictError, DomainError
from lms_roi.policy import PUBLIC, policy
from lms_roi.xapi.clients import authenticate_client, note_use, use_to_note
from lms_roi.xapi.formats import format_timestamp, is_uuid
from lms_roi.xapi.queries import (
    FORMATS,
    as_format,
    bad_parameter,
    find_statement,
    list_statements,
    more_token,
    parse_query,
)
from lms_roi.xapi.statements import store_statements

xapi = Blueprint("xapi", __name__, url_prefix="/xapi")

VERSION_HEADER = "X-Experience-API-Version"
VERSION_RE = re.compile(r"^(1\.0(\.[0-3])?|2\.0(\.\d{1,3})?)$")
#: What we answer in the version header, by the version the request speaks.
LATEST = {"1.0": "1.0.3", "2.0": "2.0.0"}
REALM = 'Basic realm="lms-roi xAPI"'


def error(status: int, code: str, message: str, field: str | None = None):
    """A JSON error response (the version header is added after the request)."""
    response = jsonify({"code": code, "message": message, "field": field})
    response.status_code = status
    return response


@xapi.before_request
def version_and_client():
    """Refuse a request without a known xAPI version or a valid client (``/about`` is open)."""
    declared = request.headers.get(VERSION_HEADER)
    known = declared is not None and VERSION_RE.match(declared.strip()) is not None
    g.lms_roi_xapi_version = declared.strip()[:3] if known else "1.0"
    if request.endpoint == "lms_roi.xapi.about":
        return None
    if declared is None:
        return error(
            400,
            "version_required",
            _("send the header X-Experience-API-Version, for example 1.0.3"),
            VERSION_HEADER,
        )
    if not known:
        return error(
            400,
            "version_unsupported",
            _(
                "xAPI version %(version)s is not supported; use 1.0.3 or 2.0.0",
                version=declared[:20],
            ),
            VERSION_HEADER,
        )
    credentials = request.authorization
    client = None
    if credentials is not None and credentials.type == "basic":
        client = authenticate_client(credentials.username or "", credentials.password or "")
    if client is None:
        response = error(
            401,
            "unauthenticated",
            _("sign in with the key and secret of an active xAPI client (HTTP Basic)"),
        )
        response.headers["WWW-Authenticate"] = REALM
        return response
    if use_to_note(client):
        client_id = client.id
        # The sign-in only read: its transaction ends here, so that the touch is the
        # first statement of its own unit of work (see note_use).
        session().commit()
        if note_use(client_id):
            session().commit()
    g.lms_roi_xapi_client = client
    return None


@xapi.after_request
def version_header(response):
    """Every response names the xAPI version it speaks."""
    response.headers[VERSION_HEADER] = LATEST[g.get("lms_roi_xapi_version", "1.0")]
    return response


@xapi.errorhandler(DomainError)
def refused(exc: DomainError):
    session().rollback()  # nothing of a refused batch is kept
    return error(exc.status, exc.code, exc.message, exc.field)


def http_error(exc: HTTPException):
    session().rollback()
    codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
    messages = {
        404: _("nothing was found at this address"),
        405: _("this method is not allowed here"),
        413: _("the request is too large"),
        500: _("the statements could not be stored; nothing was kept, send them again"),
    }
    response = error(
        exc.code or 500,
        codes.get(exc.code, "server_error" if exc.code == 500 else "http_error"),
        messages.get(exc.code, _("the request could not be read")),
    )
    if exc.code == 405:
        response.headers["Allow"] = ", ".join(exc.valid_methods or [])
    return response


#: SQLSTATEs of a transaction that lost a lock: serialization failure, deadlock, lock
#: not available (PostgreSQL).
LOST_LOCK = {"40001", "40P01", "55P03"}
#: Seconds a client waits before sending a batch refused because the database was busy.
RETRY_AFTER = 2


@xapi.errorhandler(OperationalError)
def database_busy(exc: OperationalError):
    """A batch that waited for the database's locks in vain (SQLite's single writer past
    its busy timeout, a PostgreSQL deadlock) is refused with 503 and ``Retry-After``:
    nothing was kept, the same batch can be sent again."""
    session().rollback()
    message = str(exc.orig).lower()
    lost = getattr(exc.orig, "sqlstate", None) in LOST_LOCK or "database is locked" in message
    if not lost:
        return http_error(InternalServerError())
    response = error(
        503, "busy", _("the database is busy; nothing was kept, send the statements again")
    )
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


# Per status code: Flask prefers a parent blueprint's code-specific (HTML) handler.
for _status in (400, 404, 405, 413, 500):
    xapi.register_error_handler(_status, http_error)


@xapi.get("/about")
@policy(PUBLIC)
def about():
    """The xAPI versions spoken here. A client declaring 1.0.x is told 1.0.3 only:
    1.0 client libraries (tincan among them) refuse a version list naming 2.0.0."""
    declared = request.headers.get(VERSION_HEADER, "")
    versions = ["1.0.3"] if declared.startswith("1.0") else ["1.0.3", "2.0.0"]
    return jsonify({"version": versions, "extensions": {}})


@xapi.post("/statements")
@policy(PUBLIC)
def statements_post():
    """Store one statement or an array: 200 with their ids in order."""
    if request.args:
        raise bad_parameter(next(iter(request.args)), _("this parameter is not supported"))
    body = _json_body()
    batch = isinstance(body, list)
    statements = body if batch else [body]
    most = current_app.config["LMS_ROI_XAPI_MAX_BATCH"]
    if len(statements) > most:
        return error(
            413, "too_many_statements", _("send at most %(max)d statements at once", max=most)
        )
    return jsonify(_store(statements, numbered=batch))


@xapi.put("/statements")
@policy(PUBLIC)
def statements_put():
    """Store one statement under ``statementId``: 204."""
    statement_id = request.args.get("statementId")
    if statement_id is None:
        raise bad_parameter("statementId", _("is required to PUT a statement"))
    if set(request.args) != {"statementId"}:
        other = next(name for name in request.args if name != "statementId")
        raise bad_parameter(other, _("this parameter is not supported"))
    if not is_uuid(statement_id):
        raise bad_parameter("statementId", _("must be a UUID"))
    body = _json_body()
    if not isinstance(body, dict):
        raise DomainError("invalid_statement", _("send one statement, a JSON object"))
    if "id" in body and str(body["id"]).lower() != statement_id.lower():
        raise DomainError("id_mismatch", _("the statement's id differs from statementId"), "id")
    _store([{**body, "id": statement_id}], numbered=False)
    return "", 204


@xapi.get("/statements")
@policy(PUBLIC)
def statements_get():
    """One statement by ``statementId`` or ``voidedStatementId``, or a filtered page."""
    args = request.args
    if "statementId" in args or "voidedStatementId" in args:
        response = _single(args)
    else:
        query = parse_query(args)
        rows, more = list_statements(query, client_id=g.lms_roi_xapi_client.id)
        response = jsonify(
            {
                "statements": [as_format(row.raw, query.format) for row in rows],
                "more": url_for(".statements_get", more=more_token(query, rows[-1]))
                if more
                else "",
            }
        )
    response.headers["X-Experience-API-Consistent-Through"] = format_timestamp(utcnow())
    return response


def _single(args):
    names = [name for name in ("statementId", "voidedStatementId") if name in args]
    name = names[-1]
    for other in args:
        if other not in (name, "format", "attachments"):
            raise bad_parameter(other, _("cannot be combined with %(name)s", name=name))
    fmt = args.get("format", "exact")
    if fmt not in FORMATS:
        raise bad_parameter("format", _("must be exact, canonical or ids"))
    if args.get("attachments", "false").lower() != "false":
        raise bad_parameter("attachments", _("only %(value)s is supported", value="false"))
    row = find_statement(
        args[name], voided=name == "voidedStatementId", client_id=g.lms_roi_xapi_client.id
    )
    if row is None:
        return error(404, "not_found", _("no statement with this id"), name)
    response = jsonify(as_format(row.raw, fmt))
    response.last_modified = row.stored
    return response


def _store(statements: list, *, numbered: bool) -> list[str]:
    """Store and commit; a clash with a concurrent request is retried once."""
    client = g.lms_roi_xapi_client
    authority = {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": url_for(".about", _external=True), "name": client.key},
    }
    # The sign-in's reads end here: the batch starts a transaction of its own (on SQLite,
    # one that takes the write lock before it reads; see store_statements).
    session().commit()
    for attempt in (1, 2):
        try:
            stored = store_statements(
                statements,
                client=client,
                authority=authority,
                version=g.lms_roi_xapi_version,
                numbered=numbered,
            )
            session().commit()
            return stored.ids
        except IntegrityError:
            session().rollback()
            if attempt == 2:
                raise ConflictError(
                    "statement_conflict",
                    _("the statements clash with data stored meanwhile; send them again"),
                ) from None
    return []  # not reached


def _json_body():
    if request.mimetype != "application/json":
        raise DomainError(
            "content_type",
            _("send statements as JSON with Content-Type: application/json"),
            "Content-Type",
        )
    limit = current_app.config["LMS_ROI_XAPI_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    try:
        return json.loads(data, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise DomainError("invalid_json", _("the body is not valid JSON")) from None


def _too_large(limit: int) -> DomainError:
    refused = DomainError(
        "too_large",
        _("the request is larger than %(size)d MiB", size=max(1, limit // (1024 * 1024))),
    )
    refused.status = 413
    return refused


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


@xapi.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@policy(PUBLIC)
def unmatched(anything: str):
    """Unknown xAPI resources and wrong methods answer in JSON with the version header."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT"):
        try:
            endpoint, _values = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    if allowed:
        response = error(
            405,
            "method_not_allowed",
            _(
                "%(method)s is not allowed here; use %(allowed)s",
                method=request.method,
                allowed=", ".join(allowed),
            ),
        )
        response.headers["Allow"] = ", ".join(allowed)
        return response
    return error(404, "not_found", _("there is no xAPI resource at this address"))
