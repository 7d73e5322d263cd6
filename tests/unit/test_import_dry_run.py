"""Dry runs: validate and count like a real import, inside a savepoint of their own.

A dry run must leave the caller's transaction as it found it (in plugin mode the host
may hold pending changes in the same session) and tell no subscriber that KPIs arrived.
"""

from __future__ import annotations

from sqlalchemy import func, inspect, select

from factories import make_kpi, make_person
from lms_roi import signals
from lms_roi.db import session
from lms_roi.importers import import_file
from lms_roi.models import ImportBatch, KpiValue, Team

VALUES = b"learner,kpi,period_start,value\nE1,qualified_leads,2026-01-01,7\n"


def _count(model) -> int:
    return session().scalar(select(func.count()).select_from(model))


def test_a_dry_run_sends_no_signal_and_a_real_import_does(ctx):
    make_person("mia@example.com", external_id="E1")
    make_kpi("qualified_leads")
    received = []

    def receiver(sender, **extra):
        received.append((extra["batch"].dry_run, extra["counts"].inserted))

    signals.kpis_imported.connect(receiver)
    try:
        dry = import_file("kpi-values", VALUES, "values.csv", dry_run=True)
        assert (dry.dry_run, dry.inserted, dry.batch_id) == (True, 1, None)
        assert received == []
        real = import_file("kpi-values", VALUES, "values.csv")
        assert (real.dry_run, real.inserted) == (False, 1) and real.batch_id
        assert received == [(False, 1)]
    finally:
        signals.kpis_imported.disconnect(receiver)


def test_a_dry_run_keeps_the_callers_pending_changes_and_writes_nothing(ctx):
    make_person("mia@example.com", external_id="E1")
    make_kpi("qualified_leads")
    db = session()
    flushed = Team(slug="flushed", name="Flushed by the host")
    db.add(flushed)
    db.flush()
    pending = Team(slug="pending", name="Pending in the host")
    db.add(pending)
    result = import_file("kpi-values", VALUES, "values.csv", dry_run=True)
    assert result.inserted == 1
    # Only the dry run's own savepoint was rolled back.
    assert inspect(flushed).persistent and inspect(pending).persistent
    assert _count(KpiValue) == 0 and _count(ImportBatch) == 0
    assert set(db.scalars(select(Team.slug))) == {"flushed", "pending"}
