"""The audit log of sensitive reads and changes."""

from __future__ import annotations

from flask import has_request_context, request

from lms_roi.db import session
from lms_roi.models import AuditLog, Learner


def record_audit(
    action: str,
    *,
    actor: Learner | None,
    target_type: str = "",
    target_id: str = "",
    details: dict | None = None,
    actor_label: str = "",
) -> AuditLog:
    """Append an audit entry (``actor`` None means a CLI or system actor)."""
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.external_id if actor is not None else "system"),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        details=details or {},
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    session().add(entry)
    return entry
