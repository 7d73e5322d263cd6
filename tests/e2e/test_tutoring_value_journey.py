"""The demo analyst asks whether tutoring pays, in English and in French.

The page is axe-checked and screenshotted; the ``browsing`` fixture fails the test on any
console error, failed request or error status.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from lms_roi.analytics import loader

from .support import HOMES, PERSONAS, parse_number

pytestmark = pytest.mark.browser


def _cost_per_mentee(app) -> float:
    """Tutors' time per mentee in the demo, straight from the database."""
    with app.app_context():
        per_mentee = loader.tutoring_cost_by_mentee()
    return float(per_mentee["tutoring_cost"].sum()) / len(per_mentee)


def test_analyst_reads_whether_tutoring_pays(app, browsing, page, tmp_path):
    t = browsing.t
    browsing.sign_in(page, PERSONAS["analyst"])
    expect(page).to_have_url(re.compile(re.escape(browsing.url(HOMES["analyst"]))))

    page.goto(browsing.url("/roi/analytics/tutoring/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Does tutoring pay?"))
    card = page.locator(".card").filter(has_text=t("tutoring cost per mentee"))
    amount = parse_number(card.locator(".figure").inner_text(), browsing.locale)
    assert amount == round(_cost_per_mentee(app), 2)
    overall = page.get_by_role("table", name=t("Mentees and non-mentees, all modules"))
    expect(overall.get_by_role("rowheader", name=t("Completion rate"))).to_be_visible()
    expect(overall.get_by_role("rowheader", name=t("Knowledge gain"))).to_be_visible()
    modules = page.get_by_role("table", name=t("Completion rate and knowledge gain by module"))
    expect(modules.get_by_role("rowheader").first).to_be_visible()
    expect(page.get_by_role("table", name=t("KPI effect of tutoring by module"))).to_be_visible()
    browsing.check(page, "tutoring-value")

    with page.expect_download() as caught:
        page.get_by_role("link", name=t("Export CSV"), exact=True).click()
    path = tmp_path / caught.value.suggested_filename
    caught.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0][:3] == [t("Scope"), t("Module"), t("Figure")]
    cost = next(row for row in rows if row[2] == "tutoring_cost_per_mentee")
    assert float(cost[4]) == pytest.approx(_cost_per_mentee(app), rel=1e-12)
