"""Child processes of the scale benchmark: one step each, its figures written as JSON.

Run by ``bench/roi_report.py`` (``--child baseline|module|learner|profile``), so
that each step's peak RSS is its own and not the data generator's.
"""

from __future__ import annotations

import json
import resource
import time
from collections import defaultdict
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(args) -> int:
    step = args.child
    if step == "baseline":
        result = _baseline(args)
    elif step == "profile":
        result = _profile(args)
    else:
        result = _report(step, args)
    result["peak_rss_mb"] = peak_rss_mb()
    Path(args.out).write_text(json.dumps(result))
    return 0


def _timed_runs(run, repeat: int, budget: float):
    """First run (cold), then up to ``repeat`` warm runs while ``budget`` seconds last.

    Returns the cold time, the warm times, this process's CPU seconds of each
    run (a loaded machine stretches wall time, not CPU time) and the last value.
    """
    wall: list[float] = []
    cpu: list[float] = []
    value = None
    while not wall or (len(wall) <= repeat and sum(wall) < budget):
        t0, c0 = time.perf_counter(), time.process_time()
        value = run()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return wall[0], wall[1:], cpu, value


def _baseline(args) -> dict:
    import scale_baseline

    runs = []

    def once():
        effects, seconds = scale_baseline.run(args.database_url)
        runs.append(seconds)
        return effects

    cold, warm, cpu, effects = _timed_runs(once, args.repeat, args.budget)
    slugs = {int(m): f"module-{int(m):03d}" for m in effects["module_id"]}
    return {
        "cold": cold,
        "warm": warm,
        "cpu": cpu,
        "select": runs[0]["select"],
        "compute": runs[0]["compute"],
        "rows": len(effects),
        "effects": [
            {
                "module": slugs[int(r.module_id)],
                "kpi": r.kpi,
                "n_treated": int(r.n_treated),
                "effect": float(r.effect),
                "std_error": float(r.std_error),
            }
            for r in effects.itertuples()
        ],
    }


def _app(url: str):
    from roi_report import APP_CONFIG

    from lms_roi import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, **APP_CONFIG})


def _report_cache():
    """The product's report cache module, when it has one (it is timed apart)."""
    try:
        from lms_roi.analytics import cache
    except ImportError:
        return None
    return cache


def _report(by: str, args) -> dict:
    from lms_roi.analytics import roi_report

    cache = _report_cache()
    app = _app(args.database_url)
    with app.app_context():
        db = app.extensions["lms_roi"].db

        def once():
            db.session.remove()
            if cache is not None:  # every timed run computes; the cache is timed apart
                cache.clear()
            return roi_report(by)

        cold, warm, cpu, report = _timed_runs(once, args.repeat, args.budget)
        result = {"cold": cold, "warm": warm, "cpu": cpu, "rows": len(report.rows)}
        if cache is not None:
            db.session.remove()
            t0 = time.perf_counter()
            roi_report(by)  # the same request again, data unchanged: a cache hit
            result["cached"] = time.perf_counter() - t0
    if by == "module":
        result["effects"] = [
            {"module": row["module"], **entry} for row in report.rows for entry in row["kpis"]
        ]
    return result


class _Stop(Exception):
    """Raised inside the report once enough module x KPI pairs have been timed."""


