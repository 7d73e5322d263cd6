"""The plugin's own Alembic environment: migrations shipped in the package, own version table."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import current_app

import lms_roi.migrations
from lms_roi.db import TABLE_PREFIX

VERSION_TABLE = "lms_roi_alembic_version"


def include_name(name, type_, parent_names) -> bool:
    """Autogenerate and compare only lms-roi tables: a host's tables share the database."""
    if type_ == "table":
        return bool(name) and name.startswith(TABLE_PREFIX) and name != VERSION_TABLE
    return True


def alembic_config(connection=None) -> Config:
    """An Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(Path(lms_roi.migrations.__file__).parent))
    config.attributes["connection"] = connection
    return config


def upgrade(revision: str = "head") -> str | None:
    """Upgrade the lms-roi tables of the current app's database; returns the new revision."""
    engine = current_app.extensions["lms_roi"].db.engine
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
    return current_revision()


def downgrade(revision: str) -> None:
    """Downgrade the lms-roi tables to ``revision`` (``base`` drops them all)."""
    engine = current_app.extensions["lms_roi"].db.engine
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current_revision() -> str | None:
    """The revision recorded in ``lms_roi_alembic_version``, or None before the first upgrade."""
    engine = current_app.extensions["lms_roi"].db.engine
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()
