"""The data desk's import files: staged uploads between preview and confirmation, templates.

An uploaded file is checked (a dry run), then kept in ``<instance>/uploads`` under a
random token with who uploaded it, so that only that person can confirm it, once,
within :data:`DEFAULT_TTL_SECONDS`. Nothing reaches the database before confirmation.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from lms_roi.errors import DomainError
from lms_roi.i18n import number
from lms_roi.importers import IMPORTERS

DEFAULT_TTL_SECONDS = 3600
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx")
#: ``secrets.token_urlsafe(32)``: 43 URL-safe characters; anything else never reaches the disk.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")  # always used with fullmatch (no trailing "\n")

#: The order reference data must arrive in (each kind refers to the ones before it).
IMPORT_ORDER = ("kpi-definitions", "learners", "modules", "completions", "kpi-values")

#: One realistic row per kind, consistent across kinds: importing the templates in
#: :data:`IMPORT_ORDER` works on an empty database.
EXAMPLE_ROWS: dict[str, dict[str, str]] = {
    "kpi-definitions": {
        "key": "qualified_leads",
        "name": "Qualified leads",
        "unit": "lead",
        "direction": "higher",
        "value_per_unit": "120",
        "period": "month",
    },
    "learners": {
        "external_id": "E1001",
        "email": "camille.martin@example.com",
        "name": "Camille Martin",
        "team": "Content Marketing",
        "hourly_cost": "48.50",
        "manager_email": "",
        "timezone": "Europe/Paris",
        "locale": "fr",
    },
    "modules": {
        "slug": "seo-basics",
        "title": "SEO basics",
        "method": "online",
        "duration_minutes": "45",
        "kpis": "qualified_leads:1",
        "fixed_cost": "3000",
        "cost_per_learner": "25",
        "summary": "Write pages that search engines rank",
        "tags": "seo;content",
    },
    "completions": {
        "learner": "E1001",
        "module": "seo-basics",
        "completed_at": "2026-03-02T09:30:00",
        "score": "85",
    },
    "kpi-values": {
        "learner": "E1001",
        "kpi": "qualified_leads",
        "period_start": "2026-03-01",
        "value": "14",
    },
}


def import_kinds() -> list[str]:
    """Every import kind, in the order the data should be imported."""
    return [k for k in IMPORT_ORDER if k in IMPORTERS] + [
        k for k in IMPORTERS if k not in IMPORT_ORDER
    ]


def columns(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The required and optional columns the importer of ``kind`` reads."""
    importer = IMPORTERS[kind]
    return importer.required, importer.optional


def template_csv(kind: str) -> bytes:
    """A CSV with the exact header of ``kind`` and one example row, UTF-8 with a BOM for Excel."""
    required, optional = columns(kind)
    header = [*required, *optional]
    example = EXAMPLE_ROWS.get(kind, {})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow([example.get(name, "") for name in header])
    return buffer.getvalue().encode("utf-8-sig")


def upload_problem(filename: str, size: int) -> str | None:
    """Why a browser upload cannot be imported (not CSV/XLSX, too large), or None.

    What is inside the file is the importer's business: it names any unreadable content.
    """
    if not filename.lower().endswith(ALLOWED_SUFFIXES):
        return _(
            "%(name)s is not a CSV or XLSX file. Save it as CSV UTF-8 or as an Excel "
            "workbook (.xlsx), then upload it again.",
            name=filename,
        )
    limit = upload_max_bytes()
    if size > limit:
        return _(
            "%(name)s is %(size)s MB; files up to %(limit)s MB can be imported. "
            "Split it into several files.",
            name=filename,
            size=number(size / 1024 / 1024, 1),
            limit=number(limit / 1024 / 1024),
        )
    return None


class UploadUnavailable(DomainError):
    """The staged upload is gone, expired, already confirmed or someone else's."""

    status = 404

    def __init__(self):
        super().__init__(
            "upload_unavailable",
            _(
                "This upload is no longer available: it was already imported or cancelled, "
                "it expired, or it was uploaded by someone else. Upload the file again."
            ),
            "token",
        )


@dataclass(frozen=True)
class StagedUpload:
    """A checked file waiting for its uploader's confirmation."""

    token: str
    kind: str
    filename: str
    uploader_id: int
    staged_at: float


def upload_folder() -> Path:
    """``<instance>/uploads``, where files wait between preview and confirmation."""
    return Path(current_app.instance_path) / "uploads"


def upload_ttl() -> int:
    """Seconds a staged upload stays confirmable (``LMS_ROI_UPLOAD_TTL_SECONDS``)."""
    return int(current_app.config.get("LMS_ROI_UPLOAD_TTL_SECONDS", DEFAULT_TTL_SECONDS))


def upload_max_bytes() -> int:
    """The largest import file accepted in the browser (``LMS_ROI_UPLOAD_MAX_BYTES``)."""
    return int(current_app.config.get("LMS_ROI_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def stage_upload(content: bytes, *, kind: str, filename: str, uploader_id: int) -> StagedUpload:
    """Keep a checked file under a new unguessable token (owner-only permissions)."""
    purge_expired()
    folder = upload_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    upload = StagedUpload(secrets.token_urlsafe(32), kind, filename, uploader_id, time.time())
    _write_new(folder / upload.token, content)
    _write_new(folder / f"{upload.token}.json", json.dumps(asdict(upload)).encode())
    return upload


def claim_upload(token: str, uploader_id: int) -> tuple[StagedUpload, bytes]:
    """Take a staged upload and its bytes for import or cancellation: its uploader only, once.

    Renaming the metadata is atomic, so of two simultaneous confirmations one wins.
    """
    upload = _read(token)
    if upload is None or upload.uploader_id != uploader_id:
        raise UploadUnavailable()
    meta = upload_folder() / f"{token}.json"
    try:
        meta.rename(meta.with_suffix(".claimed"))
    except FileNotFoundError as error:  # another request claimed it first
        raise UploadUnavailable() from error
    try:
        content = (upload_folder() / token).read_bytes()
    except FileNotFoundError as error:
        discard_upload(token)
        raise UploadUnavailable() from error
    return upload, content


def discard_upload(token: str) -> None:
    """Remove a staged file and its metadata (claimed or not)."""
    if not TOKEN_RE.fullmatch(token or ""):
        return
    folder = upload_folder()
    for path in (folder / token, folder / f"{token}.json", folder / f"{token}.claimed"):
        path.unlink(missing_ok=True)


def purge_expired(now: float | None = None) -> int:
    """Remove staged uploads older than :func:`upload_ttl`; return how many went."""
    folder = upload_folder()
    if not folder.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - upload_ttl()
    stale = set()
    for path in folder.iterdir():
        token = path.name.split(".", 1)[0]
        try:
            if TOKEN_RE.fullmatch(token) and path.stat().st_mtime < limit:
                stale.add(token)
        except FileNotFoundError:
            continue  # removed meanwhile by another request
    for token in stale:
        discard_upload(token)
    return len(stale)


def _read(token: str) -> StagedUpload | None:
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    try:
        data = json.loads((upload_folder() / f"{token}.json").read_text())
        upload = StagedUpload(**data)
    except (OSError, ValueError, TypeError):
        return None
    if upload.staged_at < time.time() - upload_ttl() or upload.kind not in IMPORTERS:
        discard_upload(token)
        return None
    return upload


def _write_new(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
