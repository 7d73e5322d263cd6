"""Import of modules with their KPI links, tags and costs (see the README for the columns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms_roi.db import session
from lms_roi.models import CostItem, Kpi, Module, ModuleKpi, ModuleTag, ModuleVersion
from lms_roi.models._types import METHODS

from . import fields as f
from .base import Counts, Importer

#: Phillips categories given to the two cost columns of the modules file.
FIXED_COST_CATEGORY = "development"
PER_LEARNER_COST_CATEGORY = "delivery"


@dataclass
class ModuleRecord:
    row: int
    slug: str
    title: str
    method: str
    duration_minutes: int
    kpis: dict[str, float]
    fixed_cost: Decimal
    cost_per_learner: Decimal
    summary: str | None
    tags: list[str] | None = field(default=None)


class ModuleImporter(Importer):
    """Modules upserted on ``slug``; their KPI links, tags and imported costs follow the file."""

    kind = "modules"
    required = (
        "slug",
        "title",
        "method",
        "duration_minutes",
        "kpis",
        "fixed_cost",
        "cost_per_learner",
    )
    optional = ("summary", "tags")
    unique = (("slug",),)

    def parse_row(self, row, record):
        slug = self.cell(row, "slug", _slug, record["slug"])
        title = self.cell(row, "title", f.required, record["title"], "title")
        method = self.cell(row, "method", f.choice, record["method"], "method", METHODS)
        duration = self.cell(
            row, "duration_minutes", f.whole, record["duration_minutes"], "duration_minutes"
        )
        kpis = self.cell(row, "kpis", _kpi_weights, record["kpis"])
        fixed = self.cell(row, "fixed_cost", f.money, record["fixed_cost"], "fixed_cost")
        per_learner = self.cell(
            row, "cost_per_learner", f.money, record["cost_per_learner"], "cost_per_learner"
        )
        tags = None
        if "tags" in record:
            tags = sorted(
                {
                    t.strip().lower()[:60]
                    for t in record["tags"].replace("|", ";").split(";")
                    if t.strip()
                }
            )
        return ModuleRecord(
            row,
            slug,
            (title or "")[:200],
            method,
            duration,
            kpis,
            fixed,
            per_learner,
            record.get("summary"),
            tags,
        )

    def check_records(self, records):
        db = session()
        wanted = {key for rec in records for key in rec.kpis or {}}
        self.kpis = {k.key: k for k in db.scalars(select(Kpi).where(Kpi.key.in_(wanted)))}
        for rec in records:
            for key in rec.kpis or {}:
                if key not in self.kpis:
                    self.report(
                        rec.row,
                        "kpis",
                        _("no KPI with key %(key)r", key=key),
                        _("import it first with 'lms-roi import kpi-definitions', or fix the key"),
                    )

    def apply(self, records, batch):
        db = session()
        existing = {
            m.slug: m
            for m in db.scalars(
                select(Module)
                .where(Module.slug.in_([r.slug for r in records]))
                .options(selectinload(Module.tags), selectinload(Module.versions))
            )
        }
        module_ids = [m.id for m in existing.values()]
        links = _by_module(db.scalars(select(ModuleKpi).where(ModuleKpi.module_id.in_(module_ids))))
        costs = _by_module(
            db.scalars(
                select(CostItem).where(
                    CostItem.module_id.in_(module_ids), CostItem.origin == "import"
                )
            )
        )
        counts = Counts()
        for rec in records:
            module = existing.get(rec.slug)
            if module is None:
                module = _new_module(rec, batch.filename)
                db.add(module)
                db.flush()
                _sync_kpis(module, [], rec.kpis, self.kpis)
                _sync_costs(module, [], rec)
                counts.inserted += 1
                continue
            changed = _update_module(module, rec, batch.filename)
            changed |= _sync_kpis(module, links.get(module.id, []), rec.kpis, self.kpis)
            changed |= _sync_costs(module, costs.get(module.id, []), rec)
            if changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
        db.flush()
        return counts


def _slug(value: str) -> str:
    if not f.SLUG_RE.match(value or ""):
        raise f.FieldError(
            _("slug %(slug)r is not valid", slug=value),
            _("use lower-case letters, digits, - and _ (e.g. seo-basics)"),
        )
    return value


def _kpi_weights(value: str) -> dict[str, float]:
    """``qualified_leads:1;conversion_rate:0.5`` -> {key: weight}; a bare key weighs 1."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in (value or "").split(";"))):
        key, _sep, weight_text = part.partition(":")
        key = key.strip()
        if not f.KEY_RE.match(key):
            raise f.FieldError(
                _("%(part)r does not start with a KPI key", part=part),
                _(
                    "write key:weight pairs separated by ';', "
                    "e.g. qualified_leads:1;conversion_rate:0.5"
                ),
            )
        weight = (
            1.0
            if not weight_text.strip()
            else f.number(weight_text.strip(), _("weight of %(key)s", key=key))
        )
        if not 0 < weight <= 1:
            raise f.FieldError(
                _("weight %(weight)g of %(key)s is outside (0, 1]", weight=weight, key=key),
                _("write a weight above 0 and at most 1 (the share of the effect claimed)"),
            )
        if key in weights:
            raise f.FieldError(_("KPI %(key)s is listed twice", key=key), _("list each KPI once"))
        weights[key] = weight
    return weights


