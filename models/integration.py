"""Integration: xAPI statements and clients, API tokens, audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_roi.db import Base, UtcDateTime, utcnow

from .catalog import Module
from .people import Learner

#: ``XapiStatement.status`` when stored; the statement processing then sets
#: ``processed``, ``unmapped_activity``, ``unknown_actor`` or ``no_effect``.
XAPI_RECEIVED = "received"


class XapiClient(Base):
    """An LMS allowed to post xAPI statements (HTTP Basic key + hashed secret)."""

    __tablename__ = "lms_roi_xapi_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="SET NULL"), index=True
    )
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    created_by: Mapped[Learner | None] = relationship()

    @property
    def usable(self) -> bool:
        """Whether the client may still authenticate (active and never revoked)."""
        return self.active and self.revoked_at is None


class XapiStatement(Base):
    """A stored xAPI statement (raw JSON kept), possibly voided later.

    ``actor`` is a stable key of the actor's identifier (see
    :func:`lms_roi.xapi.validation.agent_key`), ``object_id`` the activity IRI, the
    agent key or the target statement id, depending on ``object_type``.
    ``content_hash`` fingerprints the statement as sent (without what the LRS adds),
    to tell a replay from a conflicting statement with the same id.
    """

    __tablename__ = "lms_roi_xapi_statement"
    __table_args__ = (
        # The "unmapped activities" listing and the processing of a newly mapped activity.
        Index("ix_lms_roi_xapi_statement_object_status", "object_id", "status"),
    )

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
    object_type: Mapped[str] = mapped_column(String(16), default="Activity")
    object_id: Mapped[str] = mapped_column(String(1024))
    result: Mapped[dict | None] = mapped_column(JSON)
    timestamp: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    stored: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    voided_by: Mapped[str | None] = mapped_column(String(36))
    raw: Mapped[dict] = mapped_column(JSON)
    version: Mapped[str] = mapped_column(String(10), default="1.0.0")
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=XAPI_RECEIVED, index=True)
    # What the statement caused (filled by the processing), so voiding can reverse it.
    effects: Mapped[dict | None] = mapped_column(JSON)


class XapiActivityMap(Base):
    """An xAPI activity IRI (a Moodle course module URL, say) standing for a module."""

    __tablename__ = "lms_roi_xapi_activity_map"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_iri: Mapped[str] = mapped_column(String(1024), unique=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="SET NULL"), index=True
    )

    module: Mapped[Module] = relationship()


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
