"""Integration: xAPI statements and clients, API tokens, audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_roi.db import Base, UtcDateTime, utcnow

from .people import Learner


class XapiClient(Base):
    """An LMS allowed to post xAPI statements (HTTP Basic key + hashed secret)."""

    __tablename__ = "lms_roi_xapi_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class XapiStatement(Base):
    """A stored xAPI statement (raw JSON kept), possibly voided later."""

    __tablename__ = "lms_roi_xapi_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_xapi_client.id", ondelete="SET NULL"), index=True
    )
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(255), index=True)
    verb: Mapped[str] = mapped_column(String(255), index=True)
    object_id: Mapped[str] = mapped_column(String(1024))
    result: Mapped[dict | None] = mapped_column(JSON)
    timestamp: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    stored: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    raw: Mapped[dict] = mapped_column(JSON)


class ApiToken(Base):
    """A REST API token of a person: only a prefix (for lookup) and a hash are stored."""

    __tablename__ = "lms_roi_api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120), default="")
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(128))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    learner: Mapped[Learner] = relationship()


class AuditLog(Base):
    """Who read or changed sensitive data, when and what."""

    __tablename__ = "lms_roi_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(60), default="")
    target_id: Mapped[str] = mapped_column(String(191), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
