"""Reading millions of numbers into NumPy columns (lms_roi.analytics.column_reads):
PostgreSQL's binary arrays, SQLite's cursor flattened, and the report the same either way."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime

import numpy as np
import pytest
from sqlalchemy import select

from factories import make_completion, make_kpi, make_kpi_value, make_module, make_person
from lms_roi.analytics import cache, column_reads, kpis_ahead, loader, roi_report
from lms_roi.analytics.sqlite_reader import SqliteChild
from lms_roi.db import session
from lms_roi.demo import build_demo
from lms_roi.migrate import upgrade
from lms_roi.models import KpiValue


def _array_send(values, kind: str, null_at: int | None = None) -> bytes:
    """A one-dimensional int8/float8 array in PostgreSQL's binary form, by hand from
    the documented layout: ndim, has-null flag, element type, size and lower bound,
    then each element's length and bytes (-1: NULL)."""
    oid = 20 if kind == "i" else 701
    out = struct.pack(">iiiii", 1, int(null_at is not None), oid, len(values), 1)
    for i, value in enumerate(values):
        if i == null_at:
            out += struct.pack(">i", -1)
        else:
            out += struct.pack(">iq" if kind == "i" else ">id", 8, value)
    return out


def test_an_array_becomes_a_numpy_column():
    ints = column_reads.parse_array(_array_send([7, -3, 2**40], "i"), "i")
    assert ints.tolist() == [7, -3, 2**40] and ints.dtype == np.int64
    floats = column_reads.parse_array(_array_send([2.5, float("nan"), -1e300], "f"), "f")
    assert floats[0] == 2.5 and np.isnan(floats[1]) and floats[2] == -1e300


def test_no_rows_give_an_empty_column():
    assert len(column_reads.parse_array(None, "i")) == 0  # array_agg of no row is NULL
    empty = struct.pack(">iii", 0, 0, 701)  # a zero-dimension array
    assert column_reads.parse_array(empty, "f").dtype == np.float64


@pytest.mark.parametrize(
    "data",
    [
        _array_send([1.0, 2.0, 3.0], "f", null_at=1),
        struct.pack(">iiiiiii", 2, 0, 701, 1, 1, 1, 1),  # two dimensions
        _array_send([1.0, 2.0], "f")[:-3],  # cut short
    ],
)
def test_anything_but_a_flat_array_of_8_byte_values_is_refused(data):
    with pytest.raises(column_reads.NotFixedWidth):
        column_reads.parse_array(data, "f")


def _scene():
    ana, bo = make_person("ana@example.com"), make_person("bo@example.com")
    kpi = make_kpi()
    module = make_module(kpis={kpi: 1.0})
    make_kpi_value(ana, kpi, date(2026, 1, 1), 12.5)
    make_kpi_value(bo, kpi, date(1969, 12, 31), -3.0)
    make_completion(ana, module, datetime(2026, 3, 2, 22, 59, 59, 900000, tzinfo=UTC))
    make_completion(bo, module, datetime(2026, 3, 2, 23, 0, tzinfo=UTC), score=0.75)
    return ana, bo, kpi


def _check(panel, frame, ana, bo, kpi):
    got = sorted(
        zip(panel["learner_id"].tolist(), panel["day"].tolist(), panel["value"], strict=True)
    )
    # Days since 1970-01-01: 2026-01-01 is day 20454, 1969-12-31 day -1.
    assert got == sorted([(ana.id, 20454, 12.5), (bo.id, -1, -3.0)])
    assert panel["kpi_id"].tolist() == [kpi.id, kpi.id]
    frame = frame.set_index("learner_id")
    assert np.isnan(frame.loc[ana.id, "score"]) and frame.loc[bo.id, "score"] == 0.75
    # In Paris (the tests' time zone, UTC+1 in March): a second before midnight stays
    # on its day, midnight is the next; whole seconds are enough for that.
    assert frame.loc[ana.id, "t"] == datetime(2026, 3, 2) and frame.loc[bo.id, "t"] == datetime(
        2026, 3, 3
    )
    assert frame["version"].tolist() == [1, 1]


def test_the_fast_readers_read_committed_data_exactly(fresh_database_url, app_factory):
    """PostgreSQL arrays, or SQLite's cursor flattened, on data really committed."""
    app = app_factory(fresh_database_url)
    with app.app_context():
        upgrade()
        ana, bo, kpi = _scene()
        session().commit()
        connection = session().connection()
        stmt = select(column_reads.as_int(KpiValue.id))
        assert len(column_reads.read_columns(connection, stmt, "i")[0]) == 2
        _check(loader.kpi_panel_rows([kpi.id]), loader.completions(), ana, bo, kpi)


def test_the_session_reads_what_it_has_not_committed(app, db):
    """Inside an open transaction that wrote (every test's, here), the reads see it."""
    with app.app_context():
        ana, bo, kpi = _scene()  # flushed, not committed
        _check(loader.kpi_panel_rows([kpi.id]), loader.completions(), ana, bo, kpi)


