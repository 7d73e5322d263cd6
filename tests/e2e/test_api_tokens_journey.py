"""An administrator hands out an API token in a real browser, in English and in French.

The admin creates a token for the analyst with the analyst role only; the token is shown
once; it works against the REST API (called from the page's own request context); the
list shows it without its secret; the admin revokes it and the API refuses it. Every
page is axe-checked.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .support import PERSONAS

pytestmark = pytest.mark.browser

NAMES = {"en": "Nightly BI export", "fr": "Export BI de nuit"}


def test_an_admin_creates_uses_and_revokes_an_api_token(browsing):
    t, locale = browsing.t, browsing.locale
    name = NAMES[locale]

    page = browsing.new_page()
    browsing.sign_in(page, PERSONAS["admin"])
    page.get_by_role("link", name=t("API tokens")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("API tokens"))
    browsing.check(page, "tokens")

    page.get_by_role("link", name=t("Create a token")).click()
    page.get_by_label(t("Person")).fill(PERSONAS["analyst"])
    page.get_by_label(t("Token name")).fill(name)
    page.get_by_role("group", name=t("Roles")).get_by_label(t("analyst")).check()
    browsing.check(page, "new-token")
    page.get_by_role("button", name=t("Create the token")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(t("API token created"))
    expect(page.get_by_role("status")).to_have_text(
        t("Copy this token now: it is shown only once and cannot be found again.")
    )
    field = page.get_by_label(t("Token for %(person)s", person="Anaïs Lambert"))
    clear = field.input_value()
    assert clear.startswith("lmsroi_")
    browsing.check(page, "token-shown-once")

    api = browsing.url("/roi/api/v1/reports/roi?by=method")
    auth = {"Authorization": f"Bearer {clear}"}
    answer = page.request.get(api, headers=auth)
    assert answer.status == 200 and isinstance(answer.json(), list)
    # Anaïs is a learner too, but this token only carries her analyst role.
    attempt = page.request.post(
        browsing.url("/roi/api/v1/quizzes/1/attempts"), headers=auth, data={"answers": []}
    )
    assert attempt.status == 403 and attempt.json()["code"] == "forbidden"

    page.get_by_role("link", name=t("Back to the API tokens")).click()
    row = page.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text(t("Active"))
    expect(page.get_by_text(clear)).to_have_count(0)
    row.get_by_role("button", name=t("Revoke the token %(name)s", name=name)).click()
    expect(page.get_by_role("status")).to_have_text(
        t("The token %(name)s was revoked.", name=name)
    )
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text(t("Revoked"))
    browsing.check(page, "token-revoked")

    refused = page.request.get(api, headers=auth)
    assert refused.status == 401 and refused.json()["code"] == "unauthenticated"
