"""French on the analyst, admin and learner pages, the API's messages and the exports.

A person reads French when their profile says so or their browser asks for it;
machine values (JSON codes and keys, CSV cells) stay the same in every language.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from babel.numbers import format_currency, format_decimal, format_percent
from openpyxl import load_workbook

from conftest import login
from factories import (
    make_analyst_token,
    make_completion,
    make_kpi,
    make_leads_case,
    make_module,
    make_person,
)
from lms_roi.models import Learner, Module, ModuleKpi

DONE = datetime(2026, 4, 15, 10, tzinfo=UTC)
FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


def euros(value: float, locale: str) -> str:
    """Money exactly as Babel writes it (French uses narrow no-break spaces)."""
    return format_currency(value, "EUR", locale=locale)


@pytest.fixture
def analyst(app, db, client):
    """The leads case (36,000 of benefit for 1,000 of cost); the analyst signed in."""
    with app.app_context():
        make_person("nadia@example.com", roles=("analyst",))
        make_leads_case("seo-basics")
        db.session.commit()
    login(client, "nadia@example.com")
    return client


def test_the_dashboard_speaks_french_to_a_french_browser(analyst):
    page = analyst.get("/roi/analytics/", headers=FR).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "<title>ROI par module · lms-roi</title>" in page
    assert "<h1>ROI de la formation <small" in page and "par module</small></h1>" in page
    assert "<caption>Retour sur investissement (niveaux 4 et 5)</caption>" in page
    assert "<caption>Réaction, apprentissage et mise en pratique (niveaux 1 à 3)</caption>" in page
    assert "<h2>Comment ces chiffres sont calculés</h2>" in page
    assert "différence de différences" in page
    # Money, percentages and labels of stored values in French.
    assert euros(36000, "fr") == "36\u202f000,00\xa0€"
    assert euros(36000, "fr") in page and euros(1000, "fr") in page
    assert format_percent(35, "#,##0.0\xa0%", locale="fr") in page  # ROI 3 500,0 %
    assert "groupe témoin, 6 contre 6" in page and ">en ligne<" in page
    assert "ROI (%) par module" in page  # the chart's name
    assert "Training ROI" not in page and "€36,000.00" not in page


def test_the_dashboard_stays_english_without_a_french_wish(analyst):
    page = analyst.get("/roi/analytics/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Training ROI" in page and "How these figures are computed" in page
    assert euros(36000, "en") == "€36,000.00" and "€36,000.00" in page
    assert "3,500.0%" in page and "control group, 6 vs 6" in page


def test_analyst_pages_are_french_with_one_h1_each(analyst):
    pages = {
        "/roi/analytics/costs": ("<title>Coûts · lms-roi</title>", "Ajouter le coût", "Conception"),
        "/roi/analytics/print": ("<h2>Par méthode</h2>", "Imprimer", "montants en EUR"),
        "/roi/analytics/modules/seo-basics": (
            "Effet isolé par apprenant et par période",
            "apprenants ayant terminé contre",
            "collègues qui ne l&#39;ont pas suivi",
        ),
        "/roi/analytics/recommend?objective=référencement": (
            "Quels KPI cette formation devrait-elle faire évoluer ?",
            "le référencement se juge sur les visites organiques",
            "Suggérer",
        ),
        "/roi/analytics/programs/": (
            "Programmes et objectifs",
            "Aucun programme",
            "Tableau de bord",
        ),
    }
    for url, expected in pages.items():
        response = analyst.get(url, headers=FR)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert page.count("<h1") == 1, url
        for text in expected:
            assert text in page, (url, text)


def test_an_invalid_setting_is_explained_in_french(analyst):
    response = analyst.get("/roi/analytics/?post_days=0", headers=FR)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Paramètres du rapport invalides" in page
    # The detail too, with the bound written the French way (3 650).
    limit = format_decimal(3650, locale="fr")
    assert f"post_days : saisissez une valeur de 1 à {limit}" in page
    assert "Must be greater" not in page


@pytest.mark.parametrize(
    ("query", "french", "english"),
    [
        (
            "post_days=abc",
            "post_days : saisissez un nombre entier",
            "post_days: enter a whole number",
        ),
        (
            "planet=mars",
            "planet : paramètre inconnu : retirez-le ou vérifiez son orthographe",
            "planet: unknown parameter: remove it or check its spelling",
        ),
        (
            "by=planet",
            "by : choisissez parmi : module, learner, method, program, version, team",
            "by: choose one of: module, learner, method, program, version, team",
        ),
        ("exclude_outliers=perhaps", "exclude_outliers : indiquez true ou false", None),
    ],
)
def test_marshmallow_errors_on_pages_follow_the_locale(analyst, query, french, english):
    response = analyst.get(f"/roi/analytics/?{query}", headers=FR)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert french in page
    for marshmallow_own in ("Not a valid", "Unknown field", "Must be one of"):
        assert marshmallow_own not in page
    if english:
        assert english in analyst.get(f"/roi/analytics/?{query}").get_data(as_text=True)


def test_csv_and_xlsx_headers_follow_the_person_locale(app, db, analyst):
    with app.app_context():
        nadia = db.session.query(Learner).filter_by(email="nadia@example.com").one()
        nadia.locale = "fr"  # the profile's choice wins over the browser's
        db.session.commit()
    response = analyst.get("/roi/analytics/export.csv", headers={"Accept-Language": "en"})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["Module", "Méthode", "Modules terminés", "Coût par module terminé"]
    assert "Bénéfice" in rows[0] and "Taux d'achèvement (%)" in rows[0]
    # Cells keep their machine values, unrounded.
    assert rows[1][:3] == ["seo-basics", "online", "6"]
    assert rows[1][rows[0].index("Bénéfice")] == "36000.0"
    workbook = load_workbook(io.BytesIO(analyst.get("/roi/analytics/export.xlsx?by=method").data))
    assert workbook.sheetnames == ["ROI par méthode", "Notes de méthode"]
    sheet = workbook["ROI par méthode"]
    assert [c.value for c in sheet[1]][:3] == ["Méthode", "Modules", "Modules terminés"]
    assert [c.value for c in sheet["A"]][1:] == ["in_person", "online", "blended", "micro_learning"]
    notes = " ".join(c.value for c in workbook["Notes de méthode"]["A"])
    assert "différence de différences" in notes


def test_words_inside_web_export_cells_follow_the_locale(app, db, analyst):
    with app.app_context():
        module = db.session.query(Module).one()
        csat = make_kpi("csat")  # linked, but no value yet: no effect
        db.session.add(ModuleKpi(module_id=module.id, kpi_id=csat.id, weight=1.0))
        db.session.commit()
    french = analyst.get("/roi/analytics/export.csv", headers=FR).get_data(as_text=True)
    english = analyst.get("/roi/analytics/export.csv").get_data(as_text=True)
    assert "qualified_leads: +5.0 [5.0, 5.0] control_group (n=6); csat: n.d. none (n=0)" in french
    assert "n/a" not in french
    assert "csat: n/a none (n=0)" in english
    workbook = load_workbook(
        io.BytesIO(analyst.get("/roi/analytics/export.xlsx?by=method", headers=FR).data)
    )
    sheet = workbook["ROI par méthode"]
    column = [c.value for c in sheet[1]].index("Effets N4 par KPI (regroupés)")
    assert (
        sheet.cell(row=3, column=column + 1).value == "qualified_leads: +5.0 [5.0, 5.0] (1 module)"
    )


@pytest.fixture
def token(app, db):
    """An analyst's API token, a learner and a monthly KPI."""
    with app.app_context():
        clear = make_analyst_token()
        db.session.commit()
    return clear


