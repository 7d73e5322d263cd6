"""The KPIs of an ROI estimate read and prepared in a worker thread, ahead of their pairs.

Two stages overlap on two cores: the worker reads a KPI's values (:func:`read_panel`)
and computes every learner's real and placebo change per window signature and the
outlier pool (:func:`prepare_kpi`: mostly the database driver and NumPy, which let go
of the interpreter lock), while the estimating thread screens and estimates the pairs
of the KPI before (Python-bound). The worker reads through a connection that sees the
session's data (:class:`_Reader`, and on SQLite :mod:`.column_reads`); leaving the
``with`` block waits for it, so the session's connection is the caller's again.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.models import DataVersion, KpiValue, ModuleKpi

from . import loader
from .cache import data_version
from .effects import RoiParams
from .outlier_pool import ChangePool
from .panel import KpiPanel, Windows, placebo_bounds, real_bounds
from .sqlite_reader import SqliteChild, interpreter_found

DATA_VERSION = DataVersion.__table__


@dataclass
class KpiWork:
    """One KPI's values made ready for its pairs: the panel, every learner's real and
    placebo change per window signature, and the pool for outlier screening."""

    panel: KpiPanel
    real: Windows
    placebo: Windows
    pool: ChangePool


def read_panel(connection, kpi_id: int) -> KpiPanel:
    """One KPI's values as a learner x period panel (in the worker thread: it touches
    nothing but ``connection``'s driver connection and NumPy)."""
    values = loader.kpi_panel_rows([kpi_id], connection=connection)
    return KpiPanel.build(values["learner_id"], values["day"], values["value"])


def prepare_kpi(panel: KpiPanel, days: np.ndarray, params: RoiParams) -> KpiWork:
    """What all the pairs of a KPI share, given the completion days of its pairs."""
    real = Windows(panel, days, real_bounds(days, params))
    placebo = Windows(panel, days, placebo_bounds(days, params))
    return KpiWork(panel, real, placebo, ChangePool(real.changes))


class KpisAhead:
    """A worker thread reading and preparing the KPIs ``kpi_ids``, in order.

    Use as a context manager; give the KPIs' days once (:meth:`give_days`), then take
    each KPI's work (:meth:`prepared`), as many estimates as share those days. The
    worker prepares the next KPI as soon as its days are known, and reads the KPIs
    after it meanwhile (the days come once the completions are read and sorted).
    """

    def __init__(self, kpi_ids, params: RoiParams):
        self.kpi_ids = sorted(int(k) for k in kpi_ids)
        self.params = params
        self.days: dict[int, Future] = {k: Future() for k in self.kpi_ids}
        self.work: dict[int, Future] = {k: Future() for k in self.kpi_ids}
        self.unforeseen: dict[int, np.ndarray] = {}
        self.given = False
        self.stopped = False
        # Reading may start at once, or when the caller's own reads are done (go()).
        self.may_read = threading.Event()
        self.read: dict[int, KpiPanel] = {}  # read by go() (SQLite)

    @classmethod
    def linked(cls, params: RoiParams) -> KpisAhead:
        """For every KPI a module targets (before the inputs are read: an ROI report)."""
        return cls(session().scalars(select(ModuleKpi.kpi_id).distinct()).all(), params)

    def __enter__(self) -> KpisAhead:
        self.connection = session().connection()
        self.reader = _Reader(self.connection, own=bool(self.kpi_ids))
        self.child = _sqlite_child(self.connection, self.kpi_ids)
        if self.connection.dialect.name != "sqlite":
            self.go()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lms-roi-kpi")
        self.pool.submit(self._run)
        return self

    def go(self) -> None:
        """Let the worker start: the caller's own reads are done.

        On SQLite a child process reads the values (:mod:`.sqlite_reader`) when the
        report's transaction has written nothing and the child saw the same data;
        otherwise they are read here, in the calling thread, in one query: the driver
        takes the interpreter lock back at every row, so a thread reading rows while
        another works waits at every row (reading in the worker measured slower than
        reading first). The worker then only computes.
        """
        if self.may_read.is_set():
            return
        if self.child is not None and not self._child_sees_the_same_data():
            self.child.close()
            self.child = None
        sqlite = self.connection.dialect.name == "sqlite"
        if sqlite and self.child is None and self.kpi_ids and not self.stopped:
            values = loader.kpi_panel_rows(self.kpi_ids, connection=self.connection)
            order = np.argsort(values["kpi_id"], kind="stable")
            kpi_of = values["kpi_id"][order]
            for k in self.kpi_ids:
                rows = order[np.searchsorted(kpi_of, k) : np.searchsorted(kpi_of, k, "right")]
                self.read[k] = KpiPanel.build(
                    values["learner_id"][rows], values["day"][rows], values["value"][rows]
                )
        self.may_read.set()

    def _run(self) -> None:
        """The worker: prepare the next KPI once its days are known, else read ahead."""
        self.may_read.wait()
        panels: dict[int, KpiPanel | BaseException] = dict(self.read)
        unread = [k for k in self.kpi_ids if k not in panels]
        for kpi_id in self.kpi_ids:
            while unread and (kpi_id not in panels or not self.days[kpi_id].done()):
                if self.stopped:
                    break
                next_id = unread.pop(0)
                try:
                    panels[next_id] = self._read(next_id)
                except BaseException as error:  # handed to whoever asks for this KPI
                    panels[next_id] = error
            try:
                if self.stopped:
                    raise RuntimeError("the ROI estimate stopped")
                panel = panels.pop(kpi_id)
                if isinstance(panel, BaseException):
                    raise panel
                work = prepare_kpi(panel, self.days[kpi_id].result(), self.params)
            except BaseException as error:
                self.work[kpi_id].set_exception(error)
            else:
                self.work[kpi_id].set_result(work)

    def _read(self, kpi_id: int) -> KpiPanel:
        if self.child is not None:
            learners, days, values = self.child.values[kpi_id].result()
            return KpiPanel.build(learners, days, values)
        return read_panel(self.reader.connection(), kpi_id)

    def _child_sees_the_same_data(self) -> bool:
        try:
            token = self.child.token.result()
        except RuntimeError:
            return False
        return token == (data_version() or "")

    def give_days(self, kpi_days: dict[int, np.ndarray]) -> None:
        """The completion days of each KPI's pairs: the worker goes on with them. A
        foreseen KPI without pairs is dropped (the worker must not wait for it). Days
        given again are ignored: every unit of an estimate shares them."""
        self.go()  # the caller is done reading by now
        if self.given:
            return
        self.given = True
        for k, days in self.days.items():
            if k in kpi_days:
                days.set_result(kpi_days[k])
            else:
                days.set_exception(LookupError(f"KPI {k} has no pairs"))
        self.unforeseen = {k: d for k, d in kpi_days.items() if k not in self.days}

    def prepared(self, kpi_id: int) -> KpiWork:
        """The KPI's work (after :meth:`give_days`)."""
        if kpi_id in self.unforeseen:  # prepared here
            panel = read_panel(self.connection, kpi_id)
            return prepare_kpi(panel, self.unforeseen[kpi_id], self.params)
        return self.work[kpi_id].result()

    def later(self, work, *args) -> Future:
        """Run ``work(*args)`` in the worker once the KPIs are prepared (it must not
        touch the session: the worker has no app context)."""
        return self.pool.submit(work, *args)

    def __exit__(self, kind, error, trace) -> None:
        self.stopped = True
        self.may_read.set()
        for days in self.days.values():
            if not days.done():  # unblock a worker waiting for days it will never get
                days.set_exception(RuntimeError("the ROI estimate stopped"))
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.reader.close()
        if self.child is not None:
            self.child.close()


