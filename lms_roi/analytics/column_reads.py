"""Millions of numbers read straight into NumPy columns, without a Python object each.

The ROI estimate reads every KPI value and every completion. A DB-API cursor hands
them over as one Python tuple per row, which costs more than the query itself and
holds the interpreter lock all along. Two readers skip that:

* PostgreSQL aggregates each column into one array and sends it in its binary form
  (``array_send(array_agg(...))``): one ``bytea`` per column, which NumPy reads as
  a structured array (:func:`parse_array`). (A binary ``COPY`` would hand the rows
  over one Python call per row.)
* SQLite (a database file): the ADBC SQLite driver returns Arrow columns. It opens
  its own connection, which sees committed data only, so it is used only when the
  session's transaction has written nothing yet (:func:`_nothing_written`).

:func:`read_columns` returns None where neither applies (or a value is NULL); the
caller then reads through its cursor.
"""

from __future__ import annotations

import os

import numpy as np
from sqlalchemy import BigInteger, Float, cast, func, select

#: Where :func:`lms_roi.db.configure_sqlite_engine` notes the connection's count of
#: changed rows when a transaction begins.
CHANGES_AT_BEGIN = "lms_roi_changes_at_begin"
#: How long the ADBC reader waits for a lock (as lms_roi.db's SQLite connections).
BUSY_TIMEOUT_MS = 5000


class NotFixedWidth(Exception):
    """An array was not made of fixed-width, non-null elements (a NULL slipped in)."""


def as_int(column):
    """``column`` as a 64-bit integer, as :func:`read_columns` expects it."""
    return cast(column, BigInteger)


def as_float(column):
    """``column`` as a 64-bit float, as :func:`read_columns` expects it."""
    return cast(column, Float(53))


def read_columns(connection, stmt, kinds: str) -> list[np.ndarray] | None:
    """The rows of ``stmt`` as one NumPy array per column, or None (read them otherwise).

    ``kinds`` gives each selected column's type, ``"i"`` (built with :func:`as_int`)
    or ``"f"`` (:func:`as_float`); no column may be NULL (coalesce them in the query).
    ``connection``: the session's SQLAlchemy connection.
    """
    if connection.dialect.name == "postgresql":
        return _arrays(connection, stmt, kinds)
    if connection.dialect.name == "sqlite":
        path = _database_file(connection)
        if path is not None and _nothing_written(connection):
            return _adbc(path, connection, stmt, kinds)
    return None


def _arrays(connection, stmt, kinds: str) -> list[np.ndarray] | None:
    rows = stmt.subquery("r")
    # One aggregate node feeds every array_agg the rows in the same order.
    arrays = select(*(func.array_send(func.array_agg(column)) for column in rows.c))
    compiled = arrays.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    driver = connection.connection.driver_connection
    with driver.cursor(binary=True) as cursor:
        # JIT compiling these plain aggregates costs more than it saves (20 to 50 ms a
        # query, and loading LLVM in a new backend more): off for this read only.
        cursor.execute("SELECT current_setting('jit', true)")
        jit = cursor.fetchone()[0]
        if jit is not None:
            cursor.execute("SELECT set_config('jit', 'off', true)")
        try:
            cursor.execute(str(compiled))
            sent = cursor.fetchone()
        finally:
            if jit is not None:
                cursor.execute("SELECT set_config('jit', %s, true)", (jit,))
    try:
        return [parse_array(data, kind) for data, kind in zip(sent, kinds, strict=True)]
    except NotFixedWidth:
        return None


def parse_array(data: bytes | None, kind: str) -> np.ndarray:
    """A one-dimensional PostgreSQL array of ``int8`` (``kind`` ``"i"``) or ``float8``
    (``"f"``) in its binary form (``array_send``), as a NumPy array; None (the
    aggregate of no row) is an empty one. Raises :class:`NotFixedWidth` for an array
    holding NULL or of another shape."""
    dtype = np.int64 if kind == "i" else np.float64
    if data is None:
        return np.empty(0, dtype)
    ndim, has_null, _element_type = np.frombuffer(data, ">i4", 3)
    if ndim == 0:
        return np.empty(0, dtype)
    if ndim != 1 or has_null:
        raise NotFixedWidth("an array of more than one dimension, or with NULL")
    n = int(np.frombuffer(data, ">i4", 1, 12)[0])
    layout = np.dtype([("len", ">i4"), ("value", ">i8" if kind == "i" else ">f8")])
    if len(data) != 20 + n * layout.itemsize:
        raise NotFixedWidth("elements are not 8 bytes wide")
    elements = np.frombuffer(data, layout, n, 20)
    if (elements["len"] != 8).any():
        raise NotFixedWidth("elements are not 8 bytes wide")
    return elements["value"].astype(dtype)


def _database_file(connection) -> str | None:
    """The SQLite database's file, or None for an in-memory or URI-configured one."""
    url = connection.engine.url
    name = url.database
    if not name or name == ":memory:" or name.startswith("file:") or url.query:
        return None
    return os.path.abspath(name)


def _nothing_written(connection) -> bool:
    """Whether the SQLite connection's open transaction (if any) has changed no row."""
    driver = connection.connection.driver_connection
    if driver.isolation_level is not None:  # the driver's own transactions: DML opens one
        return not driver.in_transaction
    at_begin = connection.connection.info.get(CHANGES_AT_BEGIN)
    return at_begin is not None and at_begin == driver.total_changes


def _adbc(path: str, connection, stmt, kinds: str) -> list[np.ndarray] | None:
    import adbc_driver_sqlite.dbapi as adbc  # noqa: PLC0415 (the driver loads when first used)

    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    with adbc.connect(path) as reader, reader.cursor() as cursor:
        # Opening a WAL database locks it for an instant: wait as the app's connections do.
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute(str(compiled))
        table = cursor.fetch_arrow_table()
    out = []
    for i, kind in enumerate(kinds):
        column = table.column(i)
        if column.null_count:
            return None  # a NULL somewhere
        dtype = np.int64 if kind == "i" else np.float64
        values = column.to_numpy() if table.num_rows else np.empty(0)
        out.append(values.astype(dtype, copy=False))
    return out
