"""The data version: one row whose token changes with every write that reports read."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from lms_roi.db import Base


class DataVersion(Base):
    """A single row (``id`` 1); ``token`` is replaced in the transaction of each such write.

    A fresh random token per write, not a counter: a rolled-back write can never
    leave behind a version that a later, different write would reuse.
    """

    __tablename__ = "lms_roi_data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(36))
