"""CSV/XLSX imports: all-or-nothing, idempotent upserts on natural keys.

Use :func:`import_file` (or ``lms-roi import KIND FILE``); every rejected row is
reported as ``file:row:column: message (fix: ...)``.
"""

from __future__ import annotations

from .base import ImportResult, run_import
from .completions import CompletionImporter
from .issues import ImportIssue, ImportRejected
from .kpis import KpiDefinitionImporter, KpiValueImporter
from .learners import LearnerImporter
from .modules import ModuleImporter

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


__all__ = ["IMPORTERS", "ImportIssue", "ImportRejected", "ImportResult", "import_file"]
