"""Millions of numbers read straight into NumPy columns.

The ROI estimate reads every KPI value and every completion. A DB-API cursor hands
them over as one Python tuple per row, which costs more than the query itself and
holds the interpreter lock all along. So:

* PostgreSQL aggregates each column into one array and sends it in its binary form
  (``array_send(array_agg(...))``): one ``bytea`` per column, which NumPy reads as
  a structured array (:func:`parse_array`), without a Python object per value. (A
  binary ``COPY`` would hand the rows over one Python call per row.)
* SQLite is read through the session's own cursor, the rows flattened straight into
  one float array per chunk (:func:`cursor_columns`); a large organisation's KPI
  values come from a child process instead (:mod:`.sqlite_reader`). A faster reader
  with its own copy of SQLite (ADBC) is not used: two SQLite libraries in one process
  break each other's file locks (sqlite.org/howtocorrupt.html, "multiple copies").

Both read through the session's connection (or one that sees the same data), so a
report sees what its transaction sees.
"""

from __future__ import annotations

import gc
import itertools

import numpy as np
from sqlalchemy import BigInteger, Float, cast, func, select

#: Rows fetched from the SQLite cursor at a time.
FETCH_CHUNK = 250_000


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
    or ``"f"`` (:func:`as_float`); no column may be NULL (coalesce them in the query),
    and integers must stay below 2**53 (ids, days and seconds do). ``connection``:
    the session's SQLAlchemy connection.
    """
    if connection.dialect.name == "postgresql":
        return _arrays(connection, stmt, kinds)
    if connection.dialect.name == "sqlite":
        return cursor_columns(connection, stmt, kinds)
    return None


def cursor_columns(connection, stmt, kinds: str) -> list[np.ndarray] | None:
    """:func:`read_columns` through the driver's cursor: the rows of each chunk go
    flat into one float array (no ORM, no type processing per row, the cyclic garbage
    collector paused meanwhile). None when a value is NULL."""
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    driver = connection.connection.driver_connection
    # psycopg's binary protocol hands integers and floats over without text parsing.
    cursor = driver.cursor() if connection.dialect.name == "sqlite" else driver.cursor(binary=True)
    width = len(kinds)
    parts = [np.empty((0, width))]
    gc.disable()  # millions of fresh row tuples would trigger collections for nothing
    try:
        cursor.execute(str(compiled))
        while rows := cursor.fetchmany(FETCH_CHUNK):
            # A flat iterator: a third faster than np.array() working out the tuples' shape.
            flat = itertools.chain.from_iterable(rows)
            parts.append(np.fromiter(flat, dtype=float, count=width * len(rows)).reshape(-1, width))
    except TypeError:  # a NULL (None) among the values
        return None
    finally:
        gc.enable()
        cursor.close()
    table = np.concatenate(parts)
    return [
        table[:, i].astype(np.int64) if kind == "i" else table[:, i].copy()
        for i, kind in enumerate(kinds)
    ]


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
