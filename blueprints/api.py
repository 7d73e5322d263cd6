"""REST API ``/api/v1``: token auth (``Authorization: Bearer …``), JSON in and out.

Every error body is ``{"code", "message", "field"}`` (plus ``errors`` for rejected rows).
``code`` is stable for programs; ``message`` (and each rejected row's ``message`` and
``fix``) is in the caller's language (their ``locale`` setting, else ``Accept-Language``).
"""

from __future__ import annotations

from babel.lists import format_list
from flask import current_app, g, jsonify, request
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.exceptions import HTTPException

from lms_roi.analytics import RoiParams, roi_report
from lms_roi.analytics.event_study import as_records, module_event_study
from lms_roi.analytics.lookup import module_and_kpi
from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.importers import IMPORTERS, ImportRejected, import_file, import_records
from lms_roi.labels import label
from lms_roi.policy import ROLE_KEYS, current_person, policy, view_policy
from lms_roi.schemas import EventStudyQueryIn, LocalizedSchema, RoiQueryIn, first_error
from lms_roi.services.audit import record_audit

from .api_base import ApiBlueprint
from .api_out import EventStudyRowOut, RoiRowOut

api = ApiBlueprint("api", __name__, url_prefix="/api/v1")

MAX_BATCH = 50_000


class KpiValuesIn(LocalizedSchema):
    """Body of ``POST /kpi-values``: ``{"values": [...], "dry_run": false}``."""

    values = fields.List(
        fields.Dict(), required=True, validate=validate.Length(min=1, max=MAX_BATCH)
    )
    dry_run = fields.Boolean(load_default=False)


class ImportResultOut(Schema):
    """What an import did (or, in a dry run, would do)."""

    kind = fields.String()
    rows = fields.Integer()
    inserted = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    dry_run = fields.Boolean()
    batch_id = fields.Integer(allow_none=True, metadata={"description": "null in a dry run"})


_UPLOAD_DOC = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "CSV or XLSX"},
                    "dry_run": {"type": "boolean", "default": False},
                },
            }
        }
    },
}


def error(status: int, code: str, message: str, field: str | None = None, **extra):
    return jsonify({"code": code, "message": message, "field": field, **extra}), status


@api.errorhandler(ValidationError)
def invalid_input(exc: ValidationError):
    path, message = first_error(exc)
    if path:
        message = _("%(field)s: %(message)s", field=".".join(path), message=message)
    return error(400, "invalid_input", message, path[0] if path else None)


@api.errorhandler(DomainError)
def domain_error(exc: DomainError):
    session().rollback()  # nothing of a refused change is kept
    return error(exc.status, exc.code, exc.message, exc.field)


def _forbidden_message() -> str:
    """Which roles the refused endpoint admits, in the caller's language."""
    declared = view_policy(current_app.view_functions.get(request.endpoint))
    roles = sorted(declared.roles & set(ROLE_KEYS)) if declared else []
    if not roles:
        return _("your roles do not allow this request")
    return _(
        "your roles do not allow this; it needs %(roles)s",
        roles=format_list([label(role, "role") for role in roles], style="or", locale=get_locale()),
    )


def http_error(exc: HTTPException):
    """Our error body for an HTTP error (``Allow`` kept on 405)."""
    codes = {
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        415: "unsupported_media_type",
        429: "rate_limited",
        500: "server_error",
    }
    messages = {
        401: _("send a valid API token as 'Authorization: Bearer <token>'"),
        404: _("nothing was found at this address"),
        405: _("this method is not allowed here"),
        413: _("the request is too large"),
        429: _("too many requests with this token; wait before sending more"),
        500: _("something went wrong on our side; it was logged, try again later"),
    }
    message = _forbidden_message() if exc.code == 403 else messages.get(exc.code)
    response = error(
        exc.code or 500,
        codes.get(exc.code, "http_error"),
        message or exc.description or exc.name,
    )[0]
    response.status_code = exc.code or 500
    if exc.code == 405:
        response.headers["Allow"] = ", ".join(exc.valid_methods or [])
    if exc.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lms-roi"'
    return response


# Registered per status code: Flask prefers a parent blueprint's code-specific (HTML)
# handler over a class-based one on this blueprint.
for _status in (400, 401, 403, 404, 405, 413, 415, 429, 500):
    api.register_error_handler(_status, http_error)


