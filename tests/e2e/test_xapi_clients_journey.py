"""Connecting a learning platform in a real browser, in English and in French.

The admin opens the xAPI clients page from the people page, creates a client for a
Moodle, copies the endpoint, key and secret shown once; the platform sends a statement
with them (the page then says when the client was last used); the admin revokes the
client and the platform is refused at once. Every page is axe-checked. Both languages
share one database: each creates its own client.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from .support import PERSONAS

pytestmark = pytest.mark.browser

NAMES = {"en": "Moodle (sales team)", "fr": "Moodle (équipe ventes)"}
STATEMENT = {
    "actor": {"account": {"homePage": "https://moodle.example.org", "name": "42"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"id": "https://moodle.example.org/mod/page/view.php?id=7"},
}


def _send(endpoint: str, key: str, secret: str) -> int:
    """POST one statement as the platform would; the HTTP status."""
    request = urllib.request.Request(  # noqa: S310 (the live server, over http)
        endpoint + "statements",
        data=json.dumps(STATEMENT).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": "1.0.3",
            "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_an_admin_connects_a_platform_and_revokes_it(browsing):
    t, locale = browsing.t, browsing.locale
    name = NAMES[locale]

    page = browsing.new_page()
    browsing.sign_in(page, PERSONAS["admin"])
    page.get_by_role("link", name=t("xAPI clients")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("xAPI clients"))
    browsing.check(page, "clients")

    page.get_by_label(t("Name")).fill(name)
    page.get_by_role("button", name=t("Create the client")).click()
    created = page.get_by_role("region", name=t("New client “%(name)s”", name=name))
    expect(created).to_contain_text(t("Copy the secret now: it is not shown again."))
    endpoint = created.locator("dd").first.inner_text().strip()
    key = created.get_by_test_id("new-key").inner_text().strip()
    secret = created.get_by_test_id("new-secret").inner_text().strip()
    # The live server names itself by its SERVER_NAME; the platform reaches the same path.
    assert endpoint.startswith("http") and endpoint.endswith("/roi/xapi/")
    endpoint = browsing.url("/roi/xapi/")
    browsing.check(page, "client-created")

    # The platform sends a statement with what the page showed.
    assert _send(endpoint, key, secret) == 200
    page.goto(browsing.url("/roi/admin/xapi-clients"))
    row = page.get_by_role("row").filter(has_text=key[:12])
    expect(row).to_contain_text(name)
    expect(row).to_contain_text(t("active"))
    expect(row).not_to_contain_text(t("never"))  # last used: just now
    expect(page.get_by_text(secret)).to_have_count(0)  # shown once only

    row.get_by_role("button", name=t("Revoke “%(name)s”", name=name)).click()
    expect(page.get_by_role("status")).to_have_text(
        t("The client “%(name)s” is revoked: it can no longer send statements.", name=name)
    )
    row = page.get_by_role("row").filter(has_text=key[:12])
    expect(row.get_by_role("button")).to_have_count(0)
    browsing.check(page, "client-revoked")
    assert _send(endpoint, key, secret) == 401
