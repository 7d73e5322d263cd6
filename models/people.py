"""People: learner profiles, standalone accounts, role grants and teams."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_roi.db import Base, UtcDateTime, utcnow

from ._types import ROLES, VISIBILITIES, one_of


class Team(Base):
    """A team or department; ``parent`` nests teams into departments."""

    __tablename__ = "lms_roi_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_team.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    parent: Mapped[Team | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Team {self.slug}>"


class Learner(Base):
    """A person known to lms-roi: learner, tutor, analyst, HR or admin.

    ``external_id`` is the stable key other systems use (the host user id in
    plugin mode, an HRIS id in imports).
    """

    __tablename__ = "lms_roi_learner"
    __table_args__ = (
        one_of("leaderboard_visibility", VISIBILITIES),
        CheckConstraint("hourly_cost >= 0", name="hourly_cost_not_negative"),
        CheckConstraint(
            "tutor_capacity IS NULL OR tutor_capacity >= 0", name="tutor_capacity_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(191), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_team.id", ondelete="SET NULL"), index=True
    )
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="SET NULL"), index=True
    )
    hourly_cost: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    locale: Mapped[str | None] = mapped_column(String(16))
    leaderboard_visibility: Mapped[str] = mapped_column(String(16), default="named")
    pseudonym: Mapped[str | None] = mapped_column(String(40), unique=True)
    tutor_capacity: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    team: Mapped[Team | None] = relationship()
    manager: Mapped[Learner | None] = relationship(remote_side=[id])
    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="learner", cascade="all, delete-orphan"
    )
    account: Mapped[Account | None] = relationship(back_populates="learner")

    @property
    def roles(self) -> set[str]:
        """The set of role keys granted to this person.

        During an API call, only the roles of the token in use (``api_token_roles``, set
        for that request by the policy; not a column).
        """
        granted = {grant.role for grant in self.role_grants}
        narrowed = getattr(self, "api_token_roles", None)
        return granted if narrowed is None else granted & narrowed

    def __repr__(self) -> str:
        return f"<Learner {self.external_id}>"


class Account(UserMixin, Base):
    """Standalone login credentials of a :class:`Learner` (unused in plugin mode)."""

    __tablename__ = "lms_roi_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    learner: Mapped[Learner] = relationship(back_populates="account")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active and self.learner.active


class RoleGrant(Base):
    """One role held by one person; a person may hold several."""

    __tablename__ = "lms_roi_role_grant"
    __table_args__ = (UniqueConstraint("learner_id", "role"), one_of("role", ROLES))

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), index=True)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    learner: Mapped[Learner] = relationship(back_populates="role_grants")