class _Reader:
    """The connection the worker reads through.

    On PostgreSQL, while the session's transaction has written nothing (and is not in
    a savepoint, which cannot export a snapshot), a connection of its own that imports
    the session's snapshot (``pg_export_snapshot``): it sees exactly the same data, and
    the session's reads do not queue behind the worker's on one connection. Otherwise
    the session's connection itself (psycopg serialises its use; on SQLite the worker
    reads nothing, see :meth:`KpisAhead.go`).
    """

    def __init__(self, shared, *, own: bool = True):
        self.shared = shared
        self.own = None
        if not own or shared.dialect.name != "postgresql" or shared.in_nested_transaction():
            return
        if shared.exec_driver_sql("SELECT txid_current_if_assigned()").scalar() is None:
            snapshot = shared.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            self.own = shared.engine.connect()
            self.own.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            self.own.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")

    def connection(self):
        """The connection to read through (called in the worker thread)."""
        return self.own if self.own is not None else self.shared

    def close(self) -> None:
        if self.own is not None:
            self.own.close()  # rolls the read-only transaction back
            self.own = None


#: From how many KPI values (the highest id, a bound on their number) a child process
#: reads them on SQLite.
CHILD_FROM_VALUES = 200_000

#: Where lms_roi.db notes a SQLite connection's count of changed rows when a
#: transaction begins (see :func:`_unwritten`).
CHANGES_AT_BEGIN = "lms_roi_changes_at_begin"


def _sqlite_child(connection, kpi_ids: list[int]) -> SqliteChild | None:
    """A child process reading the KPIs' values, on a SQLite file whose transaction
    here has written nothing (the child sees committed data only) and is not in a
    savepoint; None otherwise."""
    if connection.dialect.name != "sqlite" or not kpi_ids or not interpreter_found():
        return None
    name = connection.engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    if connection.in_nested_transaction() or not _unwritten(connection):
        return None
    # Starting a process costs a tenth of a second: worth it for millions of values only.
    largest = connection.execute(select(func.max(KpiValue.id))).scalar() or 0
    if largest < CHILD_FROM_VALUES:
        return None
    queries = []
    for kpi_id in kpi_ids:
        stmt, _kinds = loader.kpi_values_statement([kpi_id], "sqlite")
        queries.append((kpi_id, _sql(stmt, connection)))
    token = select(DATA_VERSION.c.token).where(DATA_VERSION.c.id == 1)
    return SqliteChild(os.path.abspath(name), _sql(token, connection), queries)


def _sql(stmt, connection) -> str:
    return str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))


def _unwritten(connection) -> bool:
    """Whether the SQLite connection's transaction has changed no row yet."""
    driver = connection.connection.driver_connection
    if driver.isolation_level is not None:  # the driver's own transactions: DML opens one
        return not driver.in_transaction
    at_begin = connection.connection.info.get(CHANGES_AT_BEGIN)
    return at_begin is not None and at_begin == driver.total_changes
