"""Tutoring: tutor/mentee pairs and the sessions they hold."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_roi.db import Base, UtcDateTime, utcnow

from .people import Learner


class TutoringPair(Base):
    """A tutor following a mentee, optionally within a program, over a window."""

    __tablename__ = "lms_roi_tutoring_pair"
    __table_args__ = (
        UniqueConstraint("tutor_id", "mentee_id", "program_id"),
        CheckConstraint("tutor_id <> mentee_id", name="not_self"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tutor_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_program.id", ondelete="SET NULL"), index=True
    )
    goals: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    tutor: Mapped[Learner] = relationship(foreign_keys=[tutor_id])
    mentee: Mapped[Learner] = relationship(foreign_keys=[mentee_id])


class TutoringSession(Base):
    """A session held by a pair: when, how long, notes and agreed actions."""

    __tablename__ = "lms_roi_tutoring_session"
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_tutoring_pair.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
