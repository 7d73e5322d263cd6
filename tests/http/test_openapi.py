"""The OpenAPI 3 document: valid, complete (every API route), errors documented."""

from __future__ import annotations

import re

from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from openapi_spec_validator import validate

from lms_roi import LmsRoi

#: Routes of the API blueprint that are not resources: the index, the document, its viewer
#: and the catch-all that answers unknown paths in JSON.
NOT_RESOURCES = {"index", "openapi_json", "docs", "docs_asset", "unmatched"}

#: Operations whose view answers 404 for an absent object or unknown reference.
MAY_404 = {
    "GET /badges/{slug}",
    "PATCH /badges/{slug}",
    "GET /badges/{slug}/awards",
    "POST /badges/{slug}/awards",
    "POST /badge-awards/{uid}/revoke",
    "GET /costs/{item_id}",
    "DELETE /costs/{item_id}",
    "GET /imports/{batch_id}",
    "POST /imports/{kind}",
    "GET /kpis/{key}",
    "PATCH /kpis/{key}",
    "GET /kpi-values",
    "GET /leaderboards",
    "GET /learners/{external_id}",
    "PATCH /learners/{external_id}",
    "GET /learners/{external_id}/badges",
    "GET /learners/{external_id}/progress",
    "GET /learners/{external_id}/xp",
    "GET /modules/{slug}",
    "PATCH /modules/{slug}",
    "POST /modules/{slug}/completions",
    "GET /objectives/{objective_id}",
    "GET /quizzes/{quiz_id}",
    "PATCH /quizzes/{quiz_id}",
    "POST /quizzes/{quiz_id}/attempts",
    "POST /quizzes/{quiz_id}/questions",
    "PATCH /questions/{question_id}",
    "DELETE /questions/{question_id}",
    "GET /reports/event-study",
    "GET /teams/{slug}",
    "PATCH /teams/{slug}",
    "GET /tutoring/pairs",
    "POST /tutoring/pairs/{pair_id}/end",
    "POST /tutoring/requests/{pair_id}/accept",
    "POST /tutoring/requests/{pair_id}/decline",
    "POST /tutoring/sessions",
    "PATCH /tutoring/tutors/{external_id}",
}


def _openapi_path(rule: str) -> str:
    """``/roi/api/v1/modules/<slug>`` -> ``/roi/api/v1/modules/{slug}`` (converters too)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _api_routes(app) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        blueprint, _, view = rule.endpoint.rpartition(".")
        if not blueprint.endswith(".api") or view in NOT_RESOURCES:
            continue
        methods = {m.lower() for m in rule.methods or ()} - {"head", "options"}
        routes.setdefault(_openapi_path(rule.rule), set()).update(methods)
    return routes


def test_document_is_valid_openapi_3(client):
    document = client.get("/roi/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def _missing(routes: dict[str, set[str]], paths: dict) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, methods in routes.items()
        for method in methods
        if method not in paths.get(path, {})
    }


def test_every_api_route_is_in_the_document(app, client):
    paths = client.get("/roi/api/v1/openapi.json").json["paths"]
    routes = _api_routes(app)
    assert len(routes) >= 15  # the walk found the API (not an empty prefix)
    missing = _missing(routes, paths)
    assert not missing, f"routes missing from the OpenAPI document: {sorted(missing)}"
    documented = {
        (path, m) for path, operations in paths.items() for m in operations if m != "parameters"
    }
    served = {(path, m) for path, methods in routes.items() for m in methods}
    assert documented <= served, "the document lists operations the app does not serve"


def test_the_completeness_check_catches_a_missing_route(app, client):
    """Guards the guard: a route absent from the document is reported by name."""
    paths = client.get("/roi/api/v1/openapi.json").json["paths"]
    paths["/roi/api/v1/modules/{slug}"].pop("get")
    paths["/roi/api/v1/quizzes/{quiz_id}/attempts"].pop("post")
    assert _missing(_api_routes(app), paths) == {
        "GET /roi/api/v1/modules/{slug}",
        "POST /roi/api/v1/quizzes/{quiz_id}/attempts",
    }


def test_every_operation_documents_errors_with_our_body(client):
    document = client.get("/roi/api/v1/openapi.json").json
    responses = document["components"]["responses"]
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message", "field"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            client_errors = [code for code in operation["responses"] if code.startswith("4")]
            assert client_errors, f"{method.upper()} {path} documents no 4xx"
            for code in client_errors:
                response = operation["responses"][code]
                if "$ref" in response:
                    response = responses[response["$ref"].rsplit("/", 1)[1]]
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method != "parameters":
                yield method, path, operation


def test_every_operation_documents_its_success_body(client):
    document = client.get("/roi/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    undocumented = []
    for method, path, operation in _operations(document):
        successes = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
        if not successes:
            undocumented.append(f"{method.upper()} {path}")
        for code, response in successes.items():
            if code == "204":
                continue  # no content, by definition
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema is None:
                undocumented.append(f"{method.upper()} {path} {code}")
                continue
            ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
            assert ref is None or ref.rsplit("/", 1)[1] in schemas, (method, path, ref)
    assert not undocumented, f"success responses without a body schema: {undocumented}"


def test_operations_that_can_404_document_it(client):
    document = client.get("/roi/api/v1/openapi.json").json
    prefix = "/roi/api/v1"
    declared = {
        f"{method.upper()} {path.removeprefix(prefix)}"
        for method, path, operation in _operations(document)
        if "404" in operation["responses"]
    }
    operations = {f"{m.upper()} {p.removeprefix(prefix)}" for m, p, _ in _operations(document)}
    assert operations >= MAY_404, sorted(MAY_404 - operations)  # the list is not stale
    assert not MAY_404 - declared, f"404 not documented: {sorted(MAY_404 - declared)}"


def test_bodies_are_described(client):
    paths = client.get("/roi/api/v1/openapi.json").json["paths"]
    body = paths["/roi/api/v1/kpi-values"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/KpiValuesIn"
    }
    roi = paths["/roi/api/v1/reports/roi"]["get"]
    assert {p["name"] for p in roi["parameters"]} >= {"by", "pre_days", "exclude_outliers"}


def test_a_plugin_host_serves_its_own_document_under_its_prefix(tmp_path):
    """Each app mounting lms-roi gets a document of its own routes, at its own prefix."""
    host = Flask("host")
    host.config.update(
        SECRET_KEY="x",
        SQLALCHEMY_DATABASE_URI="sqlite:///" + str(tmp_path / "host.sqlite3"),
        LMS_ROI_URL_PREFIX="/learning",
    )
    host_db = SQLAlchemy()
    host_db.init_app(host)
    LoginManager(host)
    LmsRoi(host, db=host_db)
    response = host.test_client().get("/learning/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.json)
    assert "/learning/api/v1/reports/roi" in response.json["paths"]
    assert not any(path.startswith("/roi/") for path in response.json["paths"])
    # The host's own 404 pages stay the host's (no app-wide JSON error handler).
    assert host.test_client().get("/elsewhere").mimetype == "text/html"
    with host.app_context():
        host_db.engine.dispose()
