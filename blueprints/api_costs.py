"""REST endpoints of costs (``/costs``): the analytics cost page over the API.

Analysts and admins list, add and remove the cost items of modules and programs by
Phillips category, through :mod:`lms_roi.services.costs` (the page's rules and audit).
Amounts are in the organisation's currency and sent unrounded.
"""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import CostItem, Module, Program
from lms_roi.models._types import COST_BASES, COST_CATEGORIES
from lms_roi.policy import current_person, policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services.costs import add_cost_item, delete_cost_item

from .api import api
from .api_base import NotFound
from .api_pages import PageQueryIn, page_body, page_schema, paginate

ANALYSTS = ("analyst", "admin")


class CostItemQueryIn(PageQueryIn):
    """Query of ``GET /costs``."""

    module = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    program = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    category = fields.String(load_default=None, validate=validate.OneOf(COST_CATEGORIES))
    basis = fields.String(load_default=None, validate=validate.OneOf(COST_BASES))


class CostItemIn(LocalizedSchema):
    """Body of ``POST /costs``: a cost of one module or one program (give exactly one)."""

    module = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    program = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    category = fields.String(required=True, validate=validate.OneOf(COST_CATEGORIES))
    basis = fields.String(load_default="fixed", validate=validate.OneOf(COST_BASES))
    amount = fields.Decimal(
        required=True, places=2, validate=validate.Range(min=0, max=999_999_999_999)
    )
    description = fields.String(load_default="", validate=validate.Length(max=255))


class CostItemOut(Schema):
    """A cost item (``origin``: manual, or import when a modules file maintains it)."""

    id = fields.Integer()
    module = fields.String(allow_none=True)
    program = fields.String(allow_none=True)
    category = fields.String()
    basis = fields.String()
    amount = fields.Float()
    description = fields.String()
    origin = fields.String()
    incurred_on = fields.Date(allow_none=True)
    created_at = fields.DateTime()


def _cost_rows():
    return (
        select(
            CostItem.id,
            Module.slug.label("module"),
            Program.slug.label("program"),
            CostItem.category,
            CostItem.basis,
            CostItem.amount,
            CostItem.description,
            CostItem.origin,
            CostItem.incurred_on,
            CostItem.created_at,
        )
        .outerjoin(Module, Module.id == CostItem.module_id)
        .outerjoin(Program, Program.id == CostItem.program_id)
    )


def _cost_row(item_id: int):
    row = session().execute(_cost_rows().where(CostItem.id == item_id)).one_or_none()
    if row is None:
        raise NotFound("cost_not_found", _("no cost item with id %(id)s", id=item_id), "id")
    return row


def _target(model, slug: str, field: str):
    found = session().scalar(select(model).where(model.slug == slug))
    if found is None:
        message = (
            _("no module with slug %(slug)r", slug=slug)
            if model is Module
            else _("no program with slug %(slug)r", slug=slug)
        )
        raise DomainError(f"unknown_{field}", message, field)
    return found


@api.get("/costs")
@policy(*ANALYSTS)
@api.arguments(CostItemQueryIn, location="query")
@api.response(200, page_schema(CostItemOut))
def costs_list(query: dict):
    """Cost items, oldest first, filtered by ``module``, ``program``, ``category``, ``basis``."""
    stmt = _cost_rows()
    if query["module"]:
        stmt = stmt.where(CostItem.module_id == _target(Module, query["module"], "module").id)
    if query["program"]:
        stmt = stmt.where(CostItem.program_id == _target(Program, query["program"], "program").id)
    if query["category"]:
        stmt = stmt.where(CostItem.category == query["category"])
    if query["basis"]:
        stmt = stmt.where(CostItem.basis == query["basis"])
    return page_body(paginate(stmt, CostItem.id, query, scalars=False))


@api.get("/costs/<int:item_id>")
@policy(*ANALYSTS)
@api.no_query()
@api.response(200, CostItemOut)
@api.alt_response(404, response="NOT_FOUND")
def cost_show(item_id: int):
    """One cost item."""
    return _cost_row(item_id)


@api.post("/costs")
@policy(*ANALYSTS)
@api.arguments(CostItemIn, location="json")
@api.response(201, CostItemOut)
def cost_create(body: dict):
    """Add a cost of a module or a program in a Phillips category."""
    if bool(body["module"]) == bool(body["program"]):
        raise DomainError(
            "target_required", _("give either a module or a program, not both"), "module"
        )
    target = (
        _target(Module, body["module"], "module")
        if body["module"]
        else _target(Program, body["program"], "program")
    )
    item = add_cost_item(
        target=target,
        category=body["category"],
        basis=body["basis"],
        amount=body["amount"],
        description=body["description"],
        actor=current_person(),
    )
    session().commit()
    return _cost_row(item.id)


@api.delete("/costs/<int:item_id>")
@policy(*ANALYSTS)
@api.response(204)
@api.alt_response(404, response="NOT_FOUND")
def cost_delete(item_id: int):
    """Remove a cost item (the removal is audited)."""
    item = session().get(CostItem, item_id)
    if item is None:
        raise NotFound("cost_not_found", _("no cost item with id %(id)s", id=item_id), "id")
    delete_cost_item(item, actor=current_person())
    session().commit()
