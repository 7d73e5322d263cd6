"""Cost entry by Phillips category for modules and programs."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import CostItem, Learner, Module, Program
from lms_roi.models._types import COST_BASES, COST_CATEGORIES
from lms_roi.services.audit import record_audit


def add_cost_item(
    *,
    target: Module | Program,
    category: str,
    basis: str,
    amount: Decimal,
    description: str = "",
    actor: Learner | None = None,
) -> CostItem:
    """Record a cost of a module or a program; amounts are in the organisation's currency."""
    if category not in COST_CATEGORIES:
        raise DomainError(
            "unknown_category",
            _("use one of %(categories)s", categories=", ".join(COST_CATEGORIES)),
            "category",
        )
    if basis not in COST_BASES:
        raise DomainError("unknown_basis", _("use fixed or per_learner"), "basis")
    if amount is None or amount < 0:
        raise DomainError("negative_amount", _("an amount is 0 or more"), "amount")
    item = CostItem(
        category=category, basis=basis, amount=amount, description=description, origin="manual"
    )
    if isinstance(target, Module):
        item.module_id = target.id
    else:
        item.program_id = target.id
    session().add(item)
    session().flush()
    record_audit(
        "cost.added",
        actor=actor,
        target_type="cost_item",
        target_id=str(item.id),
        details={"category": category, "basis": basis, "amount": str(amount)},
    )
    return item


def delete_cost_item(item: CostItem, *, actor: Learner | None = None) -> None:
    """Remove a cost item (an import keeps re-creating the items it maintains)."""
    record_audit(
        "cost.deleted",
        actor=actor,
        target_type="cost_item",
        target_id=str(item.id),
        details={"category": item.category, "amount": str(item.amount)},
    )
    session().delete(item)
    session().flush()
