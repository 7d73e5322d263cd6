"""The data desk: checked uploads, confirmation, history, templates and the KPI catalog."""

from __future__ import annotations

import html
import io
import re
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import request, request_started, template_rendered
from openpyxl import Workbook
from sqlalchemy import func, inspect, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from conftest import login, run_import, write_file
from factories import make_kpi, make_kpi_value, make_person
from lms_roi.db import session
from lms_roi.importers import IMPORTERS
from lms_roi.models import (
    AuditLog,
    Completion,
    ImportBatch,
    Kpi,
    KpiValue,
    Learner,
    Module,
    Team,
)
from lms_roi.services import import_desk

ORDER = ("kpi-definitions", "learners", "modules", "completions", "kpi-values")

GOOD = {
    "kpi-definitions": """
        key,name,unit,direction,value_per_unit,period
        qualified_leads,Qualified leads,lead,higher,120,month
        web_traffic,Web traffic,visit,higher,0.05,week
        """,
    "learners": """
        external_id,email,name,team,hourly_cost,manager_email,timezone,locale
        E1,mia@example.com,Mia Roux,Content Marketing,48.5,,Europe/Paris,fr
        E2,tom@example.com,Tom Blanc,Content Marketing,40,mia@example.com,,
        E3,ines@example.com,Inès Faure,Équipe SEO,42,mia@example.com,,
        """,
    "modules": """
        slug,title,method,duration_minutes,kpis,fixed_cost,cost_per_learner,summary,tags
        seo-basics,SEO basics,online,45,qualified_leads:1;web_traffic:0.5,3000,25,Rank,seo
        lead-scoring,Lead scoring,in_person,240,qualified_leads,0,150,,sales
        """,
    "completions": """
        learner,module,completed_at,score
        E1,seo-basics,2026-03-02,85
        tom@example.com,seo-basics,2026-03-05T09:30:00+01:00,
        E1,lead-scoring,2026-04-10T16:00:00Z,92.5
        """,
    "kpi-values": """
        learner,kpi,period_start,value
        E1,qualified_leads,2026-03-01,12
        E2,qualified_leads,2026-03-01,9
        E1,web_traffic,2026-03-02,340
        """,
}
#: Per kind: the table its rows land in and how many rows the good file adds.
LANDS_IN = {
    "kpi-definitions": (Kpi, 2),
    "learners": (Learner, 3),
    "modules": (Module, 2),
    "completions": (Completion, 3),
    "kpi-values": (KpiValue, 3),
}
BAD = {
    "kpi-definitions": """
        key,name,unit,direction,value_per_unit,period
        Leads,Leads,lead,higher,120,month
        csat,CSAT,score,up,40,month
        traffic,Traffic,visit,higher,-1,fortnight
        """,
    "learners": """
        external_id,email,name,team,hourly_cost,manager_email,timezone
        E7,not-an-email,Mia,Content,48,,
        E8,zoe@example.com,,Content,forty,,Mars/Olympus
        E9,ines@example.com,Inès,SEO,42,boss@example.com,
        """,
    "modules": """
        slug,title,method,duration_minutes,kpis,fixed_cost,cost_per_learner
        SEO Basics,SEO,online,45,qualified_leads,0,0
        video,Video,webinar,0,unknown_kpi,-5,10
        """,
    "completions": """
        learner,module,completed_at,score
        E404,seo-basics,2026-03-02,85
        E1,no-such-module,2026-03-02,120
        E1,seo-basics,2999-01-01,50
        """,
    "kpi-values": """
        learner,kpi,period_start,value
        E1,qualified_leads,2026-03-15,12
        E1,nope,2026-03-01,3
        E1,web_traffic,2026-03-04,many
        """,
}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _dedent(text: str) -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode()


