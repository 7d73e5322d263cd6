"""The one place where SQL meets pandas: ``select()`` statements turned into DataFrames.

The ROI estimate reads each KPI's values once as a learner x period panel
(:func:`kpi_panel_rows`, one query, rows fetched straight from the driver into
NumPy arrays) and computes every window mean from it; :func:`window_means` (one
``GROUP BY window, learner`` query per batch of windows) answers the same
question for a handful of windows.
"""

from __future__ import annotations

import gc
from datetime import date

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import (
    Date,
    Float,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)

from lms_roi.db import session
from lms_roi.models import (
    Completion,
    CostItem,
    FollowUp,
    Kpi,
    KpiValue,
    Learner,
    Module,
    ModuleKpi,
    ProgramModule,
    TutoringPair,
    TutoringSession,
)

from . import column_reads

# SQLite refuses compound SELECTs of more than 500 terms.
WINDOW_BATCH = 400
#: Rows fetched from the driver at a time by :func:`kpi_panel_rows`.
FETCH_CHUNK = 250_000


def frame(stmt) -> pd.DataFrame:
    """Run ``stmt`` in the app's session and return the rows as a DataFrame."""
    return pd.read_sql(stmt, session().connection())


def completions() -> pd.DataFrame:
    """Every completion with its calendar date ``t`` in the organisation's time zone."""
    connection = session().connection()
    if connection.dialect.name == "sqlite":
        moment = Completion.__table__.c.completed_at  # stored as UTC text, offset dropped
    else:
        moment = func.cast(func.extract("epoch", Completion.completed_at), Float)
    columns = _completion_columns(connection)
    epoch = columns is not None or connection.dialect.name != "sqlite"
    if columns is None:
        columns = fetch_columns(
            select(
                Completion.id,
                Completion.learner_id,
                Completion.module_id,
                Completion.version,
                moment,
                Completion.score,
            )
        )
    ids, learner, module, version, when, score = columns
    df = pd.DataFrame(
        {
            "id": np.asarray(ids, dtype=np.int64),
            "learner_id": np.asarray(learner, dtype=np.int64),
            "module_id": np.asarray(module, dtype=np.int64),
            "version": np.asarray(version, dtype=np.int64),
            "score": pd.Series(score, dtype=float),
        }
    )
    if epoch:
        moments = pd.to_datetime(pd.Series(when, dtype=float), unit="s", utc=True)
    else:
        moments = pd.to_datetime(pd.Series(when, dtype=object), format="ISO8601", utc=True)
    tz = current_app.config.get("LMS_ROI_TIMEZONE", "UTC")
    df["t"] = moments.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    return df


def _completion_columns(connection) -> list | None:
    """The completions' columns as PostgreSQL arrays (:mod:`.column_reads`), the moment as
    seconds since 1970 and a missing score as NaN; None elsewhere (SQLite's cursor reads
    the stored text faster than it works out the seconds)."""
    if connection.dialect.name != "postgresql":
        return None
    # date_part is a float already; EXTRACT goes through numeric, twice as slow.
    moment = func.date_part("epoch", Completion.completed_at)
    stmt = select(
        column_reads.as_int(Completion.id),
        column_reads.as_int(Completion.learner_id),
        column_reads.as_int(Completion.module_id),
        column_reads.as_int(Completion.version),
        column_reads.as_float(moment),
        func.coalesce(column_reads.as_float(Completion.score), 0.0),
        column_reads.as_int(case((Completion.score.is_(None), 1), else_=0)),
    )
    columns = column_reads.read_columns(connection, stmt, "iiiiffi")
    if columns is None:
        return None
    *columns, no_score = columns
    columns[5] = np.where(no_score == 1, np.nan, columns[5])
    return columns


def fetch_columns(stmt) -> list[list]:
    """The columns of ``stmt``'s rows, fetched straight from the driver's cursor.

    For the reads of hundreds of thousands of rows (completions, KPI values):
    no ORM or type processing per row, and the cyclic garbage collector paused
    while the row tuples are built. Returns one list per selected column.
    """
    connection = session().connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    driver = connection.connection.driver_connection
    # psycopg's binary protocol hands integers and floats over without text parsing.
    cursor = driver.cursor() if connection.dialect.name == "sqlite" else driver.cursor(binary=True)
    width = len(stmt.selected_columns)
    columns: list[list] = [[] for _ in range(width)]
    gc.disable()
    try:
        cursor.execute(str(compiled))
        while rows := cursor.fetchmany(FETCH_CHUNK):
            for column, values in zip(columns, zip(*rows, strict=True), strict=True):
                column.extend(values)
    finally:
        gc.enable()
        cursor.close()
    return columns