BAD_VALUES = {
    "values": [
        {"learner": "E1", "kpi": "qualified_leads", "period_start": "2026-02-15", "value": 1},
        {"learner": "E9", "kpi": "qualified_leads", "period_start": "2026-03-01", "value": 1},
    ]
}


def test_an_api_import_error_comes_back_in_french(client, token):
    headers = {"Authorization": f"Bearer {token}", **FR}
    response = client.post("/roi/api/v1/kpi-values", json=BAD_VALUES, headers=headers)
    assert response.status_code == 422
    body = response.json
    assert body["code"] == "rows_rejected" and body["field"] == "period_start"
    assert body["message"] == (
        "2 problèmes ; rien n'a été enregistré. Le premier : ligne 1, period_start : "
        "2026-02-15 n'est pas le premier jour d'un mois (le KPI qualified_leads est mensuel)"
    )
    assert body["errors"] == [
        {
            "row": 1,
            "field": "period_start",
            "message": "2026-02-15 n'est pas le premier jour d'un mois "
            "(le KPI qualified_leads est mensuel)",
            "fix": "utilisez 2026-02-01",
        },
        {
            "row": 2,
            "field": "learner",
            "message": "aucun apprenant avec l'identifiant externe ou l'e-mail 'E9'",
            "fix": "importez d'abord l'apprenant avec 'lms-roi import learners', "
            "ou corrigez l'identifiant",
        },
    ]


