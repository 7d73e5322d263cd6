"""Diagnostics on the analyst pages (DESIGN §7b), in English and French.

The module of ``make_diverging_trends``: completers already rose before training
(placebo effect 4, CI [1.473, 6.527]) and their effect, 2, is too noisy to tell
from 0 (underpowered; MDE 2.8016 x sqrt(56/45) = 3.125).
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from conftest import login
from factories import make_diverging_trends, make_person
from lms_roi.models import CostItem, Module

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
PAGE = "/roi/analytics/modules/coaching"

PRE_TREND = {
    "en": "Before training, completers already moved differently from their colleagues "
    "(placebo test): the isolated effect may be biased.",
    "fr": "Avant la formation, les apprenants qui l'ont terminée évoluaient déjà autrement "
    "que leurs collègues (test placebo) : l'effet isolé peut être biaisé.",
}
UNDERPOWERED = {
    "en": "The confidence interval includes 0: an effect smaller than 3.125 per learner and "
    "period could not be told from noise.",
    "fr": "L'intervalle de confiance inclut 0 : un effet inférieur à 3,125 par apprenant et "
    "par période ne se distinguerait pas du bruit.",
}


@pytest.fixture
def analyst(app, db, client):
    with app.app_context():
        make_person("nadia@example.com", roles=("analyst",))
        make_diverging_trends()
        db.session.commit()
    login(client, "nadia@example.com")
    return client


def _text(page: str) -> str:
    """The page with tags dropped, entities of apostrophes decoded and spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", page).replace("&#39;", "'").replace("&#x27;", "'")
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


def _event_rows(page: str) -> dict[str, list[str]]:
    """Cells of the event-study table by relative period (the row header's number)."""
    body = page.split('<table class="event-study">', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]:
        cells = [_text(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0].split()[0]] = cells
    return rows


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_module_page_shows_the_event_study_chart_and_table(analyst, lang):
    response = analyst.get(PAGE, headers=FR if lang == "fr" else {})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    chart = page.split('<svg class="chart event-study"', 1)[1].split("</svg>", 1)[0]
    assert 'viewBox="0 0 720 330"' in chart
    assert '<g class="reference-marker">' in chart and 'class="ci-band"' in chart
    title, reference, axis = {
        "en": (
            "Leads: effect by period since training",
            "reference period (r = -1)",
            "periods since training (0 = period of completion)",
        ),
        "fr": (
            "Leads : effet par période depuis la formation",
            "période de référence (r = -1)",
            "périodes depuis la formation (0 = période où le module a été terminé)",
        ),
    }[lang]
    assert f"<title>{title}</title>" in chart and reference in chart and axis in chart
    # The accessible table: before training completers diverged by -4 (the placebo's
    # warning, period by period); from June on the effect is +2 with a CI holding 0.
    assert f'role="region" aria-label="{title}"' in page
    rows = _event_rows(page)
    assert list(rows) == ["-6", "-5", "-4", "-3", "-2", "-1", "0", "1", "2", "3", "4"]
    assert rows["-1"][0] == ("-1 (reference)" if lang == "en" else "-1 (référence)")
    assert rows["-5"][1:] == (
        ["-4", "[-5.789, -2.211]", "3", "5"]
        if lang == "en"
        else ["-4", "[-5,789 ; -2,211]", "3", "5"]
    )
    assert rows["2"][1] == "+2"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_flags_are_explained_on_the_module_page_dashboard_and_print(analyst, lang):
    headers = FR if lang == "fr" else {}
    for url in (PAGE, "/roi/analytics/", "/roi/analytics/print"):
        text = _text(analyst.get(url, headers=headers).get_data(as_text=True))
        assert PRE_TREND[lang] in text, url
        assert UNDERPOWERED[lang] in text, url
        placebo, mde = {
            "en": ("placebo before training: +4 [1.473, 6.527]", "minimum detectable effect 3.125"),
            "fr": (
                "placebo avant la formation : +4 [1,473 ; 6,527]",
                "effet minimal détectable 3,125",
            ),
        }[lang]
        assert placebo in text and mde in text, url
    dashboard = _text(analyst.get("/roi/analytics/", headers=headers).get_data(as_text=True))
    tags = {
        "en": ("pre-trend differs", "underpowered"),
        "fr": ("tendance antérieure différente", "puissance insuffisante"),
    }[lang]
    assert all(tag in dashboard for tag in tags)


