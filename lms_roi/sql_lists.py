"""Lists of values bound as one parameter each, for the bulk paths (imports, xAPI).

``column.in_(values)`` renders one bind parameter per value at every execution: for the
lists of a few hundred ids the batch paths send, that rendering costs more than the
query, and every list length is a new SQL string to parse and plan. :func:`one_of`
binds the whole list once — ``column = ANY(:values)`` with an array on PostgreSQL,
``column IN (SELECT value FROM json_each(:values))`` on SQLite.

Likewise :func:`insert_many` writes many rows on PostgreSQL as one ``INSERT … SELECT
FROM unnest(:column arrays)``: a short statement with one array per column, where an
``executemany`` sends, binds and runs every row on its own (the client's work per row
is most of the cost). SQLite runs an ``executemany`` in-process: it keeps it. Other
databases get the plain forms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache

from sqlalchemy import (
    JSON,
    Integer,
    String,
    Text,
    any_,
    bindparam,
    column,
    func,
    insert,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY

from lms_roi.db import session


def one_of(target, values: Iterable, dialect: str | None = None):
    """SQL truth of ``target`` (an integer or text column) being one of ``values``.

    ``dialect`` is the database's dialect name (read from the session when None).
    """
    values = list(values)
    dialect = dialect or session().get_bind().dialect.name
    numeric = isinstance(target.type, Integer)
    if dialect == "postgresql":
        items = ARRAY(Integer if numeric else String)
        return target == any_(bindparam(None, values, type_=items))
    if dialect == "sqlite":
        listed = select(column("value")).select_from(
            func.json_each(bindparam(None, json.dumps(values), type_=String))
        )
        return target.in_(listed.scalar_subquery())
    return target.in_(values)


def insert_many(db, table, rows: Sequence[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``; only executes.

    ``db`` is a session or a connection. Columns left out take their Python-side
    default (evaluated per row, as an ``executemany`` would) or the database's own.
    """
    if not rows:
        return
    bind = db.get_bind() if hasattr(db, "get_bind") else db
    dialect = bind.dialect
    names = tuple(rows[0])
    defaults = _python_defaults(table, names)
    # On SQLite a JSON column's documents would be parsed again for every cell taken
    # out of the row: its in-process executemany is as fast there.
    documents = dialect.name == "sqlite" and any(
        isinstance(table.c[name].type, JSON) for name in names
    )
    if dialect.name not in BULK_DIALECTS or defaults is None or documents:
        db.execute(insert(table), list(rows))
        return
    values = [tuple(row[name] for name in names) for row in rows]
    if defaults:
        names += tuple(name for name, _default in defaults)
        values = [
            row + tuple(d.arg(None) if d.is_callable else d.arg for _name, d in defaults)
            for row in values
        ]
    stmt = insert(table).from_select(
        list(names), rows_select(table, names, dialect.name), include_defaults=False
    )
    db.execute(stmt, rows_params(table, names, values, dialect))


#: Databases whose many-row writes go through :func:`rows_select`.
BULK_DIALECTS = ("postgresql", "sqlite")


@lru_cache(maxsize=128)
def rows_select(table, names: tuple[str, ...], dialect_name: str):
    """A ``SELECT`` of many rows bound as one or a few parameters (:func:`rows_params`),
    typed as ``table``'s ``names`` columns, for ``INSERT … SELECT``.

    PostgreSQL: ``ROWS FROM (unnest(:name), …)``, one array per column; a JSON column
    travels as one JSON array (``json_array_elements``), as a text array of documents
    costs more to quote on the client than the rows cost to insert. SQLite: the rows
    as one JSON array of arrays (``json_each``), their values already in the form the
    column stores (``WHERE true`` keeps an ``ON CONFLICT`` after it unambiguous).
    """
    if dialect_name == "sqlite":
        cells = (
            func.json_extract(column("value"), f"$[{index}]").label(name)
            for index, name in enumerate(names)
        )
        return (
            select(*cells)
            .select_from(func.json_each(bindparam("rows", type_=Text())))
            .where(true())
        )
    functions, binds = [], []
    for name in names:
        kind = table.c[name].type
        if isinstance(kind, JSON):
            functions.append(f"json_array_elements(CAST(:{name} AS JSON))")
            binds.append(bindparam(name, type_=Text()))
        else:
            functions.append(f"unnest(:{name})")
            binds.append(bindparam(name, type_=ARRAY(kind)))
    rows = text(f"ROWS FROM ({', '.join(functions)}) AS new_rows ({', '.join(names)})").bindparams(
        *binds
    )
    return select(*(column(name) for name in names)).select_from(rows)


def rows_params(table, names: tuple[str, ...], rows: Sequence[tuple], dialect) -> dict:
    """The parameters of :func:`rows_select` for ``rows`` (tuples in ``names`` order);
    ``dialect`` is the connection's dialect object."""
    if dialect.name == "sqlite":
        # Each value as the column stores it (SQLAlchemy's own conversions): text
        # timestamps, 0/1 booleans, serialised JSON.
        convert = _converters(table, names, dialect)
        stored = [
            [value if to is None else to(value) for to, value in zip(convert, row, strict=True)]
            for row in rows
        ]
        return {"rows": json.dumps(stored)}
    columns = [list(values) for values in zip(*rows, strict=True)] if rows else [[]] * len(names)
    return {
        name: json.dumps(values) if isinstance(table.c[name].type, JSON) else values
        for name, values in zip(names, columns, strict=True)
    }


def _converters(table, names: tuple[str, ...], dialect) -> list:
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]


@lru_cache(maxsize=64)
def _python_defaults(table, names: tuple[str, ...]):
    """The Python-side defaults of the columns not in ``names``, or None when one of them
    is an SQL expression or a sequence (left to the plain ``executemany``)."""
    found = []
    for target in table.columns:
        default = target.default
        if target.name in names or default is None:
            continue
        if not (default.is_scalar or default.is_callable):
            return None
        found.append((target.name, default))
    return tuple(found)


__all__ = ["BULK_DIALECTS", "insert_many", "one_of", "rows_params", "rows_select"]
