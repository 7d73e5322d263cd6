"""What each persona does in a real browser, in English and in French.

Every page a journey visits is screenshotted and axe-checked, and its status and alert
messages must come from the catalog in the page's language; the ``browsing`` fixture
fails the test on console errors, failed requests and error statuses.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from lms_roi.labels import label
from lms_roi.models import ImportBatch, Kpi

from .crawl import shown_messages
from .desk_files import import_files
from .small_team import SMALL_TEAM
from .support import HOMES, PERSONAS, PHONE, parse_number, scrolls_sideways

pytestmark = pytest.mark.browser


def _count(app, stmt) -> int:
    with app.app_context():
        return app.extensions["lms_roi"].db.session.scalar(stmt)


def _column(table, header: str) -> int:
    """Index of the column whose header reads ``header`` (text as written, not as styled)."""
    headers = [text.strip() for text in table.locator("thead th").all_text_contents()]
    return headers.index(header)


def test_analyst_imports_reads_roi_by_method_and_exports_it(app, browsing, page, tmp_path):
    t, locale = browsing.t, browsing.locale
    browsing.allow_status(422, "/roi/data/upload")  # the rejected file's page
    browsing.sign_in(page, PERSONAS["analyst"])
    expect(page).to_have_url(re.compile(re.escape(browsing.url(HOMES["analyst"]))))
    browsing.check(page, "dashboard")

    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Data desk")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Data desk"))
    browsing.check(page, "desk")
    files = import_files(locale)
    batches = _count(app, select(func.count(ImportBatch.id)))

    def upload(kind_label: str, name: str, content: str) -> None:
        page.get_by_label(t("What the file contains")).select_option(label=kind_label)
        page.get_by_label(t("CSV or Excel file")).set_input_files(
            files={"name": name, "mimeType": "text/csv", "buffer": content.encode()}
        )
        page.get_by_role("button", name=t("Check the file"), exact=True).click()

    # A KPI file with one bad row: every problem shown, nothing written.
    bad = files.bad_kpis
    upload(t("KPI definitions"), bad.name, bad.content)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("The file was not imported"))
    expect(page.get_by_role("alert").first).to_contain_text(bad.name)
    expect(page.get_by_role("listitem").filter(has_text="value_per_unit")).to_contain_text("3:")
    browsing.check(page, "kpis-rejected")
    assert _count(app, select(func.count(Kpi.id)).where(Kpi.key.like(f"e2e_{locale}_%"))) == 0
    assert _count(app, select(func.count(ImportBatch.id))) == batches

    # The fixed file, then the other four kinds, each checked then confirmed.
    for step, kind, upload_file in files.in_order(t):
        upload(kind, upload_file.name, upload_file.content)
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Confirm the import"))
        browsing.check(page, f"{step}-preview")
        page.get_by_role("button", name=t("Confirm import"), exact=True).click()
        expect(page.get_by_role("status")).to_contain_text(upload_file.name)
        expect(page.get_by_role("cell", name=upload_file.name, exact=True)).to_be_visible()
        browsing.check(page, f"{step}-imported")
    assert _count(app, select(func.count(ImportBatch.id))) == batches + 5
    assert _count(app, select(func.count(Kpi.id)).where(Kpi.key.like(f"e2e_{locale}_%"))) == 2

    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("ROI")).click()
    page.get_by_role("link", name=t("method"), exact=True).click()
    expect(page).to_have_url(re.compile(r"by=method"))
    chart = page.get_by_role("img", name=t("ROI %% by %(by)s", by=t("method")))
    expect(chart).to_be_visible()
    table = page.locator("table.report")
    first = table.locator("tbody tr").first
    shown_method = first.locator("td").first.inner_text().strip()
    shown_completions = first.locator("td").nth(_column(table, t("Completions"))).inner_text()
    shown_cost = first.locator("td").nth(_column(table, t("Cost"))).inner_text()
    browsing.check(page, "roi-by-method")

    with page.expect_download() as caught:
        page.get_by_role("link", name=t("Export XLSX"), exact=True).click()
    path = tmp_path / caught.value.suggested_filename
    caught.value.save_as(path)
    workbook = load_workbook(path, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    header = list(rows[0])
    assert len(rows) - 1 == table.locator("tbody tr").count()
    with app.test_request_context(headers={"Accept-Language": locale}):
        by_label = {label(row[header.index(t("Method"))], "method"): row for row in rows[1:]}
    exported = by_label[shown_method]
    assert exported[header.index(t("Completions"))] == parse_number(shown_completions, locale)
    # The export is unrounded; the page rounds to cents (half-even, as Babel does).
    assert abs(exported[header.index(t("Cost"))] - parse_number(shown_cost, locale)) <= 0.005001


def test_admin_creates_a_tutor_who_lands_on_the_tutor_home(browsing, page):
    t = browsing.t
    email = f"nadia.{browsing.locale}@example.test"
    name = f"Nadia Roussel {browsing.locale.upper()}"
    browsing.sign_in(page, PERSONAS["admin"])
    expect(page).to_have_url(browsing.url(HOMES["admin"]))
    browsing.check(page, "people")

    page.get_by_role("link", name=t("Add a person")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New person"))
    browsing.check(page, "new-person")
    page.get_by_label(t("Name"), exact=True).fill(name)
    page.get_by_label(t("Email"), exact=True).fill(email)
    # A label wrapping a select is named with the selected option too ("Team — no team —").
    page.get_by_label(re.compile("^" + re.escape(t("Team")))).select_option(
        label="Content Marketing"
    )
    page.get_by_label(t("New password"), exact=True).fill("mentor-password-1")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    tutor = page.get_by_role("checkbox", name=t("tutor"), exact=True)
    expect(tutor).not_to_be_checked()
    browsing.check(page, "person-created")

    tutor.check()
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(name)
    expect(page.get_by_role("checkbox", name=t("tutor"), exact=True)).to_be_checked()
    browsing.check(page, "tutor-granted")

    newcomer = browsing.new_page()
    browsing.sign_in(newcomer, email, "mentor-password-1")
    expect(newcomer).to_have_url(browsing.url(HOMES["tutor"]))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(t("My mentees"))
    browsing.check(newcomer, "tutor-home")


def test_hr_sees_engagement_with_a_small_team_suppressed(browsing, page):
    t = browsing.t
    browsing.sign_in(page, PERSONAS["hr"])
    expect(page).to_have_url(browsing.url(HOMES["hr"]))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Engagement by team"))
    # The first table (engagement by team); the other tables name the teams again.
    table = page.get_by_role("region", name=t("Engagement by team"))
    small = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=SMALL_TEAM[1]))
    hidden = t("fewer than %(n)d", n=5)
    expect(small.get_by_role("cell").first).to_have_text(hidden)
    big = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Content Marketing")
    )
    expect(big.get_by_role("cell").first).to_have_text(re.compile(r"^\d+$"))
    browsing.check(page, "engagement")

    page.get_by_label(t("Period"), exact=True).select_option(
        label=t("Last %(days)d days", days=365)
    )
    page.get_by_role("button", name=t("Show"), exact=True).click()
    expect(page).to_have_url(re.compile(r"days=365"))
    expect(small.get_by_role("cell").first).to_have_text(hidden)
    assert hidden not in big.inner_text()
    browsing.check(page, "engagement-year")


def test_visitor_is_asked_to_sign_in_then_reaches_the_page_asked_for(browsing, page):
    page.goto(browsing.url("/roi/data/"))
    expect(page).to_have_url(re.compile(r"/roi/login\?next="))
    notice = page.get_by_role("status")
    expect(notice).to_be_visible()
    text = " ".join(notice.inner_text().split())
    from_catalog = shown_messages(browsing.locale).matches(text)
    assert from_catalog, f"{text!r} is not a message of the catalog in {browsing.locale}"
    browsing.sign_in(page, PERSONAS["analyst"], open_form=False)
    expect(page).to_have_url(browsing.url("/roi/data/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(browsing.t("Data desk"))
    browsing.check(page, "desk")


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_home_fits_a_phone(browsing, persona):
    page = browsing.new_page(size=PHONE)
    browsing.sign_in(page, PERSONAS[persona])
    expect(page).to_have_url(re.compile(re.escape(browsing.url(HOMES[persona]))))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    browsing.check(page, "home")
    assert scrolls_sideways(page) == []
