"""Bulk writing of the scale scenario: the fastest correct path of each database.

SQLite: ``executemany`` on a plain DBAPI connection, one transaction,
``journal_mode=WAL`` and ``synchronous=OFF``. PostgreSQL: ``COPY ... FROM STDIN``
(CSV) through psycopg 3, then the id sequences moved past the explicit ids.
Both end with ANALYZE, as a bulk load should; PostgreSQL with VACUUM ANALYZE, which
sets the visibility map as autovacuum soon would after such a load (without it every
index-only scan of the fresh rows visits the heap).
"""

from __future__ import annotations

import io
import sqlite3
import uuid

import numpy as np
import pandas as pd
from scale_data import ScaleData
from sqlalchemy import make_url


def check_columns(data: ScaleData, metadata) -> None:
    """Fail before writing when a table misses a NOT NULL column the models require."""
    for name, df in data.tables.items():
        table = metadata.tables[name]
        missing = [
            c.name
            for c in table.columns
            if not c.nullable and c.server_default is None and c.name not in df.columns
        ]
        unknown = [c for c in df.columns if c not in table.columns]
        if missing or unknown:
            raise ValueError(f"{name}: missing {missing}, unknown {unknown}")


#: The product's report-cache version: a bulk write bypasses the ORM events that
#: replace it, so the writer replaces it itself, in the same transaction.
BUMP_VERSION = "UPDATE lms_roi_data_version SET token = '{token}' WHERE id = 1"


def write(data: ScaleData, url: str, *, bump_version: bool = False) -> None:
    """Insert every table (parents first) with the database's bulk path, then ANALYZE.

    ``bump_version``: the schema has the data version table; give it a new token.
    """
    parsed = make_url(url)
    bump = BUMP_VERSION.format(token=uuid.uuid4()) if bump_version else None
    if parsed.get_backend_name() == "sqlite":
        _write_sqlite(data, parsed.database, bump)
    elif parsed.get_backend_name() == "postgresql":
        conninfo = parsed.set(drivername="postgresql").render_as_string(False)
        _write_postgresql(data, conninfo, bump)
    else:
        raise ValueError(f"unsupported database {parsed.get_backend_name()}")


def _text(series: pd.Series, fmt: str) -> np.ndarray:
    """Dates and moments as text, formatting each distinct value once."""
    codes, uniques = pd.factorize(series)
    return np.asarray(uniques.strftime(fmt), dtype=object)[codes]


def _sqlite_column(series: pd.Series) -> list:
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        # SQLAlchemy's SQLite DATETIME text format (UTC, no offset).
        return _text(series, "%Y-%m-%d %H:%M:%S.%f").tolist()
    if series.dtype.kind == "M":
        return _text(series, "%Y-%m-%d").tolist()
    if series.dtype == bool:
        return series.astype(int).tolist()
    if series.isna().any():
        return [None if pd.isna(v) else int(v) for v in series]
    return series.tolist()


def _write_sqlite(data: ScaleData, path: str, bump: str | None, chunk: int = 200_000) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("BEGIN")
        for name, df in data.tables.items():
            columns = ", ".join(df.columns)
            marks = ", ".join("?" * len(df.columns))
            sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # noqa: S608 (our names)
            for start in range(0, len(df), chunk):
                part = df.iloc[start : start + chunk]
                rows = zip(*(_sqlite_column(part[c]) for c in part.columns), strict=True)
                connection.executemany(sql, rows)
        if bump:
            connection.execute(bump)
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
    finally:
        connection.close()


def _csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[column] = _text(series, "%Y-%m-%d %H:%M:%S.%f+00")
        elif series.dtype.kind == "M":
            out[column] = _text(series, "%Y-%m-%d")
        elif series.dtype == bool:
            out[column] = np.where(series, "t", "f")
    return out


def _write_postgresql(
    data: ScaleData, conninfo: str, bump: str | None, chunk: int = 250_000
) -> None:
    import psycopg

    with psycopg.connect(conninfo) as connection:
        with connection.cursor() as cursor:
            for name, df in data.tables.items():
                columns = ", ".join(df.columns)
                sql = f"COPY {name} ({columns}) FROM STDIN (FORMAT csv, NULL '\\N')"
                with cursor.copy(sql) as copy:
                    for start in range(0, len(df), chunk):
                        buffer = io.StringIO()
                        _csv_frame(df.iloc[start : start + chunk]).to_csv(
                            buffer, header=False, index=False, na_rep="\\N"
                        )
                        copy.write(buffer.getvalue())
                if "id" not in df.columns:
                    continue  # a natural key (the board's score counts): no sequence
                # Explicit ids were written: move the id sequence past them.
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {name}))"
                )
            if bump:
                cursor.execute(bump)
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
