"""CSV/XLSX imports: all-or-nothing, idempotent upserts on natural keys.

Use :func:`import_file` (or ``lms-roi import KIND FILE``); every rejected row is
reported as ``file:row:column: message (fix: ...)``.
"""

from __future__ import annotations

from .base import ImportResult, import_table, run_import
from .completions import CompletionImporter
from .issues import ImportIssue, ImportRejected
from .kpis import KpiDefinitionImporter, KpiValueImporter
from .learners import LearnerImporter
from .modules import ModuleImporter
from .table import Table

IMPORTERS = {
    importer.kind: importer
    for importer in (
        LearnerImporter,
        KpiDefinitionImporter,
        ModuleImporter,
        CompletionImporter,
        KpiValueImporter,
    )
}


def import_file(kind: str, content: bytes, filename: str, **options) -> ImportResult:
    """Import ``content`` as ``kind`` (see :data:`IMPORTERS`); options as :func:`run_import`."""
    return run_import(IMPORTERS[kind], content, filename, **options)


def import_records(kind: str, records: list[dict], source: str, **options) -> ImportResult:
    """Import JSON records (objects with the file's column names) as ``kind``.

    Rows are numbered from 1 in the order given; values are read like file cells.
    """
    import hashlib
    import json

    header = list(IMPORTERS[kind].required + IMPORTERS[kind].optional)
    seen = {key for record in records for key in record}
    header += sorted(seen - set(header))  # unknown fields are reported by the header check
    header = [h for h in header if h in seen or h in IMPORTERS[kind].required]
    rows = [
        (number, {key: _cell(record.get(key)) for key in header})
        for number, record in enumerate(records, start=1)
    ]
    digest = hashlib.sha256(json.dumps(records, sort_keys=True, default=str).encode()).hexdigest()
    return import_table(IMPORTERS[kind], Table(source, header, rows), digest, **options)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).strip()


__all__ = [
    "IMPORTERS",
    "ImportIssue",
    "ImportRejected",
    "ImportResult",
    "import_file",
    "import_records",
]