def _profile(args) -> dict:
    """The module report once under pyinstrument, with a per-stage time/RSS/SQL breakdown.

    With ``--sample-pairs K`` the report is stopped after K module x KPI pairs
    and its full time extrapolated: setup + K pairs' mean time x every pair.
    """
    from pyinstrument import Profiler
    from sqlalchemy import event, text

    from lms_roi.analytics import roi_report

    app = _app(args.database_url)
    stages: dict[str, dict] = defaultdict(lambda: {"calls": 0, "seconds": 0.0})
    statements = {"count": 0}
    pairs: list[float] = []
    summary: dict = {}
    with app.app_context():
        db = app.extensions["lms_roi"].db
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *a, **k: statements.__setitem__("count", statements["count"] + 1),
        )
        _instrument(stages, pairs, args.sample_pairs)
        profiler = Profiler(interval=0.005)
        t0 = time.perf_counter()
        profiler.start()
        try:
            summary["rows"] = len(roi_report(args.profile_report).rows)
        except _Stop:
            n_pairs = db.session.scalar(
                text(
                    "SELECT COUNT(*) FROM lms_roi_module_kpi WHERE module_id IN "
                    "(SELECT module_id FROM lms_roi_completion)"
                )
            )
            per_pair = (pairs[-1] - pairs[0]) / (len(pairs) - 1)
            setup = pairs[0] - t0
            summary.update(
                sampled_pairs=len(pairs) - 1,
                n_pairs=n_pairs,
                setup_s=setup,
                per_pair_s=per_pair,
                extrapolated_s=setup + per_pair * n_pairs,
            )
        profiler.stop()
        summary["seconds"] = time.perf_counter() - t0
    directory = Path(args.out).parent
    suffix = Path(args.out).stem.removeprefix("profile")
    text_file = directory / f"profile{suffix}.txt"
    text_file.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    stages_file = directory / f"stages{suffix}.json"
    summary.update(sql_statements=statements["count"], stages=stages, peak_rss_mb=peak_rss_mb())
    stages_file.write_text(json.dumps(summary, indent=1, default=dict))
    return {**summary, "files": [str(text_file), str(stages_file)]}


def _instrument(stages: dict, pairs: list[float], limit: int) -> None:
    """Wrap the report's stages (no product file is changed) to time them and watch RSS.

    ``pairs`` receives the moment each module x KPI pair starts its estimate;
    with ``limit`` the report stops after that many pairs.
    """
    import lms_roi.analytics.estimate as estimate_module
    from lms_roi.analytics import levels, loader, report

    def wrap(owner, name: str, label: str) -> None:
        inner = getattr(owner, name, None)
        if inner is None:  # renamed since: skip rather than fail the profile
            return

        def timed(*a, **k):
            t0 = time.perf_counter()
            if name == "outlier_rows":  # the one step still taken pair by pair
                pairs.append(t0)
                if limit and len(pairs) > limit:
                    raise _Stop
            try:
                return inner(*a, **k)
            finally:
                stage = stages[label]
                stage["calls"] += 1
                stage["seconds"] += time.perf_counter() - t0
                stage["rss_after_mb"] = _rss_mb()
                stage["peak_rss_mb"] = peak_rss_mb()

        setattr(owner, name, timed)

    wrap(loader, "frame", "SQL -> DataFrame (loader.frame, every read)")
    wrap(levels, "frame", "SQL -> DataFrame (levels reads)")
    wrap(report, "frame", "SQL -> DataFrame (report reads)")
    wrap(loader, "kpi_panel_rows", "KPI values read (one SELECT, driver rows)")
    wrap(loader, "completions", "completions read (one SELECT, driver rows)")
    wrap(estimate_module.KpiPanel, "build", "per KPI: learner x period panel")
    wrap(estimate_module, "Windows", "per KPI: windows, changes and control sums")
    wrap(estimate_module, "ChangePool", "per KPI: change pool for outlier screening")
    wrap(estimate_module, "_estimate_kpi", "per KPI: outliers, DiD, placebo of its pairs")
    wrap(estimate_module, "did_batch", "per KPI: difference in differences, all pairs")
    wrap(estimate_module, "outlier_rows", "per pair: outlier screening")
    wrap(estimate_module, "did", "per pair with outliers left out: difference in differences")
    wrap(estimate_module.effects_table, "assemble", "effects, benefits and changes tables")
    wrap(estimate_module, "attribution_claims", "attribution claims")
    wrap(report, "estimate", "estimate (all pairs, total)")
    wrap(report.RoiInputs, "load", "inputs load (completions, learners, costs...)")
    wrap(report._Context, "by_module", "module rows")
    wrap(report._Context, "by_learner", "learner rows")
    wrap(report._Context, "learner_frame", "learner costs and benefits")
    wrap(report, "_Context", "report context (costs)")
    wrap(report.lv, "learner_levels", "levels 1-3 read")
    wrap(report.lv, "levels_by_group", "levels by group")


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0