@pytest.mark.parametrize(
    ("effect", "lang", "answer"),
    [
        (
            "3",
            "en",
            "4 completers are needed to detect 3 per learner and period with the current "
            "5 colleagues as controls.",
        ),
        (
            "-3",
            "fr",
            "Il faut 4 apprenants ayant terminé le module pour détecter 3 par apprenant et "
            "par période avec les 5 collègues actuels comme groupe témoin.",
        ),
        (
            "1",
            "en",
            "Not reachable with 5 controls: even unlimited completers could only "
            "detect 1.914 or more per learner and period.",
        ),  # fmt: skip
    ],
)
def test_planner_answers(analyst, effect, lang, answer):
    # se sqrt(56/45) with 3 completers and 5 controls: sd sqrt(7/3); 2.8016 sd = 4.279517.
    # delta 3: 1 / ((3 / 4.279517)^2 - 1/5) = 3.43 -> 4; delta 1: below the floor
    # 4.279517 x sqrt(1/5) = 1.914 whatever the number of completers.
    response = analyst.get(f"{PAGE}?plan=leads&effect={effect}", headers=FR if lang == "fr" else {})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert answer in _text(page)
    assert f'value="{effect}"' in page  # the number typed stays in the field


def test_planner_writes_large_counts_the_locale_way(analyst):
    # Just above the floor of 1.914, thousands of completers are needed.
    counts = {}
    for lang, pattern in (
        ("en", r"(\d{1,3}(?:,\d{3})+) completers are needed to detect 1.915 per learner"),
        ("fr", r"Il faut (\d{1,3}(?:\u202f\d{3})+) apprenants ayant terminé le module"),
    ):
        page = analyst.get(
            f"{PAGE}?plan=leads&effect=1.915", headers=FR if lang == "fr" else {}
        ).get_data(as_text=True)
        found = re.search(pattern, page)
        assert found, (lang, _text(page))
        counts[lang] = int(re.sub(r"\D", "", found.group(1)))
    assert counts["en"] == counts["fr"] > 1000


def test_planner_keeps_the_report_settings(analyst):
    page = analyst.get(f"{PAGE}?lag_days=0&plan=leads&effect=3").get_data(as_text=True)
    assert '<input type="hidden" name="lag_days" value="0">' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("plan=leads&effect=0", "Enter the effect to detect as a number other than 0"),
        ("plan=leads&effect=abc", "Enter the effect to detect as a number other than 0"),
        ("plan=leads&effect=nan", "Enter the effect to detect as a number other than 0"),
        ("plan=leads&effect=1e200", "Enter the effect to detect as a number other than 0"),
        ("plan=leads", "Enter the effect to detect as a number other than 0"),
        ("plan=nope&effect=3", "Choose a KPI of this module."),
        ("effect=3", "Choose a KPI of this module."),
    ],
)
def test_planner_input_errors_are_clear(analyst, query, message):
    response = analyst.get(f"{PAGE}?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert 'role="alert"' in response.get_data(as_text=True)


def test_planner_without_a_control_group(app, db, analyst):
    from datetime import UTC, datetime

    from factories import make_completion, make_kpi, make_module

    with app.app_context():
        solo = make_module("solo", kpis={make_kpi("calls"): 1.0})
        make_completion(make_person("s@example.com", password=None), solo, datetime.now(UTC))
        db.session.commit()
    page = analyst.get("/roi/analytics/modules/solo?plan=calls&effect=2").get_data(as_text=True)
    assert "The planner needs an effect isolated with a control group" in page
    assert "Not enough data for an event study yet" in page


def test_web_exports_are_unrounded(app, db, analyst):
    with app.app_context():
        module = db.session.scalar(select(Module).where(Module.slug == "coaching"))
        db.session.add(
            CostItem(module_id=module.id, category="delivery", basis="fixed", amount=7000)
        )
        db.session.commit()
    # Benefit 2 x 12 x 120 x 3 = 8,640 for 7,000: ROI 23.428571428571427 % (the page: 23.4 %).
    roi = (8640 - 7000) / 7000 * 100
    rows = list(
        csv.reader(io.StringIO(analyst.get("/roi/analytics/export.csv").get_data(as_text=True)))
    )
    assert rows[1][rows[0].index("ROI (%)")] == repr(roi)
    assert rows[1][rows[0].index("Cost per completion")] == repr(7000 / 3)
    sheet = load_workbook(io.BytesIO(analyst.get("/roi/analytics/export.xlsx").data)).active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("ROI (%)") + 1).value == roi
    assert "23.4%" in analyst.get("/roi/analytics/").get_data(as_text=True)
