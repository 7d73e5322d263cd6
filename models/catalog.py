"""Catalog: modules and their versions, tags, prerequisites, programs, enrollments."""

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

from ._types import METHODS, one_of


class Module(Base):
    """A unit of training, delivered by one method, linked to KPIs for ROI."""

    __tablename__ = "lms_roi_module"
    __table_args__ = (
        one_of("method", METHODS),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("current_version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20), index=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    tags: Mapped[list[ModuleTag]] = relationship(
        cascade="all, delete-orphan", order_by="ModuleTag.tag"
    )
    versions: Mapped[list[ModuleVersion]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="ModuleVersion.version"
    )

    @property
    def tag_names(self) -> list[str]:
        """The module's tags, sorted."""
        return [t.tag for t in self.tags]

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"


class ModuleTag(Base):
    """A tag or skill on a module (used by search and the KPI recommender)."""

    __tablename__ = "lms_roi_module_tag"
    __table_args__ = (UniqueConstraint("module_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    tag: Mapped[str] = mapped_column(String(60), index=True)


class ModulePrerequisite(Base):
    """``module`` may only be started once ``required_module`` is completed."""

    __tablename__ = "lms_roi_module_prerequisite"
    __table_args__ = (
        UniqueConstraint("module_id", "required_module_id"),
        CheckConstraint("module_id <> required_module_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    required_module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )


class ModuleVersion(Base):
    """A published state of a module; ROI can be compared before/after an edit."""

    __tablename__ = "lms_roi_module_version"
    __table_args__ = (
        UniqueConstraint("module_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    change_note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    module: Mapped[Module] = relationship(back_populates="versions")


class Program(Base):
    """A learning path: ordered modules for a cohort, with SMART objectives."""

    __tablename__ = "lms_roi_program"
    __table_args__ = (
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_ordered"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    cohort_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_team.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    steps: Mapped[list[ProgramModule]] = relationship(
        cascade="all, delete-orphan", order_by="ProgramModule.position"
    )


class ProgramModule(Base):
    """The place of a module in a program."""

    __tablename__ = "lms_roi_program_module"
    __table_args__ = (
        UniqueConstraint("program_id", "module_id"),
        UniqueConstraint("program_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_program.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    module: Mapped[Module] = relationship()


class Enrollment(Base):
    """A learner enrolled in a program."""

    __tablename__ = "lms_roi_enrollment"
    __table_args__ = (
        UniqueConstraint("learner_id", "program_id"),
        one_of("status", ("active", "completed", "withdrawn")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_program.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
