"""Benchmark: CSV import of completions, rows per second.

    .venv/bin/python bench/import_completions.py [--rows 100000] [--learners 20000]
        [--modules 200] [--seed 7] [--database-url URL]

Writes ``--learners`` learners and ``--modules`` modules (with their version 1)
straight into a fresh database built by the product's migrations, generates a
seeded completions CSV (``learner,module,completed_at,score``; distinct learner +
module + moment rows over the last 18 months), then times, through the product's
``import_file``: a dry run, the import itself (committed), and the same file
again (every row unchanged). Without ``--database-url`` a temporary SQLite file is
used; for PostgreSQL give an empty database.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="lms-roi-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    from lms_roi import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LMS_ROI_INSTANCE_PATH": tmp})
    with app.app_context():
        from sqlalchemy import func, insert, select

        from lms_roi.db import session
        from lms_roi.importers import import_file
        from lms_roi.migrate import upgrade
        from lms_roi.models import Completion, Learner, Module, ModuleVersion

        upgrade()
        db = session()
        start = datetime(2025, 1, 1, tzinfo=UTC)
        db.execute(
            insert(Learner),
            [
                dict(external_id=f"L{i:06d}", display_name=f"Learner {i}", timezone="UTC")
                for i in range(args.learners)
            ],
        )
        db.execute(
            insert(Module),
            [
                dict(
                    slug=f"module-{m:04d}",
                    title=f"Module {m}",
                    duration_minutes=30,
                    method="online",
                    published=True,
                    current_version=1,
                )
                for m in range(args.modules)
            ],
        )
        module_ids = db.scalars(select(Module.id)).all()
        db.execute(
            insert(ModuleVersion),
            [
                dict(
                    module_id=mid, version=1, title="v1", duration_minutes=30, published_at=start
                )
                for mid in module_ids
            ],
        )
        db.commit()
        rng = np.random.default_rng(args.seed)
        learners = rng.integers(0, args.learners, args.rows)
        modules = rng.integers(0, args.modules, args.rows)
        # Distinct minutes keep every row a distinct completion.
        minutes = rng.permutation(18 * 30 * 24 * 60)[: args.rows]
        scores = rng.integers(40, 101, args.rows)
        lines = ["learner,module,completed_at,score"]
        for learner, module, minute, score in zip(learners, modules, minutes, scores, strict=True):
            moment = start + timedelta(minutes=int(minute))
            lines.append(
                f"L{learner:06d},module-{module:04d},{moment:%Y-%m-%dT%H:%M}:00Z,{score}"
            )
        content = ("\n".join(lines) + "\n").encode()

        def timed(label: str, **options) -> float:
            began = time.perf_counter()
            result = import_file("completions", content, "completions.csv", **options)
            db.commit()
            seconds = time.perf_counter() - began
            print(
                f"{label:>10}: {seconds:7.2f} s  {args.rows / seconds:9,.0f} rows/s  "
                f"(inserted {result.inserted}, updated {result.updated}, "
                f"unchanged {result.unchanged})"
            )
            return seconds

        print(
            f"{args.rows:,} completion rows, {args.learners:,} learners, "
            f"{args.modules} modules on {url.split(':', 1)[0]}"
        )
        timed("dry run", dry_run=True)
        timed("import")
        timed("re-import")
        total = db.scalar(select(func.count(Completion.id)))
        print(f"completions in the database: {total:,}")


if __name__ == "__main__":
    main()
