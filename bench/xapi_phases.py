"""Where a batch of xAPI statements spends its time: the ingest path's phases, timed in-process.

Used by ``bench/xapi_ingest.py --phases N``: after the HTTP run, ``N`` more batches go
through the same endpoint with Flask's test client (no network, no gunicorn) while the
functions of each phase are wrapped with timers. Times are inclusive (a phase contains
the phases indented under it) and per batch; ``cpu`` is this process's CPU time, so the
difference to ``wall`` is time spent waiting (the database server, the disk, other
processes on the machine).
"""

from __future__ import annotations

import base64
import gc
import importlib
import json
import time
from contextlib import ExitStack
from unittest import mock

#: (label, depth, module, attribute): what each phase times, in the order printed.
PHASES = (
    ("JSON body", 0, "lms_roi.blueprints.xapi", "_json_body"),
    ("store and commit", 0, "lms_roi.blueprints.xapi", "_store"),
    ("store_statements", 1, "lms_roi.blueprints.xapi", "store_statements"),
    ("validation", 2, "lms_roi.xapi.statements", "validate_statement"),
    ("content hashes", 2, "lms_roi.xapi.statements", "content_hash"),
    ("replays and voiding checks", 2, "lms_roi.xapi.statements", "_existing"),
    ("statement rows", 2, "lms_roi.xapi.statements", "_rows"),
    ("processing", 2, "lms_roi.xapi.processing", "process_rows"),
    ("actors and activities", 3, "lms_roi.xapi.processing", "resolve_learners"),
    ("completions (record_completions)", 3, "lms_roi.xapi.processing", "record_completions"),
    ("follow-ups, enrolments", 4, "lms_roi.services.learning", "_after_completions"),
    ("XP (on_completions)", 4, "lms_roi.gamification.engine", "on_completions"),
    ("actions", 5, "lms_roi.gamification.engine", "completion_actions"),
    ("ledger states", 5, "lms_roi.gamification.ledger", "read_states"),
    ("ledger rows", 5, "lms_roi.gamification.ledger", "insert_rows"),
    ("totals", 5, "lms_roi.gamification.ledger", "apply_totals"),
    ("streaks", 5, "lms_roi.gamification.streaks", "write"),
    ("badges", 5, "lms_roi.gamification.badges", "evaluate_history"),
    ("statement insert", 2, "lms_roi.xapi.statements", "_insert"),
    ("board counts (settle, at commit)", 1, "lms_roi.gamification.board_index", "settle"),
)


def phase_timings(app, key: str, secret: str, batches: list[list[dict]], prefix: str) -> str:
    """Post ``batches`` in-process with every phase timed; the report as text."""
    auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
    headers = {
        "Authorization": auth,
        "Content-Type": "application/json",
        "X-Experience-API-Version": "1.0.3",
    }
    totals = {label: [0.0, 0.0] for label, *_rest in PHASES}
    with ExitStack() as stack:
        for label, _depth, module_name, attribute in PHASES:
            module = importlib.import_module(module_name)
            wrapped = _timed(getattr(module, attribute), totals[label])
            stack.enter_context(mock.patch.object(module, attribute, wrapped))
        client = app.test_client()
        # This process holds every generated statement: keep its heap out of the
        # collector's full passes, as a gunicorn worker's is small.
        gc.collect()
        gc.freeze()
        wall, cpu = time.perf_counter(), time.process_time()
        for batch in batches:
            body = json.dumps(batch)
            response = client.post(f"{prefix}/xapi/statements", data=body, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"batch failed: {response.status_code} {response.data[:300]!r}")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        gc.unfreeze()
    count = len(batches)
    lines = [f"phases, per batch of {len(batches[0])} ({count} batches in-process):"]
    lines.append(f"  {'':44} {'wall ms':>8} {'cpu ms':>8}")
    rows = [("whole request (test client)", wall, cpu)]
    rows += [("  " * depth + label, *totals[label]) for label, depth, *_rest in PHASES]
    for name, spent_wall, spent_cpu in rows:
        wall_ms, cpu_ms = spent_wall / count * 1000, spent_cpu / count * 1000
        lines.append(f"  {name:44} {wall_ms:8.1f} {cpu_ms:8.1f}")
    return "\n".join(lines)


def _timed(function, total: list[float]):
    def timed(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - wall
            total[1] += time.process_time() - cpu

    return timed
