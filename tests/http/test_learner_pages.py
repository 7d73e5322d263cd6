"""Learner pages: own progress, catalog with method filter, sanitised module body."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import login
from factories import make_completion, make_module, make_person


def test_home_lists_own_completions_only(app, db, client):
    with app.app_context():
        ana = make_person("ana@example.com")
        bob = make_person("bob@example.com")
        seo = make_module("seo-basics")
        ads = make_module("social-ads", method="micro_learning")
        make_completion(ana, seo, datetime(2026, 3, 2, 10, tzinfo=UTC), score=85)
        make_completion(ana, seo, datetime(2026, 5, 2, 10, tzinfo=UTC))
        make_completion(bob, ads)
        db.session.commit()
    login(client, "ana@example.com")
    assert client.get("/roi/").headers["Location"] == "/roi/learning"
    page = client.get("/roi/learning").get_data(as_text=True)
    assert page.count('">Seo Basics</a></td>') == 2 and "Social Ads" not in page
    assert "Give your feedback on Seo Basics" in page
    assert '<span class="figure">1</span> module completed' in page
    assert '<span class="figure">2</span> completions in all' in page
    assert "Mar 2, 2026" in page and ">85<" in page


def test_catalog_filters_by_method_and_hides_unpublished(app, db, client):
    with app.app_context():
        make_person("ana@example.com")
        make_module("seo-basics", method="online")
        make_module("social-ads", method="micro_learning")
        make_module("draft-module", published=False)
        db.session.commit()
    login(client, "ana@example.com")
    page = client.get("/roi/modules").get_data(as_text=True)
    assert "Seo Basics" in page and "Social Ads" in page and "Draft Module" not in page
    micro = client.get("/roi/modules?method=micro_learning").get_data(as_text=True)
    assert "Social Ads" in micro and "Seo Basics" not in micro
    assert client.get("/roi/modules/draft-module").status_code == 404


def test_module_body_markdown_is_sanitised(app, db, client):
    body = (
        "## Why it matters\n\n**Bold** and a [link](https://example.com).\n\n"
        "<script>alert(1)</script>\n\n[bad](javascript:alert(1))\n\n"
        '<img src="x" onerror="alert(2)">'
    )
    with app.app_context():
        make_person("ana@example.com")
        make_module("seo-basics", body=body)
        db.session.commit()
    login(client, "ana@example.com")
    page = client.get("/roi/modules/seo-basics/steps/1").get_data(as_text=True)
    assert "<h2>Why it matters</h2>" in page
    assert "<strong>Bold</strong>" in page
    assert '<a href="https://example.com" rel="noopener noreferrer">link</a>' in page
    marker = '<article class="body lesson-step" data-authored>'
    article = page.split(marker)[1].split("</article>")[0]
    assert "<script" not in article and "<img" not in article
    assert 'href="javascript' not in article
    assert "&lt;script&gt;" in article  # shown as text, never run
