"""Declarative base, shared column types and session access for lms-roi.

The plugin never creates its own ``SQLAlchemy()`` object: its models live on
:class:`Base` (a plain SQLAlchemy ``DeclarativeBase`` with its own metadata) and
every query goes through the host's Flask-SQLAlchemy session, found with
:func:`session`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

TABLE_PREFIX = "lms_roi_"

# Stable constraint names make migrations reproducible on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every lms-roi model (tables are prefixed ``lms_roi_``)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend.

    SQLite drops the offset; values are normalised to UTC on the way in and
    re-tagged as UTC on the way out so Python code always sees aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a timezone")
        value = value.astimezone(UTC)
        # SQLite stores text; drop the offset so lexical order equals time order.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (use as a column default callable)."""
    return datetime.now(UTC)


def session() -> Session:
    """The SQLAlchemy session of the application lms-roi is mounted in."""
    return current_app.extensions["lms_roi"].db.session


def configure_sqlite_engine(engine: Engine, *, transactional: bool = True) -> None:
    """Turn on WAL, a busy timeout, foreign keys and a larger page cache for SQLite.

    With ``transactional`` the pysqlite driver's own transaction handling is
    replaced by explicit ``BEGIN`` so that savepoints and transactional DDL work
    (the recipe of the SQLAlchemy SQLite dialect documentation).
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if transactional:
            dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the database; it syncs at checkpoints rather
        # than at every commit, so only a power cut or OS crash (not an app crash) can
        # lose the last commits. An fsync per commit held the single write lock for
        # most of an xAPI batch (Rails' SQLite default is the same pair).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Boards and reports read many small index ranges: a 64 MiB page cache per
        # connection and memory-mapped reads keep them off the read() system call.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.close()

    if transactional:

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            connection.exec_driver_sql("BEGIN")
            # Rows changed so far: an ROI report reads through a child process only
            # while this stays the same (lms_roi.analytics.kpis_ahead).
            raw = connection.connection
            raw.info["lms_roi_changes_at_begin"] = raw.driver_connection.total_changes


# Bounded SQL ``IN`` lists: every database accepts 500 parameters comfortably.
IN_CHUNK = 500


def chunked(values: Iterable, size: int = IN_CHUNK) -> Iterator[list]:
    """Split ``values`` into lists of at most ``size`` (bounded SQL ``IN`` lists)."""
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
