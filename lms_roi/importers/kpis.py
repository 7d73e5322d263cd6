"""Imports of KPI definitions and KPI values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from lms_roi import signals
from lms_roi.db import session
from lms_roi.models import ImportBatch, Kpi, KpiValue
from lms_roi.models._types import KPI_DIRECTIONS, KPI_PERIODS

from . import fields as f
from .base import Counts, Importer, LearnerResolver, chunked


@dataclass
class KpiRecord:
    row: int
    key: str
    name: str
    unit: str
    direction: str
    value_per_unit: Decimal
    period: str


class KpiDefinitionImporter(Importer):
    """``key,name,unit,direction,value_per_unit,period``, upserted on ``key``."""

    kind = "kpi-definitions"
    required = ("key", "name", "unit", "direction", "value_per_unit", "period")
    unique = (("key",),)

    def parse_row(self, row, record):
        key = self.cell(row, "key", _key, record["key"])
        values = (
            self.cell(row, "name", f.required, record["name"], "name"),
            self.cell(row, "unit", f.required, record["unit"], "unit"),
            self.cell(row, "direction", f.choice, record["direction"], "direction", KPI_DIRECTIONS),
            self.cell(row, "value_per_unit", _value_per_unit, record["value_per_unit"]),
            self.cell(row, "period", f.choice, record["period"], "period", KPI_PERIODS),
        )
        return KpiRecord(row, key, *values)

    def check_records(self, records):
        db = session()
        keys = [rec.key for rec in records]
        existing = {k.key: k for k in db.scalars(select(Kpi).where(Kpi.key.in_(keys)))}
        with_values = set(
            db.scalars(
                select(KpiValue.kpi_id)
                .where(KpiValue.kpi_id.in_([k.id for k in existing.values()]))
                .distinct()
            )
        )
        for rec in records:
            kpi = existing.get(rec.key)
            if kpi and rec.period and kpi.period != rec.period and kpi.id in with_values:
                self.report(
                    rec.row,
                    "period",
                    _(
                        "KPI %(key)r already has values recorded per %(period)s",
                        key=rec.key,
                        period=kpi.period,
                    ),
                    _(
                        "keep period %(period)s, or define a new KPI key for %(new)s values",
                        period=kpi.period,
                        new=rec.period,
                    ),
                )
        self.existing = existing

    def apply(self, records, batch):
        counts = Counts()
        db = session()
        for rec in records:
            kpi = self.existing.get(rec.key)
            wanted = dict(
                name=rec.name,
                unit=rec.unit,
                direction=rec.direction,
                value_per_unit=rec.value_per_unit,
                period=rec.period,
            )
            if kpi is None:
                db.add(Kpi(key=rec.key, **wanted))
                counts.inserted += 1
            elif any(getattr(kpi, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(kpi, name, value)
                counts.updated += 1
            else:
                counts.unchanged += 1
        db.flush()
        return counts


def _key(value: str) -> str:
    if not f.KEY_RE.match(value or ""):
        raise f.FieldError(
            _("KPI key %(key)r is not valid", key=value),
            _(
                "use lower-case letters, digits and _, starting with a letter "
                "(e.g. qualified_leads)"
            ),
        )
    return value


def _value_per_unit(value: str) -> Decimal:
    f.number(value, "value_per_unit", minimum=0)
    return Decimal(value.replace(",", ".")).quantize(Decimal("0.0001"))


@dataclass
class KpiValueRecord:
    row: int
    learner: str
    kpi: str
    period_start: date
    value: float
    learner_id: int = 0
    kpi_id: int = 0


class KpiValueImporter(Importer):
    """``learner,kpi,period_start,value``, upserted on learner + KPI + period."""

    kind = "kpi-values"
    required = ("learner", "kpi", "period_start", "value")
    unique = (("learner", "kpi", "period_start"),)

    def parse_row(self, row, record):
        learner = self.cell(row, "learner", f.required, record["learner"], "learner")
        kpi = self.cell(row, "kpi", f.required, record["kpi"], "kpi")
        start = self.cell(row, "period_start", f.iso_date, record["period_start"], "period_start")
        value = self.cell(row, "value", f.number, record["value"], "value")
        return KpiValueRecord(row, learner, kpi, start, value)

    def check_records(self, records):
        db = session()
        kpis = {
            k.key: k for k in db.scalars(select(Kpi).where(Kpi.key.in_({r.kpi for r in records})))
        }
        learners = LearnerResolver(r.learner for r in records)
        seen: dict[tuple[int, int, date], int] = {}
        for rec in records:
            kpi = kpis.get(rec.kpi)
            learner_id = learners.get(rec.learner or "")
            if kpi is None and rec.kpi:
                self.report(
                    rec.row,
                    "kpi",
                    _("no KPI with key %(key)r", key=rec.kpi),
                    _("import it first with 'lms-roi import kpi-definitions', or fix the key"),
                )
            elif kpi is not None:
                if rec.period_start:
                    self.cell(
                        rec.row,
                        "period_start",
                        f.period_start,
                        rec.period_start,
                        kpi.period,
                        kpi.key,
                    )
                rec.kpi_id = kpi.id
            if learner_id is None and rec.learner:
                self.report(
                    rec.row,
                    "learner",
                    _("no learner with external id or email %(learner)r", learner=rec.learner),
                    _("import the learner first with 'lms-roi import learners', or fix the id"),
                )
            elif learner_id is not None:
                rec.learner_id = learner_id
            if kpi is not None and learner_id is not None and rec.period_start:
                key = (learner_id, kpi.id, rec.period_start)
                if key in seen:
                    self.report(
                        rec.row,
                        "period_start",
                        _(
                            "a value for this learner, KPI and period is already on row %(row)s",
                            row=seen[key],
                        ),
                        _("keep one row per learner, KPI and period_start"),
                    )
                seen.setdefault(key, rec.row)

    def apply(self, records, batch: ImportBatch):
        db = session()
        existing = _existing_values(records)
        inserts, updates, counts = [], [], Counts()
        for rec in records:
            found = existing.get((rec.learner_id, rec.kpi_id, rec.period_start))
            if found is None:
                inserts.append(
                    dict(
                        learner_id=rec.learner_id,
                        kpi_id=rec.kpi_id,
                        period_start=rec.period_start,
                        value=rec.value,
                        import_batch_id=batch.id,
                    )
                )
            elif found[1] != rec.value:
                updates.append(dict(id=found[0], value=rec.value, import_batch_id=batch.id))
            else:
                counts.unchanged += 1
        for part in chunked(inserts, 5000):
            db.execute(insert(KpiValue), part)
        if updates:
            db.execute(update(KpiValue), updates)
        counts.inserted, counts.updated = len(inserts), len(updates)
        if not batch.dry_run:  # a dry run imported nothing a subscriber should act on
            signals.kpis_imported.send(
                current_app._get_current_object(), batch=batch, counts=counts
            )
        return counts


def _existing_values(records) -> dict[tuple[int, int, date], tuple[int, float]]:
    """Existing values for the file's KPIs and learners over the file's date range."""
    if not records:
        return {}
    db = session()
    low = min(r.period_start for r in records)
    high = max(r.period_start for r in records)
    kpi_ids = sorted({r.kpi_id for r in records})
    result = {}
    for part in chunked(sorted({r.learner_id for r in records})):
        rows = db.execute(
            select(
                KpiValue.learner_id,
                KpiValue.kpi_id,
                KpiValue.period_start,
                KpiValue.id,
                KpiValue.value,
            ).where(
                KpiValue.kpi_id.in_(kpi_ids),
                KpiValue.learner_id.in_(part),
                KpiValue.period_start.between(low, high),
            )
        )
        for learner_id, kpi_id, start, value_id, value in rows:
            result[(learner_id, kpi_id, start)] = (value_id, value)
    return result
