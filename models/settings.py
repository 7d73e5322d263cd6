"""Settings an admin can change in the web UI (gamification rules, ...)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from lms_roi.db import Base, UtcDateTime, utcnow


class Setting(Base):
    """One named setting and its JSON value; absent keys take the built-in defaults."""

    __tablename__ = "lms_roi_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    value: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
