"""Reports cached by data version: hits while nothing changes, never stale after a write."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, select

from conftest import write_file
from factories import make_completion, make_kpi, make_kpi_value, make_module, make_person
from lms_roi.analytics import roi_report
from lms_roi.analytics.cache import data_version
from lms_roi.models import CostItem, DataVersion, KpiValue, XpEvent
from lms_roi.services.audit import record_audit


def _organisation(db):
    leads = make_kpi("qualified_leads", value_per_unit="100")
    module = make_module("seo-basics", kpis={leads: 1.0})
    people = [make_person(f"p{i}@example.com", password=None) for i in range(8)]
    for person in people[:3]:
        make_completion(person, module, datetime(2026, 4, 1, 12, tzinfo=UTC))
    for person in people:
        for month in range(1, 8):
            make_kpi_value(person, leads, date(2026, month, 1), 10)
    db.session.commit()
    return leads, module, people


def test_an_unchanged_database_answers_from_the_cache(ctx):
    _organisation(ctx)
    first = roi_report("module")
    assert roi_report("module") is first  # the very same report, not recomputed
    assert roi_report("method") is not first


def test_every_kind_of_write_gives_a_new_version_and_a_fresh_report(ctx, cli, tmp_path):
    leads, module, people = _organisation(ctx)
    before = roi_report("module")
    version = data_version()
    # An ORM change (flush): a completer's later values rise by 30 a month.
    for month in range(5, 8):
        value = ctx.session.scalar(
            select(KpiValue).where(
                KpiValue.learner_id == people[0].id, KpiValue.period_start == date(2026, month, 1)
            )
        )
        value.value = 40
    ctx.session.commit()
    assert data_version() != version
    after = roi_report("module")
    assert after is not before
    assert after.rows[0]["kpis"][0]["effect"] > before.rows[0]["kpis"][0]["effect"]
    # A bulk statement (no flush) and a file import both move the version too.
    version = data_version()
    ctx.session.execute(delete(CostItem))
    ctx.session.commit()
    assert data_version() != version
    version = data_version()
    rows = "learner,kpi,period_start,value\np0@example.com,qualified_leads,2026-08-01,50\n"
    path = write_file(tmp_path, "values.csv", rows)
    assert cli.invoke(args=["lms-roi", "import", "kpi-values", str(path)]).exit_code == 0
    assert data_version() != version


def test_bookkeeping_writes_keep_the_cache(ctx):
    _organisation(ctx)
    first = roi_report("module")
    record_audit("report.read", actor=None, target_type="report", target_id="module")
    ctx.session.commit()
    assert roi_report("module") is first


def test_uncommitted_or_rolled_back_data_never_reach_the_cache(ctx):
    leads, module, people = _organisation(ctx)
    committed = data_version()
    nested = ctx.session.begin_nested()
    make_kpi_value(people[0], leads, date(2026, 9, 1), 999)
    ctx.session.flush()
    assert data_version() == committed  # the new version comes with the commit
    phantom = roi_report("module")  # computed with the uncommitted value, not cached
    nested.rollback()
    assert roi_report("module") is not phantom
    make_kpi_value(people[0], leads, date(2026, 9, 1), 11)
    ctx.session.commit()
    assert data_version() != committed
    assert ctx.session.scalar(select(DataVersion.token)) == data_version()


def test_gamification_and_bookkeeping_writes_keep_the_cache(ctx):
    leads, module, people = _organisation(ctx)
    first = roi_report("module")
    ctx.session.add(
        XpEvent(
            learner_id=people[0].id,
            points=10,
            reason="module",
            idempotency_key="k-1",
            local_day=date(2026, 3, 2),
        )
    )
    ctx.session.commit()
    assert roi_report("module") is first
