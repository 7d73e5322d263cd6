"""The import pipeline shared by every kind: read, check, validate, then write all or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, ClassVar

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import chunked, session
from lms_roi.models import ImportBatch, Learner

from .fields import FieldError
from .issues import ImportIssue, ImportRejected
from .table import Table, read_table


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    kind: str
    filename: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    dry_run: bool
    batch_id: int | None = None

    def summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        return (
            f"{self.kind}: {self.rows} rows checked; {verb}: {self.inserted} inserted, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer:
    """One import kind: its columns, how a row is parsed and how records are written.

    Subclasses implement :meth:`parse_row` (return a record or None after
    reporting issues), optionally :meth:`check_records` (cross-row and database
    checks) and :meth:`apply` (bulk upsert, returning :class:`Counts`).
    """

    kind: ClassVar[str]
    required: ClassVar[tuple[str, ...]]
    optional: ClassVar[tuple[str, ...]] = ()
    #: Column groups whose values may appear on one row only (checked on every row).
    unique: ClassVar[tuple[tuple[str, ...], ...]] = ()

    def __init__(self, filename: str):
        self.filename = filename
        self.issues: list[ImportIssue] = []
        self.timezone = current_app.config.get("LMS_ROI_TIMEZONE", "UTC")

    # -- reporting -----------------------------------------------------------------
    def report(self, row: int, column: str, message: str, fix: str) -> None:
        """Record a problem at ``row``/``column``."""
        self.issues.append(ImportIssue(self.filename, row, column, message, fix))

    def cell(self, row: int, column: str, parse: Callable[..., Any], *args) -> Any:
        """``parse(value, *args)``; a :class:`FieldError` is reported and gives None."""
        try:
            return parse(*args)
        except FieldError as error:
            self.report(row, column, error.message, error.fix)
            return None

    # -- steps ---------------------------------------------------------------------
    def check_header(self, header: list[str]) -> None:
        """Missing, unknown and repeated columns, each reported on row 1."""
        allowed = self.required + self.optional
        expected = ",".join(self.required) + "".join(f"[,{c}]" for c in self.optional)
        seen: set[str] = set()
        for name in header:
            if name in seen:
                self.report(
                    1, name, _("column %(name)r appears twice", name=name), _("keep one of them")
                )
            seen.add(name)
            if name not in allowed:
                self.report(
                    1,
                    name or _("(blank)"),
                    _("unknown column %(name)r", name=name),
                    _(
                        "rename or remove it; the %(kind)s columns are %(expected)s",
                        kind=self.kind,
                        expected=expected,
                    ),
                )
        for name in self.required:
            if name not in seen:
                self.report(
                    1,
                    name,
                    _("missing column %(name)r", name=name),
                    _("add it; the header must be %(expected)s", expected=expected),
                )

    def parse_row(self, row: int, record: dict[str, str]) -> Any:  # pragma: no cover
        raise NotImplementedError

    def check_records(self, records: list[Any]) -> None:
        """Checks across rows and against the database (override as needed)."""

    def apply(self, records: list[Any], batch: ImportBatch) -> Counts:  # pragma: no cover
        raise NotImplementedError


def run_import(
    importer_class: type[Importer],
    content: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    actor: Learner | None = None,
    actor_label: str = "",
    progress: Callable[[int], ContextManager] | None = None,
) -> ImportResult:
    """Validate the whole file, then write it in the current transaction.

    Raises :class:`ImportRejected` listing every problem when any row is bad;
    then nothing has been written. The caller commits a real run. A dry run
    validates and counts exactly like a real run, inside a savepoint that is
    rolled back before returning: it leaves the caller's transaction as it found it.
    """
    table = read_table(content, filename)
    return import_table(
        importer_class,
        table,
        hashlib.sha256(content).hexdigest(),
        dry_run=dry_run,
        actor=actor,
        actor_label=actor_label,
        progress=progress,
    )


def import_table(
    importer_class: type[Importer],
    table: Table,
    sha256: str,
    *,
    dry_run: bool = False,
    actor: Learner | None = None,
    actor_label: str = "",
    progress: Callable[[int], ContextManager] | None = None,
) -> ImportResult:
    """:func:`run_import` for rows already read (from a file or a JSON body)."""
    filename = table.filename
    importer = importer_class(filename)
    importer.check_header(table.header)
    if importer.issues:
        raise ImportRejected(importer.issues)
    # ``progress(total)`` gives a context manager yielding a bar with ``update(n)``.
    with progress(len(table.rows)) if progress else nullcontext() as bar:
        records = list(_parsed(importer, table, bar))
    importer.check_records(records)
    if importer.issues:
        raise ImportRejected(importer.issues)
    batch = ImportBatch(
        kind=importer.kind,
        filename=filename[-255:],
        file_sha256=sha256,
        rows=len(records),
        dry_run=dry_run,
        actor_id=actor.id if actor else None,
        actor_label=actor_label or (actor.external_id if actor else "cli"),
    )
    db = session()
    # A dry run writes inside a savepoint and rolls back only that, so whatever else the
    # caller's transaction holds (a host application's pending changes) stays as it was.
    savepoint = db.begin_nested() if dry_run else None
    try:
        db.add(batch)
        db.flush()
        counts = importer.apply(records, batch)
        batch.inserted, batch.updated, batch.unchanged = (
            counts.inserted,
            counts.updated,
            counts.unchanged,
        )
        db.flush()
        batch_id = None if dry_run else batch.id
    finally:
        if savepoint is not None:
            savepoint.rollback()
    return ImportResult(
        importer.kind,
        filename,
        len(records),
        counts.inserted,
        counts.updated,
        counts.unchanged,
        dry_run,
        batch_id,
    )


def _parsed(importer: Importer, table: Table, bar) -> Iterator[Any]:
    first_rows: dict[tuple, int] = {}
    for number, record in table.rows:
        if bar is not None:
            bar.update(1)
        if _repeats_a_row(importer, number, record, first_rows):
            continue
        if record.pop("\0extra", None):
            importer.report(
                number,
                "-",
                _("the row has more cells than the header has columns"),
                _("remove the extra cells or add the missing header"),
            )
        parsed = importer.parse_row(number, record)
        if parsed is not None:
            yield parsed


def _repeats_a_row(importer: Importer, number: int, record: dict, first_rows: dict) -> bool:
    """Report a row whose natural key already appeared (emails compared case-blind)."""
    for columns in importer.unique:
        values = tuple(
            record.get(c, "").lower() if "@" in record.get(c, "") else record.get(c, "")
            for c in columns
        )
        if not all(values):
            continue
        first = first_rows.setdefault((columns, values), number)
        if first != number:
            shown = ", ".join(record[c] for c in columns)
            importer.report(
                number,
                columns[-1],
                _("%(values)r is already on row %(row)s", values=shown, row=first),
                _("keep one row per %(columns)s", columns=" + ".join(columns)),
            )
            return True
    return False


class LearnerResolver:
    """Finds learner ids by external id or email, in a few bulk queries."""

    def __init__(self, references: Iterable[str]):
        refs = {ref for ref in references if ref}
        emails = {ref.lower() for ref in refs if "@" in ref}
        self.by_external: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        db = session()
        for part in chunked(refs):
            self.by_external.update(
                db.execute(
                    select(Learner.external_id, Learner.id).where(Learner.external_id.in_(part))
                ).all()
            )
        for part in chunked(emails):
            self.by_email.update(
                db.execute(select(Learner.email, Learner.id).where(Learner.email.in_(part))).all()
            )

    def get(self, reference: str) -> int | None:
        """The learner id for an external id or an email, or None."""
        found = self.by_external.get(reference)
        if found is None and "@" in reference:
            found = self.by_email.get(reference.lower())
        return found
