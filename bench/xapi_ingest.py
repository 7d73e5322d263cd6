"""Benchmark: xAPI statements per second through the real endpoint (issue 10, item 4).

    .venv/bin/python bench/xapi_ingest.py [--statements 20000] [--batch 500]
        [--learners 5000] [--modules 100] [--workers 2] [--senders 4] [--seed 7]
        [--warmup 4] [--phases 4] [--database-url URL]

Builds a fresh database with the product's migrations, writes ``--learners`` learners
and ``--modules`` published modules straight into the tables, maps one Moodle-style
activity IRI to each module (the explicit mapping table), defines two badges
("first module", "five modules"), and creates an xAPI client with the product's CLI.
Then it serves the standalone app with gunicorn (``--workers`` processes) on
127.0.0.1 and posts ``--statements`` valid statements in batches of ``--batch`` from
``--senders`` threads with keep-alive connections, as an LMS would: Moodle-style
``account`` actors, both "completed" verbs and "passed" with a score, every statement
a new completion (distinct learner, module and moment), so that each one goes
through validation, storage, the mapping, the completion path, the XP ledger and the
badge rules. It checks every response (200 and the ids in order) and, afterwards, the
completions, XP events and badges the run produced. ``--warmup`` batches go first
(each gunicorn worker's first requests compile SQL and fill caches) and are timed
apart, out of the figure; ``--phases`` more batches then go through the same app
in-process with each phase of the ingest path timed (``bench/xapi_phases.py``).

In the same run, the baseline: the same statement rows written with one raw DBAPI
``executemany`` (no validation, no processing, one transaction) into a table of the
same shape, and the ratio endpoint / baseline. Target on a 2-core machine: >= 5,000
statements/s through the endpoint.

The load average is printed before and after the timed run: on a shared 2-core
machine other processes take CPU from gunicorn, so compare figures at a similar load.

Without ``--database-url`` a temporary SQLite file is used. For PostgreSQL, an empty
database (the run leaves its data there, so drop it before the next run)::

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE lms_roi_xapi'
    .venv/bin/python bench/xapi_ingest.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/lms_roi_xapi
    psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE lms_roi_xapi'
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

HOME_PAGE = "https://moodle.example.com"
PREFIX = "/roi"
VERBS = (
    ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    ("http://id.tincanapi.com/verb/completed", "completed"),
    ("http://adlnet.gov/expapi/verbs/passed", "passed"),
)
START = datetime(2025, 11, 1, tzinfo=UTC)


def activity_iri(module: int) -> str:
    return f"{HOME_PAGE}/mod/page/view.php?id={module + 1}"


def app_config(url: str, instance: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "LMS_ROI_INSTANCE_PATH": instance,
        "SECRET_KEY": "bench",
        "LMS_ROI_URL_PREFIX": PREFIX,
        "LMS_ROI_TIMEZONE": "UTC",
        "LMS_ROI_XAPI_HOME_PAGES": [HOME_PAGE],
        # One LMS pushing a backlog: the per-client rate limit is not what is measured.
        "RATELIMIT_ENABLED": False,
    }


def seed(app, learners: int, modules: int) -> tuple[str, str]:
    """Learners, modules, their activity mapping, two badges and an xAPI client."""
    from sqlalchemy import insert, select

    from lms_roi.db import session
    from lms_roi.migrate import upgrade
    from lms_roi.models import Badge, Learner, Module, ModuleVersion, XapiActivityMap

    with app.app_context():
        upgrade()
        db = session()
        db.execute(
            insert(Learner),
            [
                dict(
                    external_id=f"{i + 2}",  # Moodle user ids
                    display_name=f"Learner {i}",
                    email=f"learner{i}@example.com",
                    timezone="UTC",
                )
                for i in range(learners)
            ],
        )
        db.execute(
            insert(Module),
            [
                dict(
                    slug=f"module-{m:04d}",
                    title=f"Module {m}",
                    duration_minutes=30,
                    method="micro_learning",
                    published=True,
                    current_version=1,
                )
                for m in range(modules)
            ],
        )
        ids = db.scalars(select(Module.id).order_by(Module.id)).all()
        db.execute(
            insert(ModuleVersion),
            [
                dict(
                    module_id=mid,
                    version=1,
                    title="v1",
                    duration_minutes=30,
                    published_at=START - timedelta(days=400),
                )
                for mid in ids
            ],
        )
        db.execute(
            insert(XapiActivityMap),
            [dict(activity_iri=activity_iri(m), module_id=mid) for m, mid in enumerate(ids)],
        )
        for slug, minimum in (("first-module", 1), ("five-modules", 5)):
            db.add(
                Badge(
                    slug=slug,
                    name=slug,
                    description="",
                    criteria={"kind": "modules_completed", "min": minimum},
                    xp=0,
                    active=True,
                    image="",
                )
            )
        db.commit()
    result = app.test_cli_runner().invoke(args=["lms-roi", "create-xapi-client", "bench"])
    if result.exit_code != 0:
        raise SystemExit(f"create-xapi-client failed: {result.output}")
    key, secret = result.output.strip().splitlines()[-1].split()
    return key, secret


def statements(count: int, learners: int, modules: int, seed_: int) -> list[dict]:
    """``count`` statements, each a distinct learner + module + moment."""
    rng = np.random.default_rng(seed_)
    pairs = rng.choice(learners * modules, size=count, replace=count > learners * modules)
    seconds = rng.integers(0, 365 * 86400, size=count)
    verbs = rng.choice(len(VERBS), size=count, p=(0.5, 0.2, 0.3))
    scores = rng.integers(50, 101, size=count)
    out = []
    for i in range(count):
        learner, module = divmod(int(pairs[i]), modules)
        verb_id, verb_name = VERBS[verbs[i]]
        moment = START + timedelta(seconds=int(seconds[i]), microseconds=i % 1000 * 1000)
        statement = {
            "id": str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | i, version=4)),
            "actor": {
                "objectType": "Agent",
                "name": f"Learner {learner}",
                "account": {"homePage": HOME_PAGE, "name": f"{learner + 2}"},
            },
            "verb": {"id": verb_id, "display": {"en": verb_name}},
            "object": {
                "objectType": "Activity",
                "id": activity_iri(module),
                "definition": {
                    "type": "http://adlnet.gov/expapi/activities/lesson",
                    "name": {"en": f"Module {module}"},
                },
            },
            "timestamp": moment.isoformat().replace("+00:00", "Z"),
            "context": {"platform": "Moodle", "language": "en"},
        }
        if verb_name == "passed":
            raw = int(scores[i])
            statement["result"] = {
                "score": {"raw": raw, "min": 0, "max": 100, "scaled": raw / 100},
                "success": True,
                "completion": True,
            }
        out.append(statement)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(config: dict, workers: int, port: int) -> subprocess.Popen:
    """gunicorn serving the standalone app with ``config``; returns once it answers."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # gunicorn calls the factory with literal arguments.
    spec = f"lms_roi:create_app({config!r})"
    process = subprocess.Popen(  # noqa: S603 (a fixed command line)
        [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "--timeout", "300", spec],
        env={**os.environ, "LMS_ROI_INSTANCE_PATH": config["LMS_ROI_INSTANCE_PATH"]},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", f"{PREFIX}/xapi/about")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def send(port: int, key: str, secret: str, batches: list[list[dict]], senders: int) -> float:
    """Post every batch from ``senders`` threads; returns the wall time in seconds."""
    auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
    headers = {
        "Authorization": auth,
        "Content-Type": "application/json",
        "X-Experience-API-Version": "1.0.3",
    }
    work: queue.Queue = queue.Queue()
    for batch in batches:
        work.put((json.dumps(batch), [s["id"] for s in batch]))
    failures: list[str] = []

    def sender() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while True:
            try:
                body, ids = work.get_nowait()
            except queue.Empty:
                return
            connection.request("POST", f"{PREFIX}/xapi/statements", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 200 or json.loads(answer) != ids:
                failures.append(f"{response.status}: {answer[:300]!r}")

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} batches failed; first: {failures[0]}")
    return elapsed


def split(items: list, size: int) -> list[list]:
    """``items`` in batches of ``size``."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def outcome(app) -> dict:
    """What the run left in the database."""
    from sqlalchemy import func, select

    from lms_roi.db import session
    from lms_roi.models import BadgeAward, Completion, XapiStatement, XpEvent

    with app.app_context():
        db = session()
        return {
            "statements": db.scalar(select(func.count()).select_from(XapiStatement)),
            "processed": db.scalar(
                select(func.count()).where(XapiStatement.status == "processed")
            ),
            "completions": db.scalar(select(func.count()).select_from(Completion)),
            "xp_events": db.scalar(select(func.count()).select_from(XpEvent)),
            "xp": db.scalar(select(func.coalesce(func.sum(XpEvent.points), 0))),
            "badges": db.scalar(select(func.count()).select_from(BadgeAward)),
        }


def baseline(app, rows: list[dict]) -> float:
    """Seconds for one raw ``executemany`` of the statement rows into a same-shape table."""
    from sqlalchemy import MetaData

    from lms_roi.db import session
    from lms_roi.models import XapiStatement

    with app.app_context():
        engine = session().get_bind()
        table = XapiStatement.__table__.to_metadata(MetaData(), name="bench_xapi_baseline")
        for constraint in list(table.foreign_keys):
            constraint.constraint.table.constraints.discard(constraint.constraint)
        # Same indexes and constraints as the real table, under new names (PostgreSQL's
        # are schema-wide).
        for item in (*table.indexes, *table.constraints):
            if isinstance(item.name, str):
                item.name = "bench_" + item.name
        table.create(engine)
        columns = list(rows[0])
        placeholders = ", ".join(
            ["%s"] * len(columns) if engine.dialect.name == "postgresql" else ["?"] * len(columns)
        )
        sql = (
            f"INSERT INTO bench_xapi_baseline ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({placeholders})"
        )
        values = [tuple(row[c] for c in columns) for row in rows]
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            started = time.perf_counter()
            if engine.dialect.name == "sqlite":
                cursor.execute("BEGIN")  # the product's SQLite connections run in autocommit
            cursor.executemany(sql, values)
            inserted = time.perf_counter()
            raw.commit()
            done = time.perf_counter()
            print(f"baseline: insert {inserted - started:.3f} s, commit {done - inserted:.3f} s")
            return done - started
        finally:
            raw.close()


def baseline_rows(batch: list[dict]) -> list[dict]:
    """The columns the endpoint stores for each statement, as plain values (JSON as text)."""
    stored = datetime.now(UTC)
    return [
        {
            "statement_id": s["id"],
            "actor": f"account:{HOME_PAGE}|{s['actor']['account']['name']}",
            "verb": s["verb"]["id"],
            "object_type": "Activity",
            "object_id": s["object"]["id"],
            "result": json.dumps(s.get("result")),
            "timestamp": s["timestamp"],
            "stored": stored,
            "voided": False,
            "raw": json.dumps(s),
            "version": "1.0.3",
            "content_hash": "0" * 64,
            "status": "processed",
        }
        for s in batch
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--learners", type=int, default=5_000)
    parser.add_argument("--modules", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=4, help="batches sent before timing")
    parser.add_argument("--phases", type=int, default=4, help="batches timed by phase")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    # The SQLite file (without --database-url) and the app's instance folder.
    tmp = tempfile.mkdtemp(prefix="lms-roi-xapi-bench-")
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: str) -> None:
    """Seed, warm up, time the endpoint, time the phases, then the baseline; print it all."""
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    from lms_roi import create_app

    config = app_config(url, tmp)
    app = create_app(config)
    key, secret = seed(app, args.learners, args.modules)
    extra = (args.warmup + args.phases) * args.batch
    generated = statements(args.statements + extra, args.learners, args.modules, args.seed)
    warm = generated[: args.warmup * args.batch]
    every = generated[len(warm) : len(warm) + args.statements]
    later = generated[len(warm) + len(every) :]
    port = free_port()
    server = serve(config, args.workers, port)
    load_before = os.getloadavg()[0]
    try:
        if warm:
            warm_time = send(port, key, secret, split(warm, args.batch), args.senders)
            print(f"warm-up: {len(warm):,} statements in {warm_time:.2f} s (not counted)")
        batches = split(every, args.batch)
        elapsed = send(port, key, secret, batches, args.senders)
    finally:
        server.terminate()
        server.wait(timeout=30)
    load = os.getloadavg()[0]
    if later:
        from xapi_phases import phase_timings

        print(phase_timings(app, key, secret, split(later, args.batch), PREFIX))
    found = outcome(app)
    base = baseline(app, baseline_rows(every))
    rate, base_rate = len(every) / elapsed, len(every) / base
    database = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(
        f"database: {database}; {len(every):,} statements in {len(batches)} batches of "
        f"{args.batch}; {args.learners:,} learners, {args.modules} modules; gunicorn "
        f"{args.workers} workers, {args.senders} senders; load average {load_before:.1f} "
        f"before, {load:.1f} after (2 cores)"
    )
    print(f"endpoint: {elapsed:.2f} s = {rate:,.0f} statements/s (target >= 5,000)")
    print(f"baseline executemany: {base:.2f} s = {base_rate:,.0f} statements/s")
    print(f"ratio endpoint / baseline: {rate / base_rate:.2f}")
    print("left in the database: " + ", ".join(f"{k} {v:,}" for k, v in found.items()))
    if found["completions"] != len(generated):
        print(f"WARNING: {len(generated):,} statements but {found['completions']:,} completions")


if __name__ == "__main__":
    main()