def _demo(fresh_database_url, app_factory, monkeypatch):
    monkeypatch.setattr(kpis_ahead, "CHILD_FROM_VALUES", 0)  # a child even for the demo
    app = app_factory(fresh_database_url)
    with app.app_context():
        upgrade()
        build_demo(learners=60, as_of=date(2026, 11, 26))
    return app


def _slow_report(monkeypatch):
    """The module report read row by row through the session, in the report's thread."""
    session().rollback()
    cache.clear()
    monkeypatch.setattr(column_reads, "read_columns", lambda *args: None)
    monkeypatch.setattr(kpis_ahead._Reader, "connection", lambda self: self.shared)
    monkeypatch.setattr(kpis_ahead, "_sqlite_child", lambda *args: None)
    return roi_report("module")


def test_the_report_is_the_same_through_every_reader(fresh_database_url, app_factory, monkeypatch):
    """The demo organisation's module report, read fast (PostgreSQL arrays and the
    worker on a connection of its own; on SQLite a child process) and read row by row
    through the session."""
    app = _demo(fresh_database_url, app_factory, monkeypatch)
    with app.app_context():
        cache.clear()
        fast_reads, own_connections, children = [], [], []
        read = column_reads._arrays
        monkeypatch.setattr(column_reads, "_arrays", lambda *a: fast_reads.append(1) or read(*a))
        close = kpis_ahead._Reader.close
        monkeypatch.setattr(
            kpis_ahead._Reader,
            "close",
            lambda self: own_connections.append(self.own is not None) or close(self),
        )
        start = kpis_ahead._sqlite_child
        monkeypatch.setattr(
            kpis_ahead, "_sqlite_child", lambda *a: children.append(start(*a)) or children[-1]
        )
        fast = roi_report("module")
        if session().get_bind().dialect.name == "postgresql":
            assert len(fast_reads) > 5  # completions and every KPI, one by one
            assert own_connections == [True]  # the worker read on the report's snapshot
        else:
            child = children[0]
            assert child is not None and child.process.returncode == 0
            assert all(future.done() for future in child.values.values())
        slow = _slow_report(monkeypatch)
    assert len(fast.rows) >= 5
    assert fast.rows == slow.rows


def test_a_child_that_saw_other_data_is_not_used(fresh_database_url, app_factory, monkeypatch):
    """A commit between the report's start and the child's start: the report's thread
    reads the values itself (SQLite; PostgreSQL has no child)."""
    app = _demo(fresh_database_url, app_factory, monkeypatch)
    with app.app_context():
        if session().get_bind().dialect.name != "sqlite":
            pytest.skip("the child process reads SQLite files; this run is on PostgreSQL")
        cache.clear()
        monkeypatch.setattr(kpis_ahead, "data_version", lambda: "another token")
        read_here = []
        rows = loader.kpi_panel_rows
        monkeypatch.setattr(
            loader, "kpi_panel_rows", lambda *a, **k: read_here.append(a[0]) or rows(*a, **k)
        )
        report = roi_report("module")
        assert len(read_here) == 1 and len(read_here[0]) >= 2  # every KPI, at once, here
        slow = _slow_report(monkeypatch)
    assert report.rows == slow.rows


def test_the_child_streams_exact_values_and_the_token(fresh_database_url, app_factory, monkeypatch):
    monkeypatch.setattr(kpis_ahead, "CHILD_FROM_VALUES", 0)
    app = app_factory(fresh_database_url)
    with app.app_context():
        if session().get_bind().dialect.name != "sqlite":
            pytest.skip("the child process reads SQLite files; this run is on PostgreSQL")
        upgrade()
        ana, bo, kpi = _scene()
        session().commit()
        expected = sorted([(ana.id, 20454, 12.5), (bo.id, -1, -3.0)])
        child = kpis_ahead._sqlite_child(session().connection(), [kpi.id])
        try:
            assert child.token.result(timeout=30) == (cache.data_version() or "")
            learners, days, values = child.values[kpi.id].result(timeout=30)
        finally:
            child.close()
    got = sorted(zip(learners.tolist(), days.tolist(), values.tolist(), strict=True))
    assert got == expected


def test_no_child_for_a_small_organisation(fresh_database_url, app_factory):
    app = app_factory(fresh_database_url)
    with app.app_context():
        upgrade()
        _ana, _bo, kpi = _scene()
        session().commit()
        assert kpis_ahead._sqlite_child(session().connection(), [kpi.id]) is None


def test_a_failing_child_says_why(tmp_path):
    child = SqliteChild(str(tmp_path / "none.sqlite3"), "SELECT token FROM nowhere", [(1, "x")])
    try:
        with pytest.raises(RuntimeError, match="no such table: nowhere"):
            child.token.result(timeout=30)
        with pytest.raises(RuntimeError, match="the SQLite reader stopped"):
            child.values[1].result(timeout=30)
    finally:
        child.close()
