"""KPI recommender: the usual mapping, refined by what past modules achieved."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import force_locale

from conftest import login
from factories import make_completion, make_kpi, make_kpi_value, make_module, make_person
from lms_roi.analytics.recommender import categories_for, recommend_kpis
from lms_roi.db import session
from lms_roi.models import ModuleTag


def test_categories_from_text_in_english_and_french():
    assert categories_for("Améliorer notre référencement") == ["seo"]
    assert categories_for("Former aux techniques de vente et à la négociation") == [
        "sales_techniques"
    ]
    assert categories_for("customer service for the call centre") == ["customer_service"]
    assert categories_for("anything", "paid_acquisition") == ["paid_acquisition"]
    assert categories_for("quantum physics") == []


def test_seed_mapping_with_undefined_kpis(ctx):
    make_kpi("web_traffic")
    recs = {r.kpi: r for r in recommend_kpis("content marketing for the blog")}
    assert set(recs) == {"web_traffic", "social_engagement", "qualified_leads"}
    assert recs["web_traffic"].defined
    assert not recs["social_engagement"].defined
    assert any("not defined in this organisation yet" in r for r in recs["qualified_leads"].reasons)
    seo = recommend_kpis("SEO")
    assert [r.kpi for r in seo] == ["web_traffic"]  # organic traffic, found by alias


def test_measured_effects_of_similarly_tagged_modules_refine_the_ranking(ctx):
    leads = make_kpi("qualified_leads")
    make_kpi("revenue")
    module = make_module("prospecting", kpis={leads: 1.0})
    session().add(ModuleTag(module_id=module.id, tag="sales"))
    for i in range(12):
        person = make_person(f"p{i}@example.com", password=None)
        if i < 6:
            make_completion(person, module, datetime(2026, 4, 15, 10, tzinfo=UTC))
        for m in range(1, 10):
            make_kpi_value(
                person, leads, date(2026, m, 1), 10 + (3 if i < 6 and m >= 6 else 0) + (i % 3)
            )
    recs = recommend_kpis("sales training")
    assert [r.kpi for r in recs][:2] == ["qualified_leads", "revenue"]
    top = recs[0]
    assert top.evidence[0].module == "prospecting" and top.evidence[0].effect == 3.0
    assert "1 of 1 past module on this subject improved it" in top.reasons[-1]
    with force_locale("fr"):  # one sentence per plural form, in the person's language
        french = recommend_kpis("sales training")[0].reasons[-1]
    assert "1 sur 1 module passé sur ce sujet l'a amélioré sans aucun doute" in french


def test_recommend_page(app, db, client):
    with app.app_context():
        make_person("nadia@example.com", roles=("analyst",))
        make_kpi("csat")
        db.session.commit()
    login(client, "nadia@example.com")
    page = client.get("/roi/analytics/recommend?objective=service+client").get_data(as_text=True)
    assert "<code>csat</code>" in page and "service quality is what customers rate" in page
    empty = client.get("/roi/analytics/recommend?objective=zzz").get_data(as_text=True)
    assert "No KPI suggestion" in empty
