"""Interactive API docs: Swagger UI served from the installed package, no CDN."""

from __future__ import annotations

import re


def test_docs_page_loads_its_files_from_this_app(client):
    page = client.get("/roi/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert sources, "the page loads no script or style"
    assert not [s for s in sources if re.match(r"(https?:)?//", s)], sources
    assert 'data-spec-url="/roi/api/v1/openapi.json"' in html
    for source in sources:
        with client.get(source) as asset:  # files are streamed: close them
            assert asset.status_code == 200, source
            assert asset.get_data()


def test_swagger_ui_script_comes_from_the_package(client):
    from pathlib import Path

    from swagger_ui_bundle import swagger_ui_path

    with client.get("/roi/api/v1/docs/assets/swagger-ui-bundle.js") as served:
        assert served.status_code == 200
        shipped = (Path(swagger_ui_path) / "swagger-ui-bundle.js").read_bytes()
        assert served.get_data() == shipped
        assert "max-age=86400" in served.headers["Cache-Control"]
    assert client.get("/roi/api/v1/docs/assets/../../secret_key").status_code == 404
    missing = client.get("/roi/api/v1/docs/assets/nothing.js")
    assert missing.status_code == 404 and missing.json["code"] == "not_found"


def test_docs_need_no_token(client):
    assert client.get("/roi/api/v1/openapi.json").status_code == 200
    assert client.get("/roi/api/v1/docs").status_code == 200
