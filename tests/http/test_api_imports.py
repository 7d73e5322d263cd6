"""REST ``GET /api/v1/imports``: the data desk's import history over the API."""

from __future__ import annotations

import io

import pytest

from factories import make_analyst_token, make_person
from lms_roi.services.tokens import issue_api_token

API = "/roi/api/v1"


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(app, db):
    """Nadia (analyst, with learner E1 and KPI qualified_leads) and Hugo (HR)."""
    with app.app_context():
        nadia = make_analyst_token()
        hugo = issue_api_token(make_person("hugo@example.com", roles=("hr",), password=None))[1]
        db.session.commit()
    return {"Nadia": nadia, "Hugo": hugo}


def _values(*pairs) -> dict:
    return {
        "values": [
            {"learner": "E1", "kpi": "qualified_leads", "period_start": start, "value": value}
            for start, value in pairs
        ]
    }


def test_every_import_is_listed_in_order_with_its_counts(client, tokens):
    auth = _auth(tokens["Nadia"])
    for batch in (
        _values(("2026-01-01", 3), ("2026-02-01", 4)),
        _values(("2026-01-01", 3), ("2026-03-01", 5)),
    ):
        assert client.post(f"{API}/kpi-values", json=batch, headers=auth).status_code == 201
    csv = b"learner,kpi,period_start,value\nE1,qualified_leads,2026-04-01,7\n"
    upload = client.post(
        f"{API}/imports/kpi-values",
        data={"file": (io.BytesIO(csv), "april.csv")},
        headers=auth,
    )
    assert upload.status_code == 201, upload.json
    items, url = [], f"{API}/imports?limit=2"
    while url:
        page = client.get(url, headers=auth).json
        items += page["items"]
        url = page["next"]
    assert [
        (b["kind"], b["rows"], b["inserted"], b["unchanged"], b["actor"], b["dry_run"])
        for b in items
    ] == [
        ("kpi-values", 2, 2, 0, "nadia@example.com", False),
        ("kpi-values", 2, 1, 1, "nadia@example.com", False),
        ("kpi-values", 1, 1, 0, "nadia@example.com", False),
    ]
    assert items[2]["filename"] == "april.csv" and len(items[2]["file_sha256"]) == 64
    detail = client.get(f"{API}/imports/{items[2]['id']}", headers=auth).json
    assert (detail["filename"], detail["errors"]) == ("april.csv", [])
    assert client.get(f"{API}/imports?kind=learners", headers=auth).json["items"] == []


def test_unknown_imports_and_roles_are_refused(client, tokens):
    missing = client.get(f"{API}/imports/999", headers=_auth(tokens["Nadia"]))
    assert (missing.status_code, missing.json["code"]) == (404, "import_not_found")
    bad = client.get(f"{API}/imports?kind=songs", headers=_auth(tokens["Nadia"]))
    assert (bad.status_code, bad.json["code"], bad.json["field"]) == (400, "invalid_input", "kind")
    hr = client.get(f"{API}/imports", headers=_auth(tokens["Hugo"]))
    assert (hr.status_code, hr.json["code"]) == (403, "forbidden")
