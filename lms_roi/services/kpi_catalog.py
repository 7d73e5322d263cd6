"""The KPI catalog edited in the browser, under exactly the rules of the KPI-definition import.

Both paths parse a definition with :class:`KpiDefinitionImporter` (its field parsers
and its cross-check that a KPI with recorded values keeps its period), so a value the
import refuses is refused here with the same message and fix.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import ConflictError, DomainError
from lms_roi.importers.issues import ImportIssue
from lms_roi.importers.kpis import KpiDefinitionImporter, KpiRecord
from lms_roi.models import Kpi, Learner
from lms_roi.services.audit import record_audit

#: Where issues of a hand-edited KPI come from (never shown: the form names the field).
SOURCE = "kpi-catalog"
#: Fields a person may change after creation (the key is the KPI's identity in files).
EDITABLE = ("name", "unit", "direction", "value_per_unit", "period", "description")
#: Column sizes of :class:`Kpi`, checked so a long name is refused rather than truncated.
MAX_LENGTHS = {"name": 200, "unit": 40, "description": 2000}


class KpiInvalid(DomainError):
    """A KPI definition that breaks an import rule; ``issues`` has every problem by field."""

    status = 422

    def __init__(self, issues: list[ImportIssue]):
        first = issues[0]
        super().__init__("invalid_kpi", first.message, first.column)
        self.issues = issues


def check_kpi(values: dict[str, object]) -> KpiRecord:
    """Parse a definition (key, name, unit, direction, value_per_unit, period) like the import.

    Raises :class:`KpiInvalid` listing every problem, as the import reports them.
    """
    importer = KpiDefinitionImporter(SOURCE)
    row = {name: str(values.get(name) or "").strip() for name in importer.required}
    record = importer.parse_row(1, row)
    importer.check_records([record])
    for name, limit in MAX_LENGTHS.items():
        text = str(values.get(name) or "").strip()
        if len(text) > limit:
            importer.report(
                1,
                name,
                _("%(field)s is longer than %(limit)d characters", field=name, limit=limit),
                _("shorten it to %(limit)d characters", limit=limit),
            )
    if importer.issues:
        raise KpiInvalid(importer.issues)
    return record


def create_kpi(values: dict[str, object], *, actor: Learner | None = None) -> Kpi:
    """Add a KPI to the catalog; a key already in use raises :class:`ConflictError`."""
    record = check_kpi(values)
    db = session()
    if db.scalar(select(Kpi.id).where(Kpi.key == record.key)) is not None:
        raise ConflictError(
            "kpi_exists",
            _("A KPI with the key %(key)s already exists; edit it instead.", key=record.key),
            "key",
        )
    kpi = Kpi(key=record.key, **_wanted(record, values))
    db.add(kpi)
    db.flush()
    record_audit(
        "kpi.created",
        actor=actor,
        target_type="kpi",
        target_id=kpi.key,
        details={name: str(getattr(kpi, name)) for name in EDITABLE},
    )
    return kpi


def update_kpi(kpi: Kpi, values: dict[str, object], *, actor: Learner | None = None) -> list[str]:
    """Change a KPI's editable fields; return the names of those that changed.

    The key cannot change: files of KPI values and module links refer to it.
    """
    key = str(values.get("key") or kpi.key).strip()
    if key != kpi.key:
        raise DomainError(
            "kpi_key_immutable",
            _(
                "The key of a KPI cannot change (files refer to it); "
                "create a new KPI with the key %(key)s instead.",
                key=key,
            ),
            "key",
        )
    record = check_kpi({**values, "key": kpi.key})
    changes = {
        name: [str(getattr(kpi, name)), str(value)]
        for name, value in _wanted(record, values).items()
        if getattr(kpi, name) != value
    }
    for name, value in _wanted(record, values).items():
        setattr(kpi, name, value)
    session().flush()
    if changes:
        record_audit(
            "kpi.updated",
            actor=actor,
            target_type="kpi",
            target_id=kpi.key,
            details={"changes": changes},
        )
    return sorted(changes)


def _wanted(record: KpiRecord, values: dict[str, object]) -> dict[str, object]:
    return {
        "name": record.name,
        "unit": record.unit,
        "direction": record.direction,
        "value_per_unit": record.value_per_unit,
        "period": record.period,
        "description": str(values.get("description") or "").strip(),
    }
