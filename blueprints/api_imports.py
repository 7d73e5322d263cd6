"""REST history of imports (``GET /imports``): the data desk's import history over the API.

Analysts and admins read which files were imported, when, by whom and what they changed.
Files are sent with ``POST /imports/{kind}`` and values with ``POST /kpi-values`` (``api.py``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.models import ImportBatch, Learner
from lms_roi.models._types import IMPORT_KINDS
from lms_roi.policy import policy

from .api import api
from .api_base import NotFound
from .api_pages import PageQueryIn, page_body, page_schema, paginate

ANALYSTS = ("analyst", "admin")


class ImportBatchQueryIn(PageQueryIn):
    """Query of ``GET /imports``."""

    kind = fields.String(load_default=None, validate=validate.OneOf(IMPORT_KINDS))


class ImportBatchOut(Schema):
    """One applied import and its counts."""

    id = fields.Integer()
    kind = fields.String()
    filename = fields.String()
    file_sha256 = fields.String()
    rows = fields.Integer()
    inserted = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    actor = fields.String(
        metadata={"description": "External id of who imported, else 'cli' or a label"}
    )
    dry_run = fields.Boolean()
    created_at = fields.DateTime()


class ImportBatchDetailOut(ImportBatchOut):
    """One import with the problems it recorded."""

    errors = fields.List(fields.Dict())


def _batch_rows(*extra):
    return select(
        ImportBatch.id,
        ImportBatch.kind,
        ImportBatch.filename,
        ImportBatch.file_sha256,
        ImportBatch.rows,
        ImportBatch.inserted,
        ImportBatch.updated,
        ImportBatch.unchanged,
        func.coalesce(Learner.external_id, ImportBatch.actor_label).label("actor"),
        ImportBatch.dry_run,
        ImportBatch.created_at,
        *extra,
    ).outerjoin(Learner, Learner.id == ImportBatch.actor_id)


@api.get("/imports")
@policy(*ANALYSTS)
@api.arguments(ImportBatchQueryIn, location="query")
@api.response(200, page_schema(ImportBatchOut))
def imports_list(query: dict):
    """Applied imports, oldest first (``kind`` filters)."""
    stmt = _batch_rows()
    if query["kind"]:
        stmt = stmt.where(ImportBatch.kind == query["kind"])
    return page_body(paginate(stmt, ImportBatch.id, query, scalars=False))


@api.get("/imports/<int:batch_id>")
@policy(*ANALYSTS)
@api.no_query()
@api.response(200, ImportBatchDetailOut)
@api.alt_response(404, response="NOT_FOUND")
def import_show(batch_id: int):
    """One import."""
    row = session().execute(
        _batch_rows(ImportBatch.errors).where(ImportBatch.id == batch_id)
    ).one_or_none()
    if row is None:
        raise NotFound("import_not_found", _("no import with id %(id)s", id=batch_id), "id")
    return row
