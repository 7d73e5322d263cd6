"""REST endpoints of KPIs: the catalog (``/kpis``) and recorded values (``GET /kpi-values``).

Definitions follow the data desk's KPI pages (analysts and admins, the KPI-definition
import's rules through :mod:`lms_roi.services.kpi_catalog`). Individual KPI values follow
DESIGN §8: analysts and admins read anyone's, and every such read is written to the audit
log; a learner reads only their own; HR never reads them (aggregates only, on HR pages).
Values are written by ``POST /kpi-values`` and ``POST /imports/kpi-values`` (``api.py``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.models import Kpi, KpiValue, Learner
from lms_roi.models._types import KPI_DIRECTIONS, KPI_PERIODS
from lms_roi.policy import current_person, policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services import kpi_catalog
from lms_roi.services.audit import record_audit

from .api import api
from .api_base import NotFound
from .api_pages import PageQueryIn, page_body, page_schema, paginate

ANALYSTS = ("analyst", "admin")


class KpiIn(LocalizedSchema):
    """Body of ``POST /kpis`` (the key cannot change afterwards: files refer to it)."""

    key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=40))
    direction = fields.String(load_default="higher", validate=validate.OneOf(KPI_DIRECTIONS))
    value_per_unit = fields.Decimal(
        required=True, metadata={"description": "Worth of one unit in the org currency"}
    )
    period = fields.String(load_default="month", validate=validate.OneOf(KPI_PERIODS))
    description = fields.String(load_default="", validate=validate.Length(max=2000))


class KpiPatchIn(LocalizedSchema):
    """Body of ``PATCH /kpis/{key}``: only the fields to change."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    unit = fields.String(validate=validate.Length(min=1, max=40))
    direction = fields.String(validate=validate.OneOf(KPI_DIRECTIONS))
    value_per_unit = fields.Decimal()
    period = fields.String(validate=validate.OneOf(KPI_PERIODS))
    description = fields.String(validate=validate.Length(max=2000))


class KpiOut(Schema):
    """A KPI definition and how many values are recorded for it."""

    key = fields.String()
    name = fields.String()
    unit = fields.String()
    direction = fields.String()
    value_per_unit = fields.Float(metadata={"description": "Unrounded"})
    period = fields.String()
    description = fields.String()
    values = fields.Integer(metadata={"description": "KPI values recorded"})
    created_at = fields.DateTime()


class KpiValueQueryIn(PageQueryIn):
    """Query of ``GET /kpi-values``."""

    kpi = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    learner = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=191),
        metadata={"description": "External id (a learner may only name themself)"},
    )
    period_from = fields.Date(
        load_default=None, metadata={"description": "Periods starting on or after"}
    )
    period_to = fields.Date(
        load_default=None, metadata={"description": "Periods starting on or before"}
    )


class KpiValueOut(Schema):
    """One KPI value of one learner and period (unrounded)."""

    id = fields.Integer()
    learner = fields.String()
    kpi = fields.String()
    period_start = fields.Date()
    value = fields.Float()
    import_batch = fields.Integer(allow_none=True, attribute="import_batch_id")


def _kpi_rows():
    counts = (
        select(func.count(KpiValue.id)).where(KpiValue.kpi_id == Kpi.id).scalar_subquery()
    )
    return select(
        Kpi.id,
        Kpi.key,
        Kpi.name,
        Kpi.unit,
        Kpi.direction,
        Kpi.value_per_unit,
        Kpi.period,
        Kpi.description,
        counts.label("values"),
        Kpi.created_at,
    )


def _kpi(key: str, field: str = "key") -> Kpi:
    kpi = session().scalar(select(Kpi).where(Kpi.key == key))
    if kpi is None:
        raise NotFound("kpi_not_found", _("no KPI with key %(key)r", key=key), field)
    return kpi


def _kpi_row(key: str):
    return session().execute(_kpi_rows().where(Kpi.key == key)).one()


@api.get("/kpis")
@policy(*ANALYSTS)
@api.arguments(PageQueryIn, location="query")
@api.response(200, page_schema(KpiOut))
def kpis_list(query: dict):
    """The KPI catalog, by key."""
    return page_body(paginate(_kpi_rows(), Kpi.key, query, scalars=False))


