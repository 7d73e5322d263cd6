"""REST API tokens: issued once in clear, stored as a prefix plus a SHA-256 hash.

A token acts for its holder with the roles it lists (``ApiToken.scopes``) that the holder
still has; a token listing none acts with all of them. Revoked or expired tokens
authenticate nobody.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import OperationalError

from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError
from lms_roi.labels import label
from lms_roi.models import ApiToken, Learner
from lms_roi.models._types import ROLES
from lms_roi.services.audit import record_audit

TOKEN_PREFIX = "lmsroi"  # noqa: S105 (public token prefix)
#: ``last_used_at`` is written at most this often per token (spares a write per call).
TOUCH_EVERY = timedelta(minutes=1)
#: How long (ms) recording a token's use waits for a lock before giving up.
TOUCH_LOCK_WAIT_MS = 200

log = logging.getLogger(__name__)


def issue_api_token(
    learner: Learner,
    *,
    name: str = "",
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
    actor: Learner | None = None,
):
    """Create a token for ``learner``; returns ``(ApiToken, clear_text)``.

    ``scopes`` are the token's roles, each one the holder must have (empty: all of
    theirs). The clear text is shown once; only its hash is kept. Tokens carry 256 bits
    of randomness, so a fast hash is enough (no password stretching needed).
    """
    roles = sorted(set(scopes or []))
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise DomainError(
            "unknown_role", _("unknown role %(role)r", role=unknown[0]), "roles"
        )
    not_held = [role for role in roles if role not in held_roles(learner)]
    if not_held:
        raise DomainError(
            "role_not_held",
            _(
                "%(person)s does not have the role %(role)s",
                person=learner.display_name,
                role=label(not_held[0], "role"),
            ),
            "roles",
        )
    if expires_at is not None and expires_at <= utcnow():
        raise DomainError("expiry_in_past", _("choose an expiry date in the future"), "expires_at")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    clear = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    token = ApiToken(
        learner=learner,
        name=name,
        prefix=prefix,
        token_hash=_digest(clear),
        scopes=roles,
        expires_at=expires_at,
    )
    session().add(token)
    session().flush()
    record_audit(
        "api_token.created",
        actor=actor,
        target_type="api_token",
        target_id=prefix,
        details={"holder": learner.external_id, "roles": roles},
    )
    return token, clear


def revoke_api_token(token: ApiToken, *, actor: Learner | None = None) -> ApiToken:
    """Revoke ``token`` (from now on it authenticates nobody); revoking twice is harmless."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_audit(
            "api_token.revoked",
            actor=actor,
            target_type="api_token",
            target_id=token.prefix,
            details={"holder": token.learner.external_id},
        )
        session().flush()
    return token


def find_holder(reference: str) -> Learner | None:
    """The person with this external id, else this email (case-insensitive)."""
    reference = reference.strip()
    return session().scalar(
        select(Learner)
        .where(
            or_(Learner.external_id == reference, func.lower(Learner.email) == reference.lower())
        )
        .order_by(Learner.external_id != reference)
        .limit(1)
    )


def find_api_token(prefix: str) -> ApiToken | None:
    """The token with this public prefix (the part after ``lmsroi_``), or None."""
    prefix = prefix.removeprefix(f"{TOKEN_PREFIX}_").split("_", 1)[0]
    return session().scalar(select(ApiToken).where(ApiToken.prefix == prefix))


def authenticate_token(clear: str) -> ApiToken | None:
    """The live token matching ``clear``, or None (unknown, revoked or expired)."""
    parts = clear.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = session().scalar(select(ApiToken).where(ApiToken.prefix == parts[1]))
    if token is None or not hmac.compare_digest(token.token_hash, _digest(clear)):
        return None
    if token_status(token) != "active":
        return None
    return token


def token_status(token: ApiToken, now: datetime | None = None) -> str:
    """``active``, ``revoked`` or ``expired``."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def held_roles(learner: Learner) -> set[str]:
    """The roles granted to ``learner``, whatever token they use now."""
    return {grant.role for grant in learner.role_grants}


def token_roles(token: ApiToken) -> frozenset[str]:
    """The roles a call with ``token`` has: its roles that the holder still has."""
    held = held_roles(token.learner)
    return frozenset(held & set(token.scopes) if token.scopes else held)


def use_to_note(token: ApiToken, now: datetime | None = None) -> bool:
    """Whether ``token``'s use is due to be recorded (at most once a minute); no query."""
    now = now or utcnow()
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY


def touch_token(token: ApiToken, now: datetime | None = None) -> bool:
    """Record a use of ``token`` in its own short transaction; True when it wrote.

    Bookkeeping only, so it never fails the request: the update is conditional in SQL
    (concurrent requests write it once), waits briefly for a lock, and is skipped when
    the database is busy. It commits what the session read so far (authentication only
    reads): on SQLite the update is then the first statement of its own transaction,
    which waits for a concurrent writer instead of failing at once on stale reads.
    """
    now = now or utcnow()
    if not use_to_note(token, now):
        return False
    token_id = token.id
    db = session()
    db.commit()
    try:
        with _short_lock_wait(db):
            written = db.execute(
                update(ApiToken)
                .where(
                    ApiToken.id == token_id,
                    ApiToken.last_used_at.is_(None) | (ApiToken.last_used_at < now - TOUCH_EVERY),
                )
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
        db.commit()
    except OperationalError:
        db.rollback()
        log.info("API token %s: last use not recorded, the database is busy", token_id)
        return False
    return bool(written)


@contextmanager
def _short_lock_wait(db):
    """Wait at most :data:`TOUCH_LOCK_WAIT_MS` for a lock (instead of the usual timeout)."""
    connection = db.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # Local to this transaction: gone at its commit or rollback.
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {TOUCH_LOCK_WAIT_MS}")
        yield
        return
    if dialect != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {TOUCH_LOCK_WAIT_MS}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(before)}")


def _digest(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()