@api.teardown_request
def _forget_token_roles(_exc):
    """The token's roles narrowed the person for this call only (see ``policy``)."""
    person = g.get("lms_roi_person")
    if person is not None:
        person.api_token_roles = None


def _rejected(rejected: ImportRejected):
    issues = [
        {"row": i.row, "field": i.column, "message": i.message, "fix": i.fix}
        for i in rejected.issues
    ]
    first = rejected.issues[0]
    return error(
        422,
        "rows_rejected",
        ngettext(
            "%(num)d problem; nothing was written. First: row %(row)s, %(column)s: %(message)s",
            "%(num)d problems; nothing was written. First: row %(row)s, %(column)s: %(message)s",
            len(issues),
            row=first.row,
            column=first.column,
            message=first.message,
        ),
        first.column,
        errors=issues,
    )


@api.get("/reports/roi")
@policy("analyst", "admin")
@api.arguments(RoiQueryIn, location="query")
@api.response(200, RoiRowOut(many=True))
def roi_report_view(query: dict):
    """Phillips ROI report, one row per module, method, learner, team... (``by``)."""
    by = query.pop("by")
    report = roi_report(by, RoiParams(**query))
    if by in ("learner", "team"):
        person = current_person()
        record_audit(
            "report.roi_read",
            actor=person,
            target_type="report",
            target_id=by,
            details={"rows": len(report.rows), "via": "api"},
        )
        session().commit()
    return jsonify(report.rows)


@api.get("/reports/event-study")
@policy("analyst", "admin")
@api.arguments(EventStudyQueryIn, location="query")
@api.response(200, EventStudyRowOut(many=True))
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def event_study_view(query: dict):
    """Effect by KPI period since training (DESIGN §7b), rows as ``report event-study``."""
    module, kpi = module_and_kpi(query["module"], query["kpi"])
    study = module_event_study(
        module.id,
        None if kpi is None else [kpi.id],
        r_before=query["periods_before"],
        r_after=query["periods_after"],
        min_control=RoiParams().min_control,
    )
    return jsonify(as_records(study))


@api.post("/kpi-values")
@policy("analyst", "admin")
@api.arguments(KpiValuesIn, location="json")
@api.response(201, ImportResultOut)
@api.alt_response(200, schema=ImportResultOut, description="Dry run: nothing written")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def kpi_values_create(body: dict):
    """Write a batch of KPI values (idempotent per learner, KPI and period); 201, or 200 dry run."""
    return _import(
        lambda: import_records(
            "kpi-values",
            body["values"],
            "api:kpi-values",
            dry_run=body["dry_run"],
            actor=current_person(),
        ),
        body["dry_run"],
    )


@api.post("/imports/<kind>")
@policy("analyst", "admin")
@api.doc(requestBody=_UPLOAD_DOC)
@api.response(201, ImportResultOut)
@api.alt_response(200, schema=ImportResultOut, description="Dry run: nothing written")
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def import_create(kind: str):
    """Import a CSV or XLSX file of ``kind`` (multipart field ``file``), all or nothing."""
    if kind not in IMPORTERS:
        return error(
            404,
            "unknown_import_kind",
            _(
                "no import of kind %(kind)r; use one of %(kinds)s",
                kind=kind,
                kinds=", ".join(IMPORTERS),
            ),
            "kind",
        )
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return error(
            400, "file_required", _("send the CSV or XLSX as multipart field 'file'"), "file"
        )
    dry_run = request.form.get("dry_run", "false").lower() in ("1", "true", "yes")
    return _import(
        lambda: import_file(
            kind, upload.read(), upload.filename, dry_run=dry_run, actor=current_person()
        ),
        dry_run,
    )


def _import(run, dry_run: bool):
    """Run an import and commit it; a rejected file is rolled back.

    A dry run already rolled back its own savepoint (see ``run_import``): nothing to undo.
    """
    db = session()
    try:
        result = run()
    except ImportRejected as rejected:
        if not dry_run:
            db.rollback()
        return _rejected(rejected)
    if not dry_run:
        db.commit()
    return jsonify(_result(result)), 200 if dry_run else 201


def _result(result) -> dict:
    return {
        "kind": result.kind,
        "rows": result.rows,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "dry_run": result.dry_run,
        "batch_id": None if result.dry_run else result.batch_id,
    }


# The answers to everything else (a busy database, a bug, the root, unknown paths).
from . import api_errors  # noqa: E402, F401
