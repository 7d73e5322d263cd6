"""Benchmark: leaderboards on a large seeded organisation (issue 8, item 10).

    .venv/bin/python bench/leaderboard.py [--learners 100000] [--events 5000000]
        [--seed 7] [--calls 200] [--naive-calls 5] [--awards 300] [--database-url URL] [--keep]

Writes a seeded organisation straight into the tables (schema by the product's
migrations, rows by ``bench/bulk_write.py``: SQLite ``executemany`` or PostgreSQL
``COPY``, then ANALYZE): ``--learners`` learners in ``learners / 200`` teams (85 %
named, 10 % pseudonymous, 5 % hidden, 1 % inactive), 100 programs holding 60 % of the
learners, and ``--events`` XP events over the 365 days before 2026-11-26 (activity
skewed: a few learners earn most). The totals (all-time, ISO week, month; reached_at =
the moment of the last event that raised the total) are computed in bulk from those
events (a pandas GROUP BY), so they equal the ledger.

Then, for every scope (org, the viewer's team, the viewer's program) x window (all,
month, week), it times ``--calls`` calls of the product's ``board()`` ("top 20 + my
rank + two neighbours each side", random visible viewers with XP in the window, fresh
totals, no cache) and ``--naive-calls`` calls of the naive way (SUM over the ledger
GROUP BY learner, ORDER BY, the whole board fetched to find the same answer), checks
that both give the same answer, and prints p50/p95 and the ratio. Target: board p95 <=
10 ms and >= 50x faster than naive. Last, XP awards per second through the completion
service (``--awards`` completions; skipped when no XP engine is wired).

Without ``--database-url`` a temporary SQLite file is used. For PostgreSQL::

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE lms_roi_lb'
    .venv/bin/python bench/leaderboard.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/lms_roi_lb
    psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE lms_roi_lb'
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
DAYS = 365
TEAM_SIZE = 200
N_PROGRAMS = 100
POINTS = np.array([0, 5, 15, 20, 25, 30, 40, 60])
POINT_WEIGHTS = np.array([0.15, 0.10, 0.20, 0.15, 0.10, 0.15, 0.10, 0.05])
REASONS = np.array(["module_completed", "quiz_passed", "review", "tutoring_session"])
APP_CONFIG = {"SECRET_KEY": "bench", "LMS_ROI_TIMEZONE": "UTC"}


def generate(learners: int, events: int, seed: int) -> dict[str, pd.DataFrame]:
    """Every table of the scenario as column arrays (ids from 1), totals from the events."""
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2025-01-01", tz="UTC")
    n_teams = max(1, learners // TEAM_SIZE)
    team_ids = np.arange(1, n_teams + 1)
    tables = {
        "lms_roi_team": pd.DataFrame(
            {
                "id": team_ids,
                "slug": [f"team-{i:04d}" for i in team_ids],
                "name": [f"Team {i}" for i in team_ids],
                "created_at": created,
            }
        )
    }
    ids = np.arange(1, learners + 1)
    visibility = rng.choice(["named", "pseudonymous", "hidden"], learners, p=[0.85, 0.10, 0.05])
    tables["lms_roi_learner"] = pd.DataFrame(
        {
            "id": ids,
            "external_id": [f"L{i:07d}" for i in ids],
            "display_name": [f"Learner {i}" for i in ids],
            "team_id": rng.integers(1, n_teams + 1, learners),
            "hourly_cost": 40.0,
            "timezone": "UTC",
            "leaderboard_visibility": visibility,
            # Everyone who ever saved their settings has one (stored once, unique).
            "pseudonym": [f"Bench Pseudonym {i}" for i in ids],
            "active": rng.random(learners) >= 0.01,
            "created_at": created,
        }
    )
    program_ids = np.arange(1, N_PROGRAMS + 1)
    tables["lms_roi_program"] = pd.DataFrame(
        {
            "id": program_ids,
            "slug": [f"program-{i:03d}" for i in program_ids],
            "title": [f"Program {i}" for i in program_ids],
            "description": "",
            "created_at": created,
        }
    )
    enrolled = ids[rng.random(learners) < 0.6]
    tables["lms_roi_enrollment"] = pd.DataFrame(
        {
            "id": np.arange(1, len(enrolled) + 1),
            "learner_id": enrolled,
            "program_id": rng.integers(1, N_PROGRAMS + 1, len(enrolled)),
            "status": rng.choice(
                ["active", "completed", "withdrawn"], len(enrolled), p=[0.7, 0.2, 0.1]
            ),
            "enrolled_at": created,
        }
    )  # fmt: skip
    ledger, totals = _events(rng, learners, events)
    listed = tables["lms_roi_learner"]["active"].to_numpy() & np.isin(
        visibility, ["named", "pseudonymous"]
    )
    totals["listed"] = listed[totals["learner_id"].to_numpy() - 1]
    tables["lms_roi_xp_event"], tables["lms_roi_learner_totals"] = ledger, totals
    # The board's per-score counts of listed learners, as the product keeps them.
    on_board = totals[totals["listed"] & (totals["xp"] > 0)]
    counts = on_board.groupby(["period_kind", "period_key", "xp"]).size()
    tables["lms_roi_board_score"] = counts.rename("learners").reset_index()
    return tables


def _events(rng, learners: int, events: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    activity = rng.gamma(0.7, 1.0, learners)
    learner = rng.choice(np.arange(1, learners + 1), events, p=activity / activity.sum())
    start = pd.Timestamp(NOW) - pd.Timedelta(days=DAYS)
    offsets = np.sort(rng.integers(0, DAYS * 86_400_000_000, events))  # microseconds
    occurred = start + pd.to_timedelta(offsets, unit="us")
    points = rng.choice(POINTS, events, p=POINT_WEIGHTS)
    day = occurred.tz_convert(None).normalize()
    ledger = pd.DataFrame(
        {
            "id": np.arange(1, events + 1),
            "learner_id": learner,
            "points": points,
            "reason": REASONS[rng.integers(0, len(REASONS), events)],
            "idempotency_key": [f"bench:{i}" for i in range(1, events + 1)],
            "occurred_at": occurred,
            "local_day": day.values.astype("datetime64[D]").astype("datetime64[ns]"),
            "flagged": False,
            "details": "{}",
        }
    )
    codes, days = pd.factorize(day)
    week = np.array([f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in days])[codes]
    month = np.array([f"{d.year}-{d.month:02d}" for d in days])[codes]
    raised = pd.Series(occurred).where(points > 0)
    parts = []
    for kind, key in (("all", np.full(events, "all")), ("week", week), ("month", month)):
        frame = pd.DataFrame(
            {"learner_id": learner, "period_key": key, "xp": points, "raised": raised,
             "first": occurred}
        )  # fmt: skip
        grouped = frame.groupby(["learner_id", "period_key"], sort=False).agg(
            xp=("xp", "sum"), raised=("raised", "max"), first=("first", "min")
        )
        grouped["reached_at"] = grouped["raised"].fillna(grouped["first"])
        grouped = grouped.reset_index()[["learner_id", "period_key", "xp", "reached_at"]]
        grouped.insert(1, "period_kind", kind)
        parts.append(grouped)
    totals = pd.concat(parts, ignore_index=True)
    totals.insert(0, "id", np.arange(1, len(totals) + 1))
    return ledger, totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--events", type=int, help="default 50 per learner")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--naive-calls", type=int, default=5)
    parser.add_argument("--awards", type=int, default=300)
    parser.add_argument("--database-url")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    workdir = tempfile.mkdtemp(prefix="lms-roi-lb-")
    os.environ["LMS_ROI_INSTANCE_PATH"] = workdir
    url = args.database_url or f"sqlite:///{workdir}/leaderboard.sqlite3"
    try:
        return run(url, args)
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run(url: str, args) -> int:
    import bulk_write
    from leaderboard_timing import award_rate, measure
    from scale_data import ScaleData
    from sqlalchemy import func, select

    from lms_roi import create_app
    from lms_roi.db import Base
    from lms_roi.migrate import upgrade
    from lms_roi.models import Learner

    events = args.events or args.learners * 50
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **APP_CONFIG})
    with app.app_context():
        db = app.extensions["lms_roi"].db
        backend = db.engine.url.get_backend_name()
        t0 = time.perf_counter()
        upgrade()
        if db.session.scalar(select(func.count(Learner.id))):
            print("the database is not empty: give a fresh one", file=sys.stderr)
            return 2
        db.session.remove()
        db.engine.dispose()
        t1 = time.perf_counter()
        data = ScaleData(generate(args.learners, events, args.seed))
        bulk_write.check_columns(data, Base.metadata)
        t2 = time.perf_counter()
        bulk_write.write(data, url, bump_version="lms_roi_data_version" in Base.metadata.tables)
        t3 = time.perf_counter()
        counts = data.counts()
        del data
        print(
            f"database: {backend}; learners {counts['lms_roi_learner']:,}, teams "
            f"{counts['lms_roi_team']:,}, programs {counts['lms_roi_program']:,}, enrollments "
            f"{counts['lms_roi_enrollment']:,}, XP events {counts['lms_roi_xp_event']:,}, "
            f"totals rows {counts['lms_roi_learner_totals']:,}"
        )
        print(
            f"build: {t3 - t0:.1f} s (migrations {t1 - t0:.1f} s, generate {t2 - t1:.1f} s, "
            f"bulk write + ANALYZE {t3 - t2:.1f} s); load average {os.getloadavg()[0]:.1f} "
            f"({os.cpu_count()} cores)"
        )
        measure(db, NOW, args.calls, args.naive_calls, args.seed)
        award_rate(db, NOW + timedelta(hours=1), args.awards)
    return 0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    return statistics.median(values) * 1000, percentile(values, 0.95) * 1000


if __name__ == "__main__":
    sys.exit(main())