def _count(app, db, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, kind: str, content: bytes, name: str):
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(
        MultiDict({"kind": kind, "file": FileStorage(io.BytesIO(content), name)})
    )
    return client.post(
        "/roi/data/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _token(response) -> str:
    found = re.search(r"/roi/data/uploads/([A-Za-z0-9_-]{43})/confirm", response.get_data(True))
    assert found, response.get_data(as_text=True)
    return found.group(1)


def _confirm(client, token: str):
    return client.post(f"/roi/data/uploads/{token}/confirm", follow_redirects=True)


def _prepare(cli, tmp_path, kinds) -> None:
    """Import the reference data ``kinds`` need, with the CLI."""
    for kind in kinds:
        result = run_import(cli, write_file(tmp_path, f"{kind}.csv", GOOD[kind]), kind)
        assert result.exit_code == 0, result.stderr


@pytest.fixture
def analyst(app, db, client):
    with app.app_context():
        person = make_person("ada@example.com", roles=("analyst",), name="Ada Analyst")
        db.session.commit()
        person_id = person.id
    login(client, "ada@example.com")
    return person_id


@pytest.mark.parametrize("kind", ORDER)
def test_a_good_file_is_previewed_then_imported_on_confirmation(
    app, db, client, cli, tmp_path, analyst, kind
):
    _prepare(cli, tmp_path, ORDER[: ORDER.index(kind)])
    model, added = LANDS_IN[kind]
    before, batches = _count(app, db, model), _count(app, db, ImportBatch)

    preview = _upload(client, kind, _dedent(GOOD[kind]), f"{kind}.csv")
    assert preview.status_code == 200
    page = _text(preview)
    assert "Confirm the import" in page and "Nothing has been written yet" in page
    assert f'<span class="figure">{added}</span> rows checked' in page
    assert f'<span class="figure">{added}</span> would be added' in page
    assert _count(app, db, model) == before
    assert _count(app, db, ImportBatch) == batches

    done = _confirm(client, _token(preview))
    page = _text(done)
    assert f"{kind}.csv imported: {added} rows, {added} added, 0 updated, 0 unchanged." in page
    assert _count(app, db, model) == before + added
    assert _count(app, db, ImportBatch) == batches + 1
    with app.app_context():
        batch = db.session.scalar(select(ImportBatch).where(ImportBatch.actor_id.is_not(None)))
        assert (batch.kind, batch.filename, batch.rows, batch.inserted, batch.actor_id) == (
            kind,
            f"{kind}.csv",
            added,
            added,
            analyst,
        )
    history = page[page.index("Import history") :]
    assert f"{kind}.csv" in history and "Ada Analyst" in history and "imported" in history


def test_the_preview_leaves_the_rest_of_the_request_transaction_alone(app, db, client, analyst):
    """In plugin mode a host may hold changes in the same session: the preview keeps them."""
    seen = {}

    def host_change(sender, **extra):
        if request.path == "/roi/data/upload":
            seen["team"] = Team(slug="host-team", name="Added by the host")
            session().add(seen["team"])

    def on_render(sender, template, context, **extra):
        if template.name == "lms_roi/desk/preview.html":
            seen["kept"] = seen["team"] in session() and inspect(seen["team"]).persistent

    with (
        request_started.connected_to(host_change, app),
        template_rendered.connected_to(on_render, app),
    ):
        preview = _upload(client, "kpi-definitions", _dedent(GOOD["kpi-definitions"]), "k.csv")
    assert preview.status_code == 200 and "k.csv" in _text(preview)
    assert seen["kept"] is True
    assert _count(app, db, Kpi) == 0 and _count(app, db, ImportBatch) == 0


def test_the_same_file_again_previews_as_unchanged(app, db, client, analyst):
    content = _dedent(GOOD["kpi-definitions"])
    _confirm(client, _token(_upload(client, "kpi-definitions", content, "kpis.csv")))
    again = _text(_upload(client, "kpi-definitions", content, "kpis.csv"))
    assert '<span class="figure">0</span> would be added' in again
    assert '<span class="figure">2</span> unchanged' in again


def test_an_xlsx_file_is_imported(app, db, client, analyst):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["key", "name", "unit", "direction", "value_per_unit", "period"])
    sheet.append(["csat", "CSAT", "score", "higher", 40, "quarter"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = _upload(client, "kpi-definitions", buffer.getvalue(), "kpis.xlsx")
    assert '<span class="figure">1</span> would be added' in _text(preview)
    _confirm(client, _token(preview))
    with app.app_context():
        assert db.session.scalar(select(Kpi.period).where(Kpi.key == "csat")) == "quarter"


@pytest.mark.parametrize("kind", ORDER)
def test_a_bad_file_shows_every_problem_the_cli_prints_and_writes_nothing(
    app, db, client, cli, tmp_path, analyst, kind
):
    _prepare(cli, tmp_path, ORDER[: ORDER.index(kind)])
    path = write_file(tmp_path, "bad.csv", BAD[kind])
    printed = run_import(cli, path, kind)
    assert printed.exit_code == 1
    issues = [
        line.removeprefix(f"{path}:")
        for line in printed.stderr.splitlines()
        if line.startswith(f"{path}:")
    ]
    assert len(issues) >= 3
    model, _added = LANDS_IN[kind]
    before, batches = _count(app, db, model), _count(app, db, ImportBatch)

    response = _upload(client, kind, path.read_bytes(), "bad.csv")
    assert response.status_code == 422
    page = _text(response)
    assert f"{len(issues)} problems in bad.csv" in page and "nothing was written" in page
    for issue in issues:
        assert f"<li>{issue}</li>" in page
    assert "Upload a fixed file" in page and 'name="file"' in page
    assert _count(app, db, model) == before
    assert _count(app, db, ImportBatch) == batches
    assert "/confirm" not in page


def test_a_row_error_reads_row_column_message_and_fix(app, db, client, analyst):
    response = _upload(client, "kpi-definitions", _dedent(BAD["kpi-definitions"]), "k.csv")
    page = _text(response)
    assert (
        "<li>3:direction: direction 'up' is not allowed (fix: use one of: higher, lower)</li>"
        in (page)
    )
    assert "<li>4:value_per_unit: value_per_unit -1 is below 0" in page


def test_confirming_twice_imports_once(app, db, client, analyst):
    preview = _upload(client, "kpi-definitions", _dedent(GOOD["kpi-definitions"]), "kpis.csv")
    token = _token(preview)
    assert "kpis.csv imported" in _text(_confirm(client, token))
    second = _text(_confirm(client, token))
    assert "This upload is no longer available" in second
    assert _count(app, db, ImportBatch) == 1


def test_another_person_cannot_confirm_or_cancel_my_upload(app, db, client, analyst):
    preview = _upload(client, "kpi-definitions", _dedent(GOOD["kpi-definitions"]), "kpis.csv")
    token = _token(preview)
    with app.app_context():
        make_person("bea@example.com", roles=("analyst",))
        db.session.commit()
    other = app.test_client()
    login(other, "bea@example.com")
    refused = other.post(f"/roi/data/uploads/{token}/confirm", follow_redirects=True)
    assert "This upload is no longer available" in _text(refused)
    other.post(f"/roi/data/uploads/{token}/cancel", follow_redirects=True)
    assert _count(app, db, Kpi) == 0 and _count(app, db, ImportBatch) == 0
    # Still the uploader's to confirm.
    assert "kpis.csv imported" in _text(_confirm(client, token))
    assert _count(app, db, Kpi) == 2


def test_a_made_up_token_is_refused(app, db, client, analyst):
    for token in ("A" * 43, "..%2F..%2Fsecret_key", "short"):
        response = _confirm(client, token)
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert "This upload is no longer available" in _text(response)
    assert _count(app, db, ImportBatch) == 0


def test_a_token_with_a_trailing_newline_is_not_a_token(app, db, client, analyst):
    token = _token(_upload(client, "kpi-definitions", _dedent(GOOD["kpi-definitions"]), "k.csv"))
    folder = Path(app.instance_path) / "uploads"
    forged = folder / f"{token}\n"
    # Files under the name "<token>\n": a check with ``^...$`` would let that name through.
    forged.write_bytes((folder / token).read_bytes())
    forged.with_name(f"{token}\n.json").write_bytes((folder / f"{token}.json").read_bytes())
    try:
        refused = _confirm(client, f"{token}%0A")
        assert refused.status_code in (200, 404)
        assert _count(app, db, Kpi) == 0
        with app.app_context():
            with pytest.raises(import_desk.UploadUnavailable):
                import_desk.claim_upload(f"{token}\n", analyst)
            import_desk.discard_upload(f"{token}\n")  # not a token: nothing is touched
        assert forged.exists()
    finally:
        forged.unlink()
        forged.with_name(f"{token}\n.json").unlink()
    # The real token still works.
    assert "k.csv imported" in _text(_confirm(client, token))
    assert _count(app, db, Kpi) == 2


def test_an_expired_upload_cannot_be_confirmed(app, db, client, analyst, monkeypatch):
    preview = _upload(client, "kpi-definitions", _dedent(GOOD["kpi-definitions"]), "kpis.csv")
    monkeypatch.setitem(app.config, "LMS_ROI_UPLOAD_TTL_SECONDS", 0)
    assert "This upload is no longer available" in _text(_confirm(client, _token(preview)))
    assert _count(app, db, Kpi) == 0


def test_cancel_drops_the_upload(app, db, client, analyst):
    token = _token(_upload(client, "kpi-definitions", _dedent(GOOD["kpi-definitions"]), "k.csv"))
    cancelled = client.post(f"/roi/data/uploads/{token}/cancel", follow_redirects=True)
    assert "k.csv was not imported." in _text(cancelled)
    assert "This upload is no longer available" in _text(_confirm(client, token))
    assert _count(app, db, Kpi) == 0


def test_the_upload_is_kept_privately_in_the_instance_folder(app, db, client, analyst):
    token = _token(_upload(client, "kpi-definitions", _dedent(GOOD["kpi-definitions"]), "k.csv"))
    folder = Path(app.instance_path) / "uploads"
    assert (folder / token).read_bytes() == _dedent(GOOD["kpi-definitions"])
    assert (folder / token).stat().st_mode & 0o077 == 0
    _confirm(client, token)
    assert not list(folder.glob(f"{token}*"))


def test_a_file_that_is_not_csv_or_xlsx_gets_a_clear_error(app, db, client, analyst):
    response = _upload(client, "learners", b"%PDF-1.7 binary", "report.pdf")
    assert response.status_code == 422
    page = _text(response)
    assert "report.pdf is not a CSV or XLSX file" in page
    assert page.count("<h1>") == 1 and "Import history" in page
    missing = client.post("/roi/data/upload", data={"kind": "learners"})
    assert "Choose the file to import." in _text(missing)
    unknown = _upload(client, "payroll", b"a,b\n1,2\n", "x.csv")
    assert unknown.status_code == 422 and _count(app, db, ImportBatch) == 0


def test_binary_content_named_csv_is_refused_by_the_importer(app, db, client, analyst):
    page = _text(_upload(client, "learners", b"\xff\xfe\x00garbage", "people.csv"))
    assert "1:-: the file is not UTF-8 text" in page


def test_file_size_limits(app, db, client, analyst, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_ROI_UPLOAD_MAX_BYTES", 1024 * 1024)
    big = b"key,name\n" + b"x" * (1024 * 1024 + 10)
    response = _upload(client, "kpi-definitions", big, "huge.csv")
    assert response.status_code == 422
    assert "huge.csv is 1.0 MB; files up to 1 MB can be imported" in _text(response)
    huge = b"x" * (1024 * 1024 + 200 * 1024)
    response = _upload(client, "kpi-definitions", huge, "huger.csv")
    assert response.status_code == 303
    home = _text(client.get(response.headers["Location"]))
    assert "The file is larger than 1 MB and cannot be imported" in home
    assert _count(app, db, ImportBatch) == 0


@pytest.mark.parametrize("kind", ORDER)
def test_template_has_the_exact_header_and_an_example_row(app, db, client, analyst, kind):
    response = client.get(f"/roi/data/templates/{kind}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f'filename="{kind}.csv"' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    importer = IMPORTERS[kind]
    assert lines[0] == ",".join(importer.required + importer.optional)
    assert len(lines) == 2 and lines[1].strip(",")


def test_the_templates_import_in_order(app, db, client, analyst):
    for kind in ORDER:
        content = client.get(f"/roi/data/templates/{kind}.csv").get_data()
        preview = _upload(client, kind, content, f"{kind}.csv")
        assert '<span class="figure">1</span> would be added' in _text(preview), kind
        assert "imported: 1 row, 1 added" in _text(_confirm(client, _token(preview)))
    assert _count(app, db, ImportBatch) == 5
    assert client.get("/roi/data/templates/payroll.csv").status_code == 404


def test_home_links_templates_and_catalog_and_paginates_history(app, db, client, analyst):
    with app.app_context():
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for n in range(27):
            db.session.add(
                ImportBatch(
                    kind="learners",
                    filename=f"file-{n:02d}.csv",
                    file_sha256="0" * 64,
                    rows=n,
                    actor_label="cli",
                    created_at=start + timedelta(hours=n),
                )
            )
        db.session.commit()
    page = _text(client.get("/roi/data/"))
    assert page.count("<h1>") == 1
    assert 'href="/roi/data/kpis"' in page
    for kind in ORDER:
        assert f'href="/roi/data/templates/{kind}.csv"' in page
    assert "file-26.csv" in page and "file-02.csv" in page and "file-01.csv" not in page
    assert page.index("file-26.csv") < page.index("file-25.csv")
    assert "command line" in page and "Page 1 of 2" in page
    second = _text(client.get("/roi/data/?page=2"))
    assert "file-01.csv" in second and "file-00.csv" in second and "file-26.csv" not in second
    # Past the end (however far) shows the last page; anything else the first.
    for query, shown in (
        ("99999999999999999999999", "Page 2 of 2"),
        ("3", "Page 2 of 2"),
        ("-1", "Page 1 of 2"),
        ("0", "Page 1 of 2"),
        ("abc", "Page 1 of 2"),
        ("1e9", "Page 1 of 2"),
    ):
        response = client.get(f"/roi/data/?page={query}")
        assert response.status_code == 200, query
        assert shown in _text(response), query
    assert "file-00.csv" in _text(client.get("/roi/data/?page=99999999999999999999999"))


# -- KPI catalog ------------------------------------------------------------------------

KPI_FORM = {
    "key": "qualified_leads",
    "name": "Qualified leads",
    "unit": "lead",
    "direction": "higher",
    "value_per_unit": "120",
    "period": "month",
    "description": "Leads accepted by sales",
}


def test_kpi_catalog_lists_kpis_with_money_values(app, db, client, analyst):
    with app.app_context():
        make_kpi("qualified_leads", value_per_unit="1250.5")
        db.session.commit()
    page = _text(client.get("/roi/data/kpis"))
    assert "qualified_leads" in page and "€1,250.50" in page and "higher is better" in page
    assert 'href="/roi/data/kpis/qualified_leads/edit"' in page
    assert 'href="/roi/data/kpis/new"' in page


def test_create_a_kpi(app, db, client, analyst):
    response = client.post("/roi/data/kpis/new", data=KPI_FORM, follow_redirects=True)
    assert "The KPI qualified_leads was added." in _text(response)
    with app.app_context():
        kpi = db.session.scalar(select(Kpi))
        assert (kpi.key, kpi.value_per_unit, kpi.description) == (
            "qualified_leads",
            120,
            "Leads accepted by sales",
        )
        audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "kpi.created"))
        assert audit.actor_id == analyst and audit.target_id == "qualified_leads"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"direction": "up"}, "direction 'up' is not allowed (fix: use one of: higher, lower)"),
        ({"value_per_unit": "-3"}, "value_per_unit -3 is below 0 (fix: write a value of at least"),
        ({"value_per_unit": "12 €"}, "value_per_unit '12 €' is not a number"),
        ({"key": "Leads"}, "KPI key 'Leads' is not valid"),
        ({"period": "fortnight"}, "period 'fortnight' is not allowed"),
        ({"name": ""}, "name is empty (fix: write the name)"),
        ({"name": "x" * 201}, "name is longer than 200 characters"),
    ],
)
def test_kpi_form_refuses_what_the_import_refuses(app, db, client, analyst, changes, expected):
    audits = _count(app, db, AuditLog)
    response = client.post("/roi/data/kpis/new", data={**KPI_FORM, **changes})
    assert response.status_code == 422
    assert expected in _text(response)
    assert _count(app, db, Kpi) == 0 and _count(app, db, AuditLog) == audits


