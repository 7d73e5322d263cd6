"""Imports of completions and KPI values, and the rules every import follows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from conftest import run_import, write_file
from lms_roi.models import Completion, ImportBatch, KpiValue, ModuleVersion

REFERENCE = {
    "kpi-definitions": """
        key,name,unit,direction,value_per_unit,period
        qualified_leads,Qualified leads,lead,higher,120,month
        web_traffic,Web traffic,visit,higher,0.05,week
        csat,CSAT,score,higher,40,quarter
        """,
    "learners": """
        external_id,email,name,team,hourly_cost
        E1,mia@example.com,Mia Roux,Content,48
        E2,tom@example.com,Tom Blanc,Content,40
        """,
    "modules": """
        slug,title,method,duration_minutes,kpis,fixed_cost,cost_per_learner
        seo-basics,SEO basics,online,45,qualified_leads,1000,10
        """,
}


@pytest.fixture
def reference(cli, tmp_path):
    for kind, text in REFERENCE.items():
        result = run_import(cli, write_file(tmp_path, f"{kind}.csv", text), kind)
        assert result.exit_code == 0, result.stderr


def _count(app, db, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_completions_by_external_id_or_email(app, cli, db, tmp_path, reference):
    path = write_file(
        tmp_path,
        "completions.csv",
        """
        learner,module,completed_at,score
        E1,seo-basics,2026-03-02,85
        tom@example.com,seo-basics,2026-03-05T09:30:00+01:00,
        E1,seo-basics,2026-04-10T16:00:00Z,92.5
        """,
    )
    result = run_import(cli, path, "completions")
    assert result.exit_code == 0, result.stderr
    assert "3 inserted, 0 updated, 0 unchanged" in result.stdout
    with app.app_context():
        rows = db.session.execute(
            select(Completion.completed_at, Completion.score, Completion.source).order_by(
                Completion.completed_at
            )
        ).all()
    # A bare date is noon in the organisation's time zone (Europe/Paris, UTC+1 in March).
    assert rows[0] == (datetime(2026, 3, 2, 11, tzinfo=UTC), 85.0, "import")
    assert rows[1] == (datetime(2026, 3, 5, 8, 30, tzinfo=UTC), None, "import")
    assert rows[2][0] == datetime(2026, 4, 10, 16, tzinfo=UTC)
    again = run_import(cli, path, "completions")
    assert "0 inserted, 0 updated, 3 unchanged" in again.stdout
    path.write_text(path.read_text().replace(",85", ",88"))
    assert "0 inserted, 1 updated, 2 unchanged" in run_import(cli, path, "completions").stdout


def test_completion_takes_the_version_live_at_that_moment(app, cli, db, tmp_path, reference):
    with app.app_context():
        module_id = db.session.scalar(select(ModuleVersion.module_id))
        db.session.execute(
            ModuleVersion.__table__.update().values(published_at=datetime(2026, 1, 1, tzinfo=UTC))
        )
        db.session.add(
            ModuleVersion(
                module_id=module_id,
                version=2,
                title="SEO basics v2",
                duration_minutes=40,
                published_at=datetime(2026, 4, 1, tzinfo=UTC),
            )
        )
        db.session.commit()
    path = write_file(
        tmp_path,
        "completions.csv",
        """
        learner,module,completed_at
        E1,seo-basics,2026-03-31
        E2,seo-basics,2026-04-02
        """,
    )
    assert run_import(cli, path, "completions").exit_code == 0
    with app.app_context():
        versions = (
            db.session.execute(select(Completion.version).order_by(Completion.completed_at))
            .scalars()
            .all()
        )
    assert versions == [1, 2]


def test_completion_errors(app, cli, db, tmp_path, reference):
    path = write_file(
        tmp_path,
        "completions.csv",
        """
        learner,module,completed_at,score
        E9,seo-basics,2026-03-02,85
        E1,seo-advanced,2026-03-02,
        E1,seo-basics,02/03/2026,
        E2,seo-basics,2999-01-01,
        E2,seo-basics,2026-03-01,120
        E1,seo-basics,2026-03-02T12:00:00+01:00,
        mia@example.com,seo-basics,2026-03-02T12:00:00+01:00,
        """,
    )
    result = run_import(cli, path, "completions")
    assert result.exit_code == 1
    for expected in (
        ":2:learner: no learner with external id or email 'E9'",
        ":3:module: no module with slug 'seo-advanced' (fix: import it first",
        ":4:completed_at: completed_at '02/03/2026' is not an ISO 8601 date or datetime "
        "(fix: write 2026-03-14 or 2026-03-14T09:30:00",
        ":5:completed_at: 2999-01-01 is in the future",
        ":6:score: score 120 is above 100 (fix: write a percentage between 0 and 100)",
        ":8:completed_at: the same completion is already on row 7",
    ):
        assert f"{path}{expected}" in result.stderr, result.stderr
    assert _count(app, db, Completion) == 0


def test_kpi_values_upsert_and_signal(app, cli, db, tmp_path, reference):
    from lms_roi import signals

    received = []
    signals.kpis_imported.connect(lambda sender, **kw: received.append(kw["counts"]), weak=False)
    path = write_file(
        tmp_path,
        "values.csv",
        """
        learner,kpi,period_start,value
        E1,qualified_leads,2026-01-01,12
        E1,qualified_leads,2026-02-01,"14,5"
        tom@example.com,web_traffic,2026-03-02,1500
        E2,csat,2026-04-01,81
        """,
    )
    try:
        result = run_import(cli, path, "kpi-values")
    finally:
        signals.kpis_imported.receivers.clear()
    assert result.exit_code == 0, result.stderr
    assert "4 inserted, 0 updated, 0 unchanged" in result.stdout
    assert [c.inserted for c in received] == [4]
    with app.app_context():
        values = dict(db.session.execute(select(KpiValue.period_start, KpiValue.value)).all())
        batch = db.session.scalar(select(ImportBatch).where(ImportBatch.kind == "kpi-values"))
        assert batch.inserted == 4 and len(batch.file_sha256) == 64
        assert (
            db.session.scalar(select(func.count()).where(KpiValue.import_batch_id == batch.id)) == 4
        )
    assert values == {
        date(2026, 1, 1): 12.0,
        date(2026, 2, 1): 14.5,
        date(2026, 3, 2): 1500.0,
        date(2026, 4, 1): 81.0,
    }
    path.write_text(path.read_text().replace(",12\n", ",13\n"))
    assert "0 inserted, 1 updated, 3 unchanged" in run_import(cli, path, "kpi-values").stdout


def test_kpi_values_must_start_their_period(app, cli, db, tmp_path, reference):
    path = write_file(
        tmp_path,
        "values.csv",
        """
        learner,kpi,period_start,value
        E1,qualified_leads,2026-01-15,12
        E1,web_traffic,2026-03-04,1500
        E1,csat,2026-05-01,81
        E1,revenue,2026-05-01,81
        E1,qualified_leads,2026-02-01,12 leads
        """,
    )
    result = run_import(cli, path, "kpi-values")
    assert result.exit_code == 1
    for expected in (
        ":2:period_start: 2026-01-15 is not the first day of a month "
        "(KPI qualified_leads is monthly) (fix: use 2026-01-01)",
        ":3:period_start: 2026-03-04 is not the Monday starting a week of KPI web_traffic "
        "(fix: use 2026-03-02 (the Monday of that week))",
        ":4:period_start: 2026-05-01 is not the first day of a quarter "
        "(KPI csat is quarterly) (fix: use 2026-04-01)",
        ":5:kpi: no KPI with key 'revenue'",
        ":6:value: value '12 leads' is not a number (fix: write a plain number",
    ):
        assert f"{path}{expected}" in result.stderr, result.stderr
    assert _count(app, db, KpiValue) == 0


def test_one_bad_row_among_good_ones_writes_nothing(app, cli, db, tmp_path, reference):
    lines = ["learner,kpi,period_start,value"]
    lines += [f"E1,qualified_leads,2025-{m:02d}-01,{m}" for m in range(1, 13)]
    lines.insert(7, "E1,qualified_leads,2026-01-01,n/a")
    path = tmp_path / "values.csv"
    path.write_text("\n".join(lines) + "\n")
    result = run_import(cli, path, "kpi-values")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"{path}:8:value: value 'n/a' is not a number")
    assert _count(app, db, KpiValue) == 0
    assert _count(app, db, ImportBatch) == 3  # the reference imports only


def test_dry_run_counts_like_a_real_run_and_writes_nothing(app, cli, db, tmp_path, reference):
    path = write_file(
        tmp_path,
        "values.csv",
        """
        learner,kpi,period_start,value
        E1,qualified_leads,2026-01-01,12
        E2,qualified_leads,2026-01-01,9
        """,
    )
    dry = run_import(cli, path, "kpi-values", "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.strip() == (
        "dry run, nothing written. kpi-values: 2 rows checked; would change: "
        "2 inserted, 0 updated, 0 unchanged"
    )
    assert _count(app, db, KpiValue) == 0
    assert _count(app, db, ImportBatch) == 3
    path.write_text(path.read_text() + "E3,qualified_leads,2026-01-01,1\n")
    bad = run_import(cli, path, "kpi-values", "--dry-run")
    assert bad.exit_code == 1
    assert f"{path}:4:learner: no learner with external id or email 'E3'" in bad.stderr


def test_semicolon_csv_with_bom_and_decimal_commas(app, cli, db, tmp_path, reference):
    path = tmp_path / "export-fr.csv"
    path.write_bytes(
        "\ufefflearner;kpi;period_start;value\r\nE1;qualified_leads;2026-01-01;12,5\r\n".encode()
    )
    result = run_import(cli, path, "kpi-values")
    assert result.exit_code == 0, result.stderr
    with app.app_context():
        assert db.session.scalar(select(KpiValue.value)) == 12.5


def test_xlsx_file(app, cli, db, tmp_path, reference):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["learner", "module", "completed_at", "score"])
    sheet.append(["E1", "seo-basics", datetime(2026, 3, 2), 80])
    sheet.append([None, None, None, None])
    sheet.append(["E2", "seo-basics", datetime(2026, 3, 3, 14, 0), 70.5])
    sheet.append(["E2", "nope", "2026-03-04", 50])
    path = tmp_path / "completions.xlsx"
    workbook.save(path)
    result = run_import(cli, path, "completions")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:5:module: no module with slug 'nope'")
    sheet.delete_rows(5)
    workbook.save(path)
    result = run_import(cli, path, "completions")
    assert result.exit_code == 0, result.stderr
    assert "2 inserted" in result.stdout
    with app.app_context():
        scores = db.session.scalars(select(Completion.score).order_by(Completion.score)).all()
    assert scores == [70.5, 80.0]


def test_header_problems(app, cli, db, tmp_path, reference):
    path = write_file(
        tmp_path,
        "values.csv",
        """
        learner,kpi,period,value,comment
        E1,qualified_leads,2026-01-01,12,
        """,
    )
    result = run_import(cli, path, "kpi-values")
    assert result.exit_code == 1
    assert (
        f"{path}:1:period: unknown column 'period' (fix: rename or remove it; "
        "the kpi-values columns are learner,kpi,period_start,value)"
    ) in result.stderr
    assert f"{path}:1:comment: unknown column 'comment'" in result.stderr
    assert f"{path}:1:period_start: missing column 'period_start'" in result.stderr


def test_unreadable_files(cli, tmp_path):
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("learner,kpi,period_start,value\nE1,leads,2026-01-01,é\n".encode("latin-1"))
    result = run_import(cli, latin, "kpi-values")
    assert result.exit_code == 1
    assert (
        "the file is not UTF-8 text" in result.stderr and "save it as 'CSV UTF-8'" in result.stderr
    )
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "the file is empty" in run_import(cli, empty, "kpi-values").stderr
    fake = tmp_path / "broken.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a workbook")
    assert "is not a readable XLSX workbook" in run_import(cli, fake, "kpi-values").stderr


def test_usage_errors_exit_2(cli, tmp_path):
    assert run_import(cli, tmp_path / "missing.csv", "kpi-values").exit_code == 2
    path = write_file(tmp_path, "x.csv", "a\n1\n")
    result = run_import(cli, path, "grades")
    assert result.exit_code == 2
    assert "'grades' is not one of" in result.stderr


def test_large_file_shows_a_progress_bar(app, cli, db, tmp_path, reference):
    app.config["LMS_ROI_IMPORT_PROGRESS_ROWS"] = 5
    try:
        lines = ["learner,kpi,period_start,value"]
        lines += [
            f"E{1 + i % 2},qualified_leads,{2020 + i // 24}-{1 + (i // 2) % 12:02d}-01,{i}"
            for i in range(48)
        ]
        path = tmp_path / "values.csv"
        path.write_text("\n".join(lines) + "\n")
        result = run_import(cli, path, "kpi-values")
    finally:
        app.config["LMS_ROI_IMPORT_PROGRESS_ROWS"] = 2000
    assert result.exit_code == 0, result.stderr
    assert "Checking values.csv" in result.stderr
    assert "48 inserted" in result.stdout