def test_the_same_api_error_is_english_without_accept_language(client, token):
    response = client.post(
        "/roi/api/v1/kpi-values", json=BAD_VALUES, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    assert response.json["message"].startswith("2 problems; nothing was written. First: row 1")
    assert response.json["errors"][0]["fix"] == "use 2026-02-01"


def test_api_file_and_http_errors_in_french(client, token):
    headers = {"Authorization": f"Bearer {token}", **FR}
    bad_file = client.post(
        "/roi/api/v1/imports/kpi-values",
        headers=headers,
        data={"file": (io.BytesIO(b"learner,kpi\nE1,x\n"), "values.csv")},
    )
    assert bad_file.status_code == 422
    assert bad_file.json["errors"][0]["message"] == "colonne manquante 'period_start'"
    assert bad_file.json["errors"][0]["fix"].startswith("ajoutez-la ; l'en-tête doit être ")
    missing = client.post("/roi/api/v1/imports/kpi-values", headers=headers, data={})
    assert missing.json == {
        "code": "file_required",
        "field": "file",
        "message": "envoyez le CSV ou le XLSX dans le champ multipart 'file'",
    }
    unauthenticated = client.get("/roi/api/v1/reports/roi", headers=FR)
    assert unauthenticated.json["code"] == "unauthenticated"
    assert unauthenticated.json["message"].startswith("envoyez un jeton d'API valide")


@pytest.mark.parametrize(
    ("request_args", "field", "french", "english"),
    [
        (
            ("get", "/roi/api/v1/reports/roi?lag_days=abc", None),
            "lag_days",
            "lag_days : saisissez un nombre entier",
            "lag_days: enter a whole number",
        ),
        (
            ("get", "/roi/api/v1/reports/event-study?periods_after=1", None),
            "module",
            "module : ce paramètre est obligatoire",
            "module: this parameter is required",
        ),
        (
            ("post", "/roi/api/v1/kpi-values", {"values": []}),
            "values",
            f"values : indiquez de 1 à {format_decimal(50000, locale='fr')} éléments",
            "values: give from 1 to 50,000 items",
        ),
        (
            ("post", "/roi/api/v1/kpi-values", {"values": [7]}),
            "values",
            "values.0 : indiquez un objet de valeurs nommées",
            "values.0: give an object of named values",
        ),
        (
            ("post", "/roi/api/v1/kpi-values", {"values": [{}], "dry": True}),
            "dry",
            "dry : paramètre inconnu : retirez-le ou vérifiez son orthographe",
            "dry: unknown parameter: remove it or check its spelling",
        ),
        (
            ("post", "/roi/api/v1/kpi-values", {"values": [{}], "dry_run": "maybe"}),
            "dry_run",
            "dry_run : indiquez true ou false",
            "dry_run: enter true or false",
        ),
    ],
)
def test_api_input_errors_follow_accept_language(
    client, token, request_args, field, french, english
):
    method, url, body = request_args
    auth = {"Authorization": f"Bearer {token}"}
    for headers, message in (({**auth, **FR}, french), (auth, english)):
        response = getattr(client, method)(url, json=body, headers=headers)
        assert response.status_code == 400
        assert response.json == {"code": "invalid_input", "field": field, "message": message}


def test_admin_pages_and_form_errors_in_french(app, db, client):
    with app.app_context():
        make_person("root@example.com", name="Root Admin", roles=("admin",))
        make_person("bob@example.com", name="Bob Martin", roles=("learner", "tutor"))
        db.session.commit()
    login(client, "root@example.com")
    people = client.get("/roi/admin/people", headers=FR).get_data(as_text=True)
    assert "<h1>Personnes" in people and "apprenant, tuteur" in people
    assert 'placeholder="nom, e-mail ou identifiant"' in people
    refused = client.post(
        "/roi/admin/people/new",
        headers=FR,
        data={"display_name": "", "email": "nope", "hourly_cost": "-1", "roles": ["learner"]},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "<h1>Nouvelle personne</h1>" in page and "<title>Nouvelle personne" in page
    assert "Saisissez une adresse e-mail." in page
    taken = client.post(
        "/roi/admin/people/new",
        headers=FR,
        data={
            "display_name": "Bob Bis",
            "email": "bob@example.com",
            "team": "",
            "roles": ["learner"],
        },
    )
    assert "bob@example.com appartient déjà à quelqu&#39;un" in taken.get_data(as_text=True)


def test_learner_home_and_catalog_in_french(app, db, client):
    with app.app_context():
        ana = make_person("ana@example.com", name="Ana Lima")
        module = make_module("seo-basics", method="micro_learning")
        make_completion(ana, module, datetime(2026, 3, 2, 10, tzinfo=UTC), score=85)
        db.session.commit()
    login(client, "ana@example.com")
    home = client.get("/roi/learning", headers=FR).get_data(as_text=True)
    assert "<h1>Bonjour Ana Lima</h1>" in home and "Rôles : apprenant" in home
    assert '<span class="figure">1</span> module terminé' in home
    assert "2 mars 2026" in home and ">micro-learning<" in home
    catalog = client.get("/roi/modules?method=blended", headers=FR).get_data(as_text=True)
    assert "<h1>Modules</h1>" in catalog
    assert "Aucun module publié en modalité « mixte »." in catalog
    assert ">en présentiel</option>" in catalog
