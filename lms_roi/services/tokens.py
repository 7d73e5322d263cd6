"""REST API tokens: issued once in clear, stored as a prefix plus a SHA-256 hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from lms_roi.db import session, utcnow
from lms_roi.models import ApiToken, Learner

TOKEN_PREFIX = "lmsroi"  # noqa: S105 (public token prefix)


def issue_api_token(learner: Learner, *, name: str = "", scopes: list[str] | None = None):
    """Create a token for ``learner``; returns ``(ApiToken, clear_text)``.

    The clear text is shown once; only its hash is kept. Tokens carry 256 bits
    of randomness, so a fast hash is enough (no password stretching needed).
    """
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    clear = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    token = ApiToken(
        learner=learner, name=name, prefix=prefix, token_hash=_digest(clear), scopes=scopes or []
    )
    session().add(token)
    session().flush()
    return token, clear


def authenticate_token(clear: str) -> ApiToken | None:
    """The live token matching ``clear``, or None (unknown, revoked or expired)."""
    parts = clear.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = session().scalar(select(ApiToken).where(ApiToken.prefix == parts[1]))
    if token is None or not hmac.compare_digest(token.token_hash, _digest(clear)):
        return None
    now = utcnow()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    return token


def _digest(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()