def _by_module(items) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for item in items:
        grouped.setdefault(item.module_id, []).append(item)
    return grouped


def _new_module(rec: ModuleRecord, filename: str) -> Module:
    module = Module(
        slug=rec.slug,
        title=rec.title,
        method=rec.method,
        duration_minutes=rec.duration_minutes,
        summary=rec.summary or "",
        published=True,
        current_version=1,
    )
    module.tags = [ModuleTag(tag=tag) for tag in rec.tags or []]
    module.versions = [
        ModuleVersion(
            version=1,
            title=rec.title,
            duration_minutes=rec.duration_minutes,
            change_note=f"Created by import of {filename}",
        )
    ]
    return module


def _update_module(module: Module, rec: ModuleRecord, filename: str) -> bool:
    changed = False
    content_changed = module.title != rec.title or module.duration_minutes != rec.duration_minutes
    if rec.summary is not None and module.summary != rec.summary:
        module.summary, changed = rec.summary, True
    if module.method != rec.method:
        module.method, changed = rec.method, True
    if content_changed:
        # An edit of what learners take is a new version, so ROI can compare before/after.
        module.title, module.duration_minutes = rec.title, rec.duration_minutes
        module.current_version += 1
        module.versions.append(
            ModuleVersion(
                version=module.current_version,
                title=rec.title,
                body_md=module.body_md,
                duration_minutes=rec.duration_minutes,
                change_note=f"Updated by import of {filename}",
            )
        )
        changed = True
    if rec.tags is not None and module.tag_names != rec.tags:
        module.tags = [t for t in module.tags if t.tag in rec.tags] + [
            ModuleTag(tag=tag) for tag in rec.tags if tag not in module.tag_names
        ]
        changed = True
    return changed


def _sync_kpis(module: Module, links: list[ModuleKpi], weights: dict[str, float], kpis) -> bool:
    db = session()
    changed = False
    current = {link.kpi_id: link for link in links}
    wanted = {kpis[key].id: weight for key, weight in weights.items()}
    for kpi_id, link in current.items():
        if kpi_id not in wanted:
            db.delete(link)
            changed = True
        elif link.weight != wanted[kpi_id]:
            link.weight = wanted[kpi_id]
            changed = True
    for kpi_id, weight in wanted.items():
        if kpi_id not in current:
            db.add(ModuleKpi(module_id=module.id, kpi_id=kpi_id, weight=weight))
            changed = True
    return changed


def _sync_costs(module: Module, items: list[CostItem], rec: ModuleRecord) -> bool:
    db = session()
    changed = False
    for basis, category, amount in (
        ("fixed", FIXED_COST_CATEGORY, rec.fixed_cost),
        ("per_learner", PER_LEARNER_COST_CATEGORY, rec.cost_per_learner),
    ):
        item = next((i for i in items if i.basis == basis), None)
        if item is None and amount > 0:
            db.add(
                CostItem(
                    module_id=module.id,
                    category=category,
                    basis=basis,
                    amount=amount,
                    origin="import",
                    description=f"{basis.replace('_', ' ')} cost (import)",
                )
            )
            changed = True
        elif item is not None and amount == 0:
            db.delete(item)
            changed = True
        elif item is not None and item.amount != amount:
            item.amount = amount
            changed = True
    return changed
