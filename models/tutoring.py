"""Tutoring: tutor/mentee pairs and the sessions they hold."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_roi.db import Base, UtcDateTime, utcnow

from ._types import one_of
from .people import Learner

#: Where a pair stands: asked by the mentee, running, turned down by the tutor, or over.
PAIR_STATUSES = ("requested", "active", "declined", "ended")


class TutoringPair(Base):
    """A tutor following a mentee, optionally within a program, over a window.

    ``status`` says where the pair stands; ``active`` is true exactly while it is
    ``active`` (the tutor's access to the mentee's data hangs on it, and ends with it).
    """

    __tablename__ = "lms_roi_tutoring_pair"
    __table_args__ = (
        UniqueConstraint("tutor_id", "mentee_id", "program_id"),
        CheckConstraint("tutor_id <> mentee_id", name="not_self"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        one_of("status", PAIR_STATUSES),
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
    status: Mapped[str] = mapped_column(String(12), default="active", server_default="active")
    # Who asked for the pair (the mentee's request, or an analyst), and the note they left.
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="SET NULL")
    )
    request_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # When the tutor accepted or declined a request, and why a pair was declined or ended.
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
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
    next_meeting_on: Mapped[date | None] = mapped_column(Date)
    logged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    pair: Mapped[TutoringPair] = relationship()
    actions: Mapped[list[TutoringAction]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="TutoringAction.position",
    )


class TutoringAction(Base):
    """An action agreed in a session, ticked done (or undone) by either side of the pair."""

    __tablename__ = "lms_roi_tutoring_action"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_tutoring_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="SET NULL")
    )

    session: Mapped[TutoringSession] = relationship(back_populates="actions")
