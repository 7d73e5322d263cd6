"""xAPI clients: the learning platforms allowed to send statements (HTTP Basic auth).

A client is a random key (its Basic user name) and a random secret (its password),
shown once in clear; only the secret's SHA-256 is kept. Secrets carry 256 bits of
randomness, so a fast hash is enough (no password stretching needed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError
from lms_roi.models import Learner, XapiClient
from lms_roi.services.audit import record_audit

NAME_MAX = 200
#: ``last_used_at`` is written at most this often per client (not on every request).
TOUCH_EVERY = timedelta(minutes=1)


def create_client(
    name: str, *, actor: Learner | None = None, actor_label: str = ""
) -> tuple[XapiClient, str]:
    """Create a client named ``name``; returns ``(client, clear_secret)``. Only flushes."""
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("Give the client a name."), "name")
    if len(name) > NAME_MAX:
        raise DomainError(
            "name_too_long", _("Use at most %(max)d characters.", max=NAME_MAX), "name"
        )
    secret = secrets.token_urlsafe(32)
    client = XapiClient(
        name=name,
        key=secrets.token_hex(16),
        secret_hash=_digest(secret),
        active=True,
        created_by_id=actor.id if actor is not None else None,
    )
    db = session()
    db.add(client)
    db.flush()
    record_audit(
        "xapi_client.created",
        actor=actor,
        actor_label=actor_label,
        target_type="xapi_client",
        target_id=client.key,
        details={"name": name},
    )
    return client, secret


def authenticate_client(key: str, secret: str) -> XapiClient | None:
    """The usable client with this key and secret, or None (unknown, wrong or revoked)."""
    if not key or not secret or len(key) > 64:
        return None
    client = session().scalar(select(XapiClient).where(XapiClient.key == key))
    if client is None or not hmac.compare_digest(client.secret_hash, _digest(secret)):
        return None
    return client if client.usable else None


def use_to_note(client: XapiClient) -> bool:
    """Whether ``client``'s use is due to be recorded (at most once a minute); no query."""
    last = client.last_used_at
    return last is None or utcnow() - last >= TOUCH_EVERY


def note_use(client_id: int) -> bool:
    """Record that the client was used now, at most once a minute; returns whether it wrote.

    The update is conditional in SQL, so concurrent requests write it once. It reads
    nothing first: on SQLite it can be the first statement of its transaction, which
    then waits for a concurrent writer instead of failing on stale reads.
    """
    now = utcnow()
    result = session().execute(
        update(XapiClient)
        .where(
            XapiClient.id == client_id,
            (XapiClient.last_used_at.is_(None)) | (XapiClient.last_used_at < now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def revoke_client(
    client: XapiClient, *, actor: Learner | None = None, actor_label: str = ""
) -> bool:
    """Revoke ``client`` for good (its statements stay); False when it already was."""
    if client.revoked_at is not None:
        return False
    client.revoked_at = utcnow()
    client.active = False
    record_audit(
        "xapi_client.revoked",
        actor=actor,
        actor_label=actor_label,
        target_type="xapi_client",
        target_id=client.key,
        details={"name": client.name},
    )
    session().flush()
    return True


def list_clients() -> list[XapiClient]:
    """Every client, usable ones first, newest first."""
    return list(
        session().scalars(
            select(XapiClient).order_by(
                XapiClient.revoked_at.is_not(None),
                XapiClient.created_at.desc(),
                XapiClient.id.desc(),
            )
        )
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
