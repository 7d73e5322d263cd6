"""Progress: time spent in modules and completions (the input of ROI)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_roi.db import Base, UtcDateTime, utcnow

from ._types import COMPLETION_SOURCES, one_of
from .catalog import Module
from .people import Learner


class ModuleProgress(Base):
    """Where a learner is in a module."""

    __tablename__ = "lms_roi_module_progress"
    __table_args__ = (
        UniqueConstraint("learner_id", "module_id"),
        CheckConstraint("time_spent_s >= 0", name="time_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    time_spent_s: Mapped[int] = mapped_column(Integer, default=0)
    # Lesson steps (0-based) the learner has seen, and where to resume.
    steps_seen: Mapped[list[int]] = mapped_column(JSON, default=list)
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Completion(Base):
    """A learner completed a module (version) at a moment; the treatment in ROI terms.

    Unique on learner, module and moment, so re-sending the same completion
    (web retry, xAPI re-post, re-import) changes nothing.
    """

    __tablename__ = "lms_roi_completion"
    __table_args__ = (
        UniqueConstraint("learner_id", "module_id", "completed_at"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score_range"),
        one_of("source", COMPLETION_SOURCES),
        Index("ix_lms_roi_completion_module_completed", "module_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    score: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(8), default="web")
    # Live completions (web, API) are unique per learner, module and version through
    # this key; imported and xAPI history is unique per moment (the constraint above).
    idempotency_key: Mapped[str | None] = mapped_column(String(191), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    learner: Mapped[Learner] = relationship()
    module: Mapped[Module] = relationship()