def test_a_duplicate_key_is_refused(app, db, client, analyst):
    client.post("/roi/data/kpis/new", data=KPI_FORM)
    response = client.post("/roi/data/kpis/new", data={**KPI_FORM, "name": "Other"})
    assert response.status_code == 422
    assert "A KPI with the key qualified_leads already exists" in _text(response)
    with app.app_context():
        assert db.session.scalar(select(Kpi.name)) == "Qualified leads"


def test_edit_a_kpi_keeps_its_key_and_is_audited(app, db, client, analyst):
    with app.app_context():
        make_kpi("qualified_leads", value_per_unit="120")
        db.session.commit()
    form = _text(client.get("/roi/data/kpis/qualified_leads/edit"))
    assert 'value="120"' in form and "The key cannot change" in form and 'name="key"' not in form
    response = client.post(
        "/roi/data/kpis/qualified_leads/edit",
        data={**KPI_FORM, "key": "renamed", "name": "SQL leads", "value_per_unit": "130,5"},
        follow_redirects=True,
    )
    assert "The KPI qualified_leads was saved." in _text(response)
    with app.app_context():
        kpi = db.session.scalar(select(Kpi))
        assert (kpi.key, kpi.name, float(kpi.value_per_unit)) == (
            "qualified_leads",
            "SQL leads",
            130.5,
        )
        audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "kpi.updated"))
        assert audit.details["changes"]["name"] == ["Qualified Leads", "SQL leads"]
    assert client.get("/roi/data/kpis/renamed/edit").status_code == 404


