"""Alembic environment of lms-roi: only ``lms_roi_*`` tables, own version table."""

from __future__ import annotations

from alembic import context

import lms_roi.models  # noqa: F401  (registers every table on Base.metadata)
from lms_roi.db import Base, UtcDateTime
from lms_roi.migrate import VERSION_TABLE, include_name

config = context.config


def render_item(type_, obj, autogen_context):
    # Migrations must not import application types: UtcDateTime is a DateTime(tz).
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run lms-roi migrations through 'lms-roi init-db' (lms_roi.migrate)")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        include_name=include_name,
        compare_type=True,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