def modules() -> pd.DataFrame:
    return frame(
        select(
            Module.id.label("module_id"),
            Module.slug,
            Module.title,
            Module.method,
            Module.duration_minutes,
        )
    )


def kpis() -> pd.DataFrame:
    return frame(
        select(
            Kpi.id.label("kpi_id"),
            Kpi.key,
            Kpi.name,
            Kpi.unit,
            Kpi.direction,
            Kpi.period,
            Kpi.value_per_unit.cast(Float).label("value_per_unit"),
        )
    )


def module_kpis() -> pd.DataFrame:
    return frame(select(ModuleKpi.module_id, ModuleKpi.kpi_id, ModuleKpi.weight))


def learners() -> pd.DataFrame:
    """Every learner's id, external id, team and hourly cost (one row each, straight from
    the driver: a hundred thousand rows at scale)."""
    stmt = select(
        Learner.id.label("learner_id"),
        Learner.external_id,
        Learner.team_id,
        Learner.hourly_cost.cast(Float).label("hourly_cost"),
    )
    learner_id, external_id, team_id, hourly_cost = fetch_columns(stmt)
    if not learner_id:
        return frame(stmt)  # the same (object) columns as any other empty read
    return pd.DataFrame(
        {
            "learner_id": np.asarray(learner_id, dtype=np.int64),
            "external_id": pd.Series(external_id, dtype="str"),
            "team_id": pd.Series(team_id),  # int64, or float64 when a team is missing
            "hourly_cost": pd.Series(hourly_cost, dtype=float),
        }
    )


def cost_items() -> pd.DataFrame:
    return frame(
        select(
            CostItem.module_id,
            CostItem.program_id,
            CostItem.category,
            CostItem.basis,
            CostItem.amount.cast(Float).label("amount"),
        )
    )


def program_modules() -> pd.DataFrame:
    return frame(select(ProgramModule.program_id, ProgramModule.module_id))


def tutoring_cost_by_program() -> pd.DataFrame:
    """Tutors' time on each program: session minutes x the tutor's hourly cost."""
    return frame(
        _tutoring_time(TutoringPair.program_id).where(TutoringPair.program_id.is_not(None))
    )


def tutoring_cost_by_mentee() -> pd.DataFrame:
    """Per mentee with at least one session, in any pair (with a program or not):
    ``n_sessions``, ``minutes`` and ``tutoring_cost`` (tutors' time, costed as above)."""
    return frame(
        _tutoring_time(
            TutoringPair.mentee_id,
            func.count(TutoringSession.id).label("n_sessions"),
            func.sum(TutoringSession.minutes).label("minutes"),
        )
    )


def _tutoring_time(key, *extra):
    """The one costing of tutors' time (DESIGN §7 step 6): per ``key``, the sum over
    sessions of minutes / 60 x the tutor's hourly cost."""
    tutor = Learner.__table__.alias("tutor")
    cost = func.sum(TutoringSession.minutes * tutor.c.hourly_cost.cast(Float) / 60.0)
    return (
        select(key, cost.label("tutoring_cost"), *extra)
        .join(TutoringSession, TutoringSession.pair_id == TutoringPair.id)
        .join(tutor, tutor.c.id == TutoringPair.tutor_id)
        .group_by(key)
    )


def follow_up_estimates() -> pd.DataFrame:
    """The latest answered attribution and confidence per learner and module."""
    latest = (
        select(
            FollowUp.learner_id,
            FollowUp.module_id,
            func.max(FollowUp.offset_days).label("offset_days"),
        )
        .where(FollowUp.attribution_pct.is_not(None), FollowUp.confidence_pct.is_not(None))
        .group_by(FollowUp.learner_id, FollowUp.module_id)
        .subquery()
    )
    return frame(
        select(
            FollowUp.learner_id,
            FollowUp.module_id,
            FollowUp.attribution_pct,
            FollowUp.confidence_pct,
        ).join(
            latest,
            and_(
                latest.c.learner_id == FollowUp.learner_id,
                latest.c.module_id == FollowUp.module_id,
                latest.c.offset_days == FollowUp.offset_days,
            ),
        )
    )


