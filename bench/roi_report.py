"""Benchmark: ROI report time on a large seeded organisation.

Demo scenario (the default)::

    .venv/bin/python bench/roi_report.py [--learners 5000] [--seed 7] [--database-url URL]

builds the demo organisation (same generator as ``lms-roi demo``, seeded) in a
fresh database, then times each ROI report.

Scale scenario (issue 11, "speed at scale")::

    .venv/bin/python bench/roi_report.py --scenario scale [--learners 100000] [--seed 7]
        [--repeat 3] [--budget 900] [--timeout 1800] [--steps baseline,module,learner]
        [--profile DIR [--profile-report module|learner] [--sample-pairs 10]]
        [--database-url URL] [--reuse] [--keep]

writes 100,000 learners, 500 teams, 500 modules linked to 1-3 of 5 monthly KPIs,
500,000 completions over 24 months and 2,400,000 KPI values straight into the
tables (``bench/scale_data.py``; schema by the product's migrations, rows by
``bench/bulk_write.py``: SQLite ``executemany`` or PostgreSQL ``COPY``, then
ANALYZE), and measures, each in its own child process so that the generator's memory does not count
(``bench/scale_children.py``): the module report and the learner report (first
run = cold, then the median of ``--repeat`` warm runs while the ``--budget``
seconds last; the product's report cache is cleared before each so that every
run computes, and a last repeated request with unchanged data is timed apart as
the cache hit) with the child's peak RSS and CPU time, and the bare baseline of
``bench/scale_baseline.py`` (one SELECT per table + vectorised NumPy, no product
code). It prints the ratios report/baseline, planted against estimated effects
for a few modules, and how far the product's effects are from the baseline's.

A child still running after ``--timeout`` seconds is stopped and reported as
such. ``--profile DIR`` runs the module report (or ``--profile-report learner``)
once more under pyinstrument
(``.venv/bin/pip install pyinstrument``; not a project dependency) and writes the
profile and a per-stage time/RSS/SQL-statement breakdown to DIR; with
``--sample-pairs K`` it stops after K module x KPI pairs and extrapolates the
full time (setup + K pairs' mean x all pairs), for when the full run is too long.
``--reuse`` skips writing when the database already holds the scenario;
``--keep`` keeps the temporary SQLite file.

Without ``--database-url`` a temporary SQLite file is used. For PostgreSQL give
an empty database, created and dropped around the run::

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE lms_roi_bench'
    .venv/bin/python bench/roi_report.py --scenario scale \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/lms_roi_bench
    psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE lms_roi_bench'
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP_CONFIG = {"SECRET_KEY": "bench", "LMS_ROI_TIMEZONE": "UTC"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("demo", "scale"), default="demo")
    parser.add_argument("--learners", type=int, help="default 5000 (demo), 100000 (scale)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=900.0, help="seconds of warm runs")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per child")
    parser.add_argument("--profile", help="scale: write a profile of the module report here")
    parser.add_argument(
        "--steps", default="baseline,module,learner", help="scale: steps to measure, in order"
    )
    parser.add_argument(
        "--profile-report",
        choices=("module", "learner"),
        default="module",
        help="scale profile: the report to profile",
    )
    parser.add_argument(
        "--sample-pairs",
        type=int,
        default=0,
        help="scale profile: stop after this many module x KPI pairs and extrapolate",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="scale: the database already holds the scenario"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    parser.add_argument("--database-url")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows when piped to a file

    if args.child:
        from scale_children import run_child

        return run_child(args)
    workdir = tempfile.mkdtemp(prefix="lms-roi-bench-")
    os.environ["LMS_ROI_INSTANCE_PATH"] = workdir
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    if args.scenario == "demo":
        return run_demo(url, args.learners or 5000, args.seed, args.repeat)
    try:
        return run_scale(url, args, workdir)
    finally:
        if args.keep or args.database_url:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run_demo(url: str, learners: int, seed: int, repeat: int) -> int:
    """The demo organisation, every report timed in this process."""
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
        build_demo(learners=learners, seed=seed, reset=True, as_of=date(2026, 11, 26))
        built = time.perf_counter() - started
        n_values = db.session.scalar(select(func.count(KpiValue.id)))
        n_completions = db.session.scalar(select(func.count(Completion.id)))
        print(
            f"database: {db.engine.url.get_backend_name()}, learners: {learners}, "
            f"completions: {n_completions}, KPI values: {n_values}, built in {built:.1f} s"
        )
        print(f"{'report':<10} {'rows':>6} {'median s':>9} {'min s':>7}")
        for by in REPORTS:
            times, rows = [], 0
            for _ in range(repeat):
                db.session.remove()
                t0 = time.perf_counter()
                rows = len(roi_report(by).rows)
                times.append(time.perf_counter() - t0)
            print(f"{by:<10} {rows:>6} {statistics.median(times):>9.2f} {min(times):>7.2f}")
    return 0


def run_scale(url: str, args, workdir: str) -> int:
    """Build the scale scenario in bulk, then measure each step in a child process."""
    import bulk_write
    import scale_data
    from sqlalchemy import func, select

    from lms_roi import create_app
    from lms_roi.db import Base
    from lms_roi.migrate import upgrade
    from lms_roi.models import Learner

    learners = args.learners or 100_000
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **APP_CONFIG})
    with app.app_context():
        db = app.extensions["lms_roi"].db
        backend = db.engine.url.get_backend_name()
        t0 = time.perf_counter()
        upgrade()
        present = db.session.scalar(select(func.count(Learner.id)))
        if present and not (args.reuse and present == learners):
            print("the database is not empty: give a fresh one", file=sys.stderr)
            return 2
        db.session.remove()
        db.engine.dispose()
        t1 = time.perf_counter()
        data = scale_data.generate(learners, args.seed)
        bulk_write.check_columns(data, Base.metadata)
        t2 = time.perf_counter()
        if not present:
            bulk_write.write(data, url, bump_version="lms_roi_data_version" in Base.metadata.tables)
        t3 = time.perf_counter()
    counts = data.counts()
    print(
        f"database: {backend}; learners {counts['lms_roi_learner']:,}, teams "
        f"{counts['lms_roi_team']:,}, modules {counts['lms_roi_module']:,}, module-KPI links "
        f"{counts['lms_roi_module_kpi']:,}, completions {counts['lms_roi_completion']:,}, "
        f"KPI values {counts['lms_roi_kpi_value']:,}, planted effects {len(data.planted)}"
    )
    print(
        ("reused the database; " if present else "")
        + f"build: {t3 - t0:.1f} s (migrations {t1 - t0:.1f} s, generate {t2 - t1:.1f} s, "
        f"bulk write + ANALYZE {t3 - t2:.1f} s)"
    )
    planted = data.planted
    del data

    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    results = {}
    for step in [s for s in args.steps.split(",") if s]:
        results[step] = _child(step, url, args, workdir)
        _print_step(step, results[step])
    _print_ratios(results)
    if "effects" in results.get("module", {}) and "effects" in results.get("baseline", {}):
        _print_checks(results["module"]["effects"], results["baseline"]["effects"], planted)
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        profile = _child("profile", url, args, args.profile, suffix=backend)
        _print_profile(profile)
    return 0


def _child(step: str, url: str, args, workdir: str, suffix: str = "") -> dict:
    out = Path(workdir) / f"{step}{'-' + suffix if suffix else ''}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        step,
        "--database-url",
        url,
        "--repeat",
        str(args.repeat),
        "--budget",
        str(args.budget),
        "--sample-pairs",
        str(args.sample_pairs),
        "--profile-report",
        args.profile_report,
        "--out",
        str(out),
    ]
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    try:
        subprocess.run(command, check=True, timeout=args.timeout)  # noqa: S603 (our own script)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {time.perf_counter() - started:.0f} s"}
    except subprocess.CalledProcessError as error:
        return {"error": f"exit status {error.returncode}"}
    # Other work on the machine stretches wall times: each figure says how busy it was.
    return {**json.loads(out.read_text()), "load": (load_before, os.getloadavg()[0])}


def _print_step(step: str, result: dict) -> None:
    if "error" in result:
        print(f"{step:<16} {result['error']}")
        return
    warm = result["warm"]
    median = f"{statistics.median(warm):.2f} (n={len(warm)})" if warm else "-"
    extra = f"  cpu {result['cpu'][0]:.1f} s (cold)"
    if "cached" in result:
        extra += f", repeated request (cache hit) {result['cached'] * 1000:.0f} ms"
    if step == "baseline":
        extra += f", select {result['select']:.2f} s + compute {result['compute']:.2f} s"
    if "load" in result:
        extra += ", load average {:.1f} -> {:.1f}".format(*result["load"])
    print(
        f"{step:<16} cold {result['cold']:8.2f} s  warm median {median:>14} s  "
        f"peak RSS {result['peak_rss_mb']:7.0f} MB  rows {result['rows']:>7,}{extra}"
    )


def _print_profile(result: dict) -> None:
    if "error" in result:
        print(f"profile: {result['error']}")
        return
    print(
        f"profile: {result['seconds']:.1f} s, {result['sql_statements']} SQL statements, "
        f"peak RSS {result['peak_rss_mb']:.0f} MB; files {', '.join(result['files'])}"
    )
    if "extrapolated_s" in result:
        print(
            f"sampled {result['sampled_pairs']} of {result['n_pairs']} pairs: setup "
            f"{result['setup_s']:.1f} s, {result['per_pair_s']:.2f} s per pair -> module report "
            f"about {result['extrapolated_s']:.0f} s"
        )
    for label, stage in sorted(result["stages"].items(), key=lambda kv: -kv[1]["seconds"]):
        print(
            f"  {label:<52} {stage['calls']:>5} calls {stage['seconds']:9.2f} s  "
            f"RSS after {stage['rss_after_mb']:6.0f} MB, peak {stage['peak_rss_mb']:6.0f} MB"
        )


def _typical(result: dict) -> float:
    return statistics.median(result["warm"]) if result["warm"] else result["cold"]


def _print_ratios(results: dict) -> None:
    base = results.get("baseline", {"error": "not run"})
    if "error" in base:
        return
    for step in ("module", "learner"):
        if "error" not in results.get(step, {"error": "not run"}):
            print(
                f"ratio {step}/baseline: cold {results[step]['cold'] / base['cold']:.1f}x, "
                f"warm {_typical(results[step]) / _typical(base):.1f}x"
            )


def _print_checks(product: list[dict], baseline: list[dict], planted: dict) -> None:
    """Planted vs estimated for a few modules, and product vs baseline on every pair."""
    ours = {(r["module"], r["kpi"]): r for r in product}
    bare = {(r["module"], r["kpi"]): r for r in baseline}
    print(f"{'module':<12} {'kpi':<15} {'planted':>8} {'report [95% CI]':>28} {'baseline':>9}")
    covered = 0
    for slug, (kpi, effect) in sorted(planted.items()):
        row, base = ours.get((slug, kpi), {}), bare.get((slug, kpi), {})
        if row.get("ci_low") is not None and row["ci_low"] <= effect <= row["ci_high"]:
            covered += 1
        if slug in sorted(planted)[:8]:
            estimate = (
                f"{row['effect']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}]"
                if row.get("effect") is not None and row.get("ci_low") is not None
                else "-"
            )
            print(
                f"{slug:<12} {kpi:<15} {effect:>8.3f} {estimate:>28} "
                f"{base.get('effect', float('nan')):>9.3f}"
            )
    print(f"planted effects inside the report's 95 % CI: {covered}/{len(planted)}")
    shared = [k for k, r in ours.items() if r["isolation"] == "control_group" and k in bare]
    if shared:
        d_effect = max(abs(ours[k]["effect"] - bare[k]["effect"]) for k in shared)
        d_se = max(abs(ours[k]["std_error"] - bare[k]["std_error"]) for k in shared)
        d_n = sum(ours[k]["n_treated"] != bare[k]["n_treated"] for k in shared)
        print(
            f"report vs baseline on {len(shared)} control-group pairs: max |d effect| "
            f"{d_effect:.2e}, max |d std_error| {d_se:.2e}, n_treated differs on {d_n}"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
