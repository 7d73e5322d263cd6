"""Benchmark: ROI report time on a large seeded organisation.

    .venv/bin/python bench/roi_report.py [--learners 5000] [--seed 7] [--database-url URL]

Builds the demo organisation (same generator as ``lms-roi demo``, seeded, so the
data are reproducible) in a fresh database, then times each ROI report. Without
``--database-url`` it uses a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="lms-roi-bench-")
    os.environ["LMS_ROI_INSTANCE_PATH"] = workdir
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"

    from sqlalchemy import func, select

    from lms_roi import create_app
    from lms_roi.analytics import REPORTS, roi_report
    from lms_roi.demo import build_demo
    from lms_roi.migrate import upgrade
    from lms_roi.models import Completion, KpiValue

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db = app.extensions["lms_roi"].db
        started = time.perf_counter()
        upgrade()
        build_demo(learners=args.learners, seed=args.seed, reset=True, as_of=date(2026, 11, 26))
        built = time.perf_counter() - started
        n_values = db.session.scalar(select(func.count(KpiValue.id)))
        n_completions = db.session.scalar(select(func.count(Completion.id)))
        print(
            f"database: {db.engine.url.get_backend_name()}, learners: {args.learners}, "
            f"completions: {n_completions}, KPI values: {n_values}, built in {built:.1f} s"
        )
        print(f"{'report':<10} {'rows':>6} {'median s':>9} {'min s':>7}")
        for by in REPORTS:
            times, rows = [], 0
            for _ in range(args.repeat):
                db.session.remove()
                t0 = time.perf_counter()
                rows = len(roi_report(by).rows)
                times.append(time.perf_counter() - t0)
            print(f"{by:<10} {rows:>6} {statistics.median(times):>9.2f} {min(times):>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
