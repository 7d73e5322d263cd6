"""REST authoring of modules: ``POST /api/v1/modules`` and ``PATCH /api/v1/modules/{slug}``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factories import make_completion, make_kpi, make_module, make_person
from lms_roi.db import session
from lms_roi.models import AuditLog, Module, ModuleVersion
from lms_roi.services.tokens import issue_api_token

API = "/roi/api/v1"
LESSON = "## Why titles matter\nThey are the headline.\n\n## Writing one\nKeep it short."


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def org(app, db):
    """Nadia (analyst), Mia (learner), KPI qualified_leads, module intro (published)."""
    with app.app_context():
        nadia = make_person("nadia@example.com", name="Nadia", roles=("analyst",))
        mia = make_person("mia@example.com", name="Mia", external_id="E1")
        make_kpi("qualified_leads")
        make_kpi("csat")
        make_module("intro")
        tokens = {who.display_name: issue_api_token(who)[1] for who in (nadia, mia)}
        db.session.commit()
    return tokens


def _new(**changes) -> dict:
    return {
        "slug": "seo-titles",
        "title": "SEO titles",
        "summary": "Write titles that rank",
        "body_md": LESSON,
        "method": "micro_learning",
        "duration_minutes": 12,
        "tags": ["SEO", "content", "seo"],
        "prerequisites": ["intro"],
        "kpis": [{"kpi": "qualified_leads", "weight": 0.5}, {"kpi": "csat"}],
        **changes,
    }


def test_an_analyst_creates_a_draft_module(client, org, app):
    response = client.post(f"{API}/modules", json=_new(), headers=_auth(org["Nadia"]))
    assert response.status_code == 201, response.json
    assert response.json == {
        "slug": "seo-titles",
        "title": "SEO titles",
        "summary": "Write titles that rank",
        "body_md": LESSON,
        "method": "micro_learning",
        "duration_minutes": 12,
        "version": 1,
        "published": False,
        "tags": ["content", "seo"],
        "prerequisites": ["intro"],
        "kpis": [{"kpi": "csat", "weight": 1.0}, {"kpi": "qualified_leads", "weight": 0.5}],
        "saved": {"changed": ["created"], "new_version": 1, "published_now": False},
    }
    # A draft is not in the learners' catalog.
    listed = client.get(f"{API}/modules", headers=_auth(org["Mia"])).json
    slugs = [m["slug"] for m in (listed["items"] if isinstance(listed, dict) else listed)]
    assert "seo-titles" not in slugs
    with app.app_context():
        audit = session().scalar(select(AuditLog).where(AuditLog.action == "module.created"))
        assert (audit.target_id, audit.actor_label) == ("seo-titles", "nadia@example.com")


def test_a_slug_in_use_is_a_conflict_and_bad_fields_are_named(client, org):
    taken = client.post(f"{API}/modules", json=_new(slug="intro"), headers=_auth(org["Nadia"]))
    assert (taken.status_code, taken.json["code"], taken.json["field"]) == (
        409,
        "slug_taken",
        "slug",
    )

    def refused(body, status):
        response = client.post(f"{API}/modules", json=body, headers=_auth(org["Nadia"]))
        assert response.status_code == status, response.json
        return response.json["code"], response.json["field"]

    assert refused(_new(slug="Bad Slug"), 422) == ("slug_invalid", "slug")
    assert refused(_new(method="osmosis"), 400) == ("invalid_input", "method")
    assert refused(_new(duration_minutes=0), 400) == ("invalid_input", "duration_minutes")
    assert refused(_new(kpis=[{"kpi": "nope"}]), 400) == ("unknown_kpi", "kpis")
    assert refused(_new(kpis=[{"kpi": "csat", "weight": 2}]), 422) == ("weight_invalid", "kpis")
    assert refused(_new(prerequisites=["nope"]), 400) == ("unknown_module", "prerequisites")
    assert refused(_new(author="me"), 400) == ("invalid_input", "author")


def test_editing_a_published_module_makes_a_version_with_a_note(client, org, app):
    with app.app_context():
        intro = session().scalar(select(Module).where(Module.slug == "intro"))
        make_completion(make_person("bob@example.com", external_id="E2"), intro)
        session().commit()
    url = f"{API}/modules/intro"
    no_note = client.patch(url, json={"title": "Intro, revised"}, headers=_auth(org["Nadia"]))
    assert (no_note.status_code, no_note.json["code"], no_note.json["field"]) == (
        422,
        "change_note_required",
        "change_note",
    )
    saved = client.patch(
        url,
        json={"title": "Intro, revised", "change_note": "Clearer title", "tags": ["Basics"]},
        headers=_auth(org["Nadia"]),
    )
    assert saved.status_code == 200, saved.json
    assert (saved.json["title"], saved.json["version"], saved.json["tags"]) == (
        "Intro, revised",
        2,
        ["basics"],
    )
    assert saved.json["saved"] == {
        "changed": ["title", "tags"],
        "new_version": 2,
        "published_now": False,
    }
    assert saved.json["duration_minutes"] == 30  # fields not sent are kept
    with app.app_context():
        notes = session().scalars(
            select(ModuleVersion.change_note)
            .join(Module, Module.id == ModuleVersion.module_id)
            .where(Module.slug == "intro")
            .order_by(ModuleVersion.version)
        ).all()
        assert notes[-1] == "Clearer title"


def test_publish_and_unpublish_through_patch(client, org):
    client.post(f"{API}/modules", json=_new(), headers=_auth(org["Nadia"]))
    live = client.patch(
        f"{API}/modules/seo-titles", json={"published": True}, headers=_auth(org["Nadia"])
    )
    assert (live.json["published"], live.json["saved"]["published_now"]) == (True, True)
    assert client.get(f"{API}/modules/seo-titles", headers=_auth(org["Mia"])).status_code == 200
    hidden = client.patch(
        f"{API}/modules/seo-titles", json={"published": False}, headers=_auth(org["Nadia"])
    )
    assert (hidden.json["published"], hidden.json["saved"]["changed"]) == (False, ["published"])
    assert client.get(f"{API}/modules/seo-titles", headers=_auth(org["Mia"])).status_code == 404


def test_learners_cannot_author_modules(client, org):
    made = client.post(f"{API}/modules", json=_new(), headers=_auth(org["Mia"]))
    edited = client.patch(f"{API}/modules/intro", json={"title": "X"}, headers=_auth(org["Mia"]))
    for response in (made, edited):
        assert (response.status_code, response.json["code"]) == (403, "forbidden")
    missing = client.patch(f"{API}/modules/nope", json={}, headers=_auth(org["Nadia"]))
    assert (missing.status_code, missing.json["code"]) == (404, "module_not_found")