def test_edit_refuses_a_period_change_once_values_exist(app, db, client, analyst):
    with app.app_context():
        kpi = make_kpi("qualified_leads")
        learner = make_person("e1@example.com")
        make_kpi_value(learner, kpi, date(2026, 3, 1), 12)
        db.session.commit()
    audits = _count(app, db, AuditLog)
    response = client.post(
        "/roi/data/kpis/qualified_leads/edit", data={**KPI_FORM, "period": "week", "name": "New"}
    )
    assert response.status_code == 422
    assert "KPI 'qualified_leads' already has values recorded per month" in _text(response)
    with app.app_context():
        assert db.session.scalar(select(Kpi.name)) == "Qualified Leads"
    assert _count(app, db, AuditLog) == audits


# -- access -----------------------------------------------------------------------------


def _desk_urls(app) -> list[tuple[str, str]]:
    values = {"kind": "learners", "token": "A" * 43, "key": "qualified_leads"}
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("lms_roi.desk."):
                url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
                urls += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    return urls


def test_a_learner_gets_403_on_every_desk_url(app, db, client):
    with app.app_context():
        make_person("leo@example.com", roles=("learner", "tutor", "hr"))
        make_kpi("qualified_leads")
        db.session.commit()
    login(client, "leo@example.com")
    urls = _desk_urls(app)
    assert len(urls) >= 10
    for method, url in urls:
        assert client.open(url, method=method).status_code == 403, (method, url)


def test_admins_use_the_desk_and_visitors_are_sent_to_sign_in(app, db, client):
    assert client.get("/roi/data/").status_code == 302
    with app.app_context():
        make_person("root@example.com", roles=("admin",))
        db.session.commit()
    login(client, "root@example.com")
    assert client.get("/roi/data/").status_code == 200
    assert client.get("/roi/data/kpis").status_code == 200
