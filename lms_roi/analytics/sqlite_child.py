"""Read KPI values from a SQLite file in a child process and stream them as raw arrays.

Run by :class:`lms_roi.analytics.sqlite_reader.SqliteChild` as a script (not as part
of the package, so that it starts in a tenth of a second): it reads a JSON request
on standard input, ``{"path", "token_sql", "queries": [[kpi_id, sql], ...]}``, opens
the database read-only in one transaction (one snapshot), and writes to standard
output the data version token it sees (one line), then for each query a header
(``kpi_id``, row count: two little-endian int64) and three arrays of that many
values: learner ids and days (int64) and values (float64). Each query selects
exactly those three columns.

A process of its own, with its own interpreter lock and its own SQLite connection
through the same SQLite library as any other process: the parent's threads keep
computing while it reads (two SQLite libraries in one process, such as a bundled
driver's, would release each other's file locks).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import struct
import sys

import numpy as np

FETCH_CHUNK = 250_000


def main() -> int:
    request = json.load(sys.stdin)
    connection = sqlite3.connect(request["path"], isolation_level=None)
    for pragma in ("busy_timeout=5000", "query_only=ON", "mmap_size=268435456"):
        connection.execute(f"PRAGMA {pragma}")
    out = sys.stdout.buffer
    connection.execute("BEGIN")  # one snapshot for the token and every query
    token = connection.execute(request["token_sql"]).fetchone()
    out.write(((token[0] if token else None) or "").encode() + b"\n")
    out.flush()
    for kpi_id, sql in request["queries"]:
        cursor = connection.execute(sql)
        parts = [np.empty((0, 3))]
        while rows := cursor.fetchmany(FETCH_CHUNK):
            flat = itertools.chain.from_iterable(rows)
            parts.append(np.fromiter(flat, dtype=float, count=3 * len(rows)).reshape(-1, 3))
        table = np.concatenate(parts)
        out.write(struct.pack("<qq", kpi_id, len(table)))
        out.write(table[:, 0].astype("<i8").tobytes())
        out.write(table[:, 1].astype("<i8").tobytes())
        out.write(table[:, 2].astype("<f8").tobytes())
        out.flush()
    connection.execute("ROLLBACK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