def window_means(windows: pd.DataFrame) -> pd.DataFrame:
    """Mean KPI value per learner in the pre and post window of each window row.

    ``windows``: ``wid``, ``kpi_id``, ``pre_lo``, ``pre_hi``, ``post_lo``,
    ``post_hi``. Returns ``wid``, ``learner_id``, ``pre_mean``, ``post_mean``
    for every learner with a value in either window.
    """
    parts = [
        _window_means_batch(windows.iloc[i : i + WINDOW_BATCH])
        for i in range(0, len(windows), WINDOW_BATCH)
    ]
    if not parts:
        return pd.DataFrame(columns=["wid", "learner_id", "pre_mean", "post_mean"])
    return pd.concat(parts, ignore_index=True)


def _window_means_batch(windows: pd.DataFrame) -> pd.DataFrame:
    rows = [
        select(
            literal(int(w.wid), Integer).label("wid"),
            literal(int(w.kpi_id), Integer).label("kpi_id"),
            *(
                literal(_day(getattr(w, name)), Date).label(name)
                for name in ("pre_lo", "pre_hi", "post_lo", "post_hi")
            ),
        )
        for w in windows.itertuples()
    ]
    w = (rows[0] if len(rows) == 1 else union_all(*rows)).subquery("w")
    value = KpiValue.value
    stmt = (
        select(
            w.c.wid,
            KpiValue.learner_id,
            func.avg(case((KpiValue.period_start < w.c.pre_hi, value))).label("pre_mean"),
            func.avg(case((KpiValue.period_start >= w.c.post_lo, value))).label("post_mean"),
        )
        .join(
            w,
            and_(
                KpiValue.kpi_id == w.c.kpi_id,
                KpiValue.period_start >= w.c.pre_lo,
                KpiValue.period_start < w.c.post_hi,
                or_(KpiValue.period_start < w.c.pre_hi, KpiValue.period_start >= w.c.post_lo),
            ),
        )
        .group_by(w.c.wid, KpiValue.learner_id)
    )
    df = frame(stmt)
    return df.astype({"pre_mean": float, "post_mean": float})


def _day(value) -> date:
    return pd.Timestamp(value).date()


def kpi_values_statement(ids: list[int], dialect: str):
    """The SELECT of :func:`kpi_panel_rows` and its columns' kinds (see
    :func:`.column_reads.read_columns`): ``learner_id``, ``day`` and ``value``,
    with ``kpi_id`` first when there are several KPIs."""
    if dialect == "sqlite":
        day = func.cast(func.julianday(KpiValue.period_start) - 2440587.5, Integer)
    else:
        day = KpiValue.period_start - cast(literal_column("'1970-01-01'"), Date)
    # One KPI (as the estimate reads them): its id is known, not read for every value.
    one = len(ids) == 1
    stmt = select(
        *(() if one else (column_reads.as_int(KpiValue.kpi_id),)),
        column_reads.as_int(KpiValue.learner_id),
        column_reads.as_int(day),
        column_reads.as_float(KpiValue.value),
    ).where(KpiValue.kpi_id.in_(ids))
    return stmt, "iif" if one else "iiif"


def kpi_panel_rows(kpi_ids, *, connection=None) -> dict[str, np.ndarray]:
    """Every value of the KPIs ``kpi_ids`` as NumPy columns, in one query.

    Returns ``kpi_id``, ``learner_id``, ``day`` (the period start as days since
    1970-01-01, computed by the database) and ``value``: millions of rows at
    scale, read without a Python object per value where the database allows
    (:mod:`.column_reads`). ``connection``: the session's SQLAlchemy connection (or
    one that sees the same data), given when called from another thread (which has
    no app context).
    """
    ids = [int(k) for k in kpi_ids]
    connection = connection if connection is not None else session().connection()
    one = len(ids) == 1
    stmt, kinds = kpi_values_statement(ids, connection.dialect.name)
    # Every column is NOT NULL: the cursor's read always applies.
    columns = column_reads.read_columns(connection, stmt, kinds) or column_reads.cursor_columns(
        connection, stmt, kinds
    )
    if one:
        columns = [np.full(len(columns[0]), ids[0], dtype=np.int64), *columns]
    return dict(zip(("kpi_id", "learner_id", "day", "value"), columns, strict=True))
