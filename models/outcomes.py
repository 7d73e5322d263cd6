"""Outcomes and money: KPIs and their values, module-KPI links, costs, objectives, imports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_roi.db import Base, UtcDateTime, utcnow

from ._types import COST_BASES, COST_CATEGORIES, IMPORT_KINDS, KPI_DIRECTIONS, KPI_PERIODS, one_of
from .catalog import Module


class Kpi(Base):
    """A business KPI: unit, which direction is better, money value of one unit, period."""

    __tablename__ = "lms_roi_kpi"
    __table_args__ = (
        one_of("direction", KPI_DIRECTIONS),
        one_of("period", KPI_PERIODS),
        CheckConstraint("value_per_unit >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(8), default="higher")
    value_per_unit: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    period: Mapped[str] = mapped_column(String(8), default="month")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class KpiValue(Base):
    """A learner's KPI value for one period (``period_start`` is the period's first day)."""

    __tablename__ = "lms_roi_kpi_value"
    __table_args__ = (
        UniqueConstraint("learner_id", "kpi_id", "period_start"),
        Index("ix_lms_roi_kpi_value_kpi_period", "kpi_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    kpi_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_kpi.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date, index=True)
    value: Mapped[float] = mapped_column(Float)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_import_batch.id", ondelete="SET NULL"), index=True
    )


class ModuleKpi(Base):
    """A KPI a module is meant to move, with the weight of its claim on the effect."""

    __tablename__ = "lms_roi_module_kpi"
    __table_args__ = (
        UniqueConstraint("module_id", "kpi_id"),
        CheckConstraint("weight > 0 AND weight <= 1", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    kpi_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_kpi.id", ondelete="CASCADE"), index=True
    )
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    module: Mapped[Module] = relationship()
    kpi: Mapped[Kpi] = relationship()


class CostItem(Base):
    """A cost of a program or a module in a Phillips category, fixed or per learner.

    ``origin`` tells items entered by hand from those a module import maintains.
    """

    __tablename__ = "lms_roi_cost_item"
    __table_args__ = (
        one_of("category", COST_CATEGORIES),
        one_of("basis", COST_BASES),
        one_of("origin", ("manual", "import")),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("(program_id IS NULL) <> (module_id IS NULL)", name="program_or_module"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_program.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(String(12), default="fixed")
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    description: Mapped[str] = mapped_column(String(255), default="")
    origin: Mapped[str] = mapped_column(String(8), default="manual")
    incurred_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Objective(Base):
    """A SMART objective of a program: a KPI, a cohort, a baseline, a target, a deadline."""

    __tablename__ = "lms_roi_objective"
    __table_args__ = (one_of("target_kind", ("percent", "absolute")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_program.id", ondelete="CASCADE"), index=True
    )
    kpi_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_kpi.id", ondelete="CASCADE"), index=True
    )
    cohort_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_team.id", ondelete="SET NULL"), index=True
    )
    statement: Mapped[str] = mapped_column(Text, default="")
    baseline: Mapped[float | None] = mapped_column(Float)
    target_kind: Mapped[str] = mapped_column(String(8), default="percent")
    target_value: Mapped[float] = mapped_column(Float)
    deadline: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ImportBatch(Base):
    """One applied import: who, when, which file (by hash) and what it changed."""

    __tablename__ = "lms_roi_import_batch"
    __table_args__ = (one_of("kind", IMPORT_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