@api.get("/kpis/<key>")
@policy(*ANALYSTS)
@api.no_query()
@api.response(200, KpiOut)
@api.alt_response(404, response="NOT_FOUND")
def kpi_show(key: str):
    """One KPI definition."""
    return _kpi_row(_kpi(key).key)


@api.post("/kpis")
@policy(*ANALYSTS)
@api.arguments(KpiIn, location="json")
@api.response(201, KpiOut)
@api.alt_response(409, response="CONFLICT")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def kpi_create(body: dict):
    """Add a KPI under the KPI-definition import's rules; 409 when the key is taken."""
    kpi = kpi_catalog.create_kpi(_as_text(body), actor=current_person())
    session().commit()
    return _kpi_row(kpi.key)


@api.patch("/kpis/<key>")
@policy(*ANALYSTS)
@api.arguments(KpiPatchIn, location="json")
@api.response(200, KpiOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def kpi_update(body: dict, key: str):
    """Change a KPI's name, unit, direction, value, period (while it has no values) or text."""
    kpi = _kpi(key)
    current = {name: getattr(kpi, name) for name in kpi_catalog.EDITABLE}
    kpi_catalog.update_kpi(kpi, _as_text({**current, **body}), actor=current_person())
    session().commit()
    return _kpi_row(key)


def _as_text(values: dict) -> dict:
    """The definition as the catalog service parses it: text, like a form or a file cell."""
    text = {name: "" if value is None else str(value) for name, value in values.items()}
    if values.get("value_per_unit") is not None:
        text["value_per_unit"] = format(values["value_per_unit"], "f")  # never 1E+2
    return text


@api.get("/kpi-values")
@policy("learner", *ANALYSTS)
@api.arguments(KpiValueQueryIn, location="query")
@api.response(200, page_schema(KpiValueOut))
@api.alt_response(404, response="NOT_FOUND")
def kpi_values_list(query: dict):
    """Recorded KPI values, in the order written, filtered by KPI, learner and period.

    Analysts and admins read everyone's (each read is audited); anyone else only their own.
    """
    person = current_person()
    analyst = bool(person.roles & set(ANALYSTS))
    stmt = select(
        KpiValue.id,
        Learner.external_id.label("learner"),
        Kpi.key.label("kpi"),
        KpiValue.period_start,
        KpiValue.value,
        KpiValue.import_batch_id,
    ).join(Learner, Learner.id == KpiValue.learner_id).join(Kpi, Kpi.id == KpiValue.kpi_id)
    if query["kpi"]:
        stmt = stmt.where(KpiValue.kpi_id == _kpi(query["kpi"], "kpi").id)
    if query["learner"]:
        stmt = stmt.where(KpiValue.learner_id == _learner_id(query["learner"], person, analyst))
    elif not analyst:
        stmt = stmt.where(KpiValue.learner_id == person.id)
    if query["period_from"]:
        stmt = stmt.where(KpiValue.period_start >= query["period_from"])
    if query["period_to"]:
        stmt = stmt.where(KpiValue.period_start <= query["period_to"])
    page = paginate(stmt, KpiValue.id, query, scalars=False)
    if analyst:
        _audit_read(person, query, len(page.items))
    return page_body(page)


def _learner_id(external_id: str, person: Learner, analyst: bool) -> int:
    found = session().scalar(select(Learner.id).where(Learner.external_id == external_id))
    if found is None or not (analyst or found == person.id):
        # Same answer for "absent" and "not yours": no probing of who exists.
        raise NotFound(
            "learner_not_found",
            _("no learner with external id %(id)r", id=external_id),
            "learner",
        )
    return found


def _audit_read(person: Learner, query: dict, rows: int) -> None:
    """Individual KPI data was read: say who, which filters and how many rows (DESIGN §8)."""
    filters = {
        name: str(query[name])
        for name in ("kpi", "learner", "period_from", "period_to", "cursor")
        if query[name]
    }
    record_audit(
        "kpi_values.read",
        actor=person,
        target_type="kpi_values",
        target_id=query["learner"] or query["kpi"] or "*",
        details={"filters": filters, "rows": rows, "via": "api"},
    )
    session().commit()
