"""Every page each persona can reach from their home answers, and speaks French in French.

The crawl goes through the Flask test client (faster than a browser, same pages) on the
demo organisation; its findings are also written to ``artifacts/crawl-<persona>-<locale>.txt``.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from lms_roi.models import Learner

from .conftest import SCREENSHOTS
from .crawl import crawl, english_messages, read_page, untranslated
from .support import BROWSER_LOCALES, DEMO_PASSWORD, HOMES, PERSONAS

pytestmark = pytest.mark.browser

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)" '
                   r'name="csrf_token"|name="csrf_token"[^>]*value="([^"]+)"')  # fmt: skip


def _token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return next(group for group in found.groups() if group)


def signed_in_client(app, email: str, locale: str, headers: dict):
    """A test client signed in through the login form, its profile set to ``locale``."""
    client = app.test_client()
    login = client.get("/roi/login", headers=headers).get_data(as_text=True)
    response = client.post(
        "/roi/login",
        data={"email": email, "password": DEMO_PASSWORD, "csrf_token": _token(login)},
        headers=headers,
    )
    assert response.status_code == 302, f"{email} could not sign in ({response.status_code})"
    home = client.get("/roi/", headers=headers, follow_redirects=True).get_data(as_text=True)
    switched = client.post(
        "/roi/language", data={"locale": locale, "csrf_token": _token(home)}, headers=headers
    )
    assert switched.status_code == 302
    return client


@pytest.fixture
def crawl_app(app):
    """The demo app for in-process requests; its connections closed afterwards.

    The language switch saved a choice on the profile: cleared again, so the browser
    tests' Accept-Language decides. The live server forks from this process: it must
    not inherit open SQLite handles.
    """
    yield app
    with app.app_context():
        db = app.extensions["lms_roi"].db
        db.session.execute(update(Learner).values(locale=None))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_reachable_pages_answer_and_are_translated(crawl_app, persona, locale):
    headers = {"Accept-Language": f"{BROWSER_LOCALES[locale]},{locale};q=0.9"}
    client = signed_in_client(crawl_app, PERSONAS[persona], locale, headers)
    report = crawl(
        client, HOMES[persona], url_map=crawl_app.url_map, locale=locale, headers=headers
    )
    lines = [f"broken: {line}" for line in report.broken]
    lines += [f"untranslated on {url}: {text!r}" for url, texts in report.english.items()
              for text in texts]  # fmt: skip
    SCREENSHOTS.parent.mkdir(exist_ok=True)
    (SCREENSHOTS.parent / f"crawl-{persona}-{locale}.txt").write_text(
        f"{report.pages} pages visited from {HOMES[persona]}\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    assert report.pages > 1, "the crawl never left the home page"
    assert not lines, f"{len(lines)} problem(s) over {report.pages} pages:\n" + "\n".join(
        lines[:200]
    )


def test_the_checker_spots_english_left_on_a_french_page(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Sign in"\nmsgstr "Se connecter"\n\n'
        'msgid "Export XLSX"\nmsgstr ""\n\n'
        'msgid "ROI"\nmsgstr "ROI"\n\n'
        'msgid "Page %(page)d of %(pages)d"\nmsgstr "Page %(page)d sur %(pages)d"\n',
        encoding="utf-8",
    )
    page = read_page(
        '<html lang="en"><head><title>Sign in · lms-roi</title>'
        '<script>var a = "Sign in";</script></head>'
        '<body><p>ROI</p><p> Se connecter </p><a href="/x" title="Export XLSX">Alex</a>'
        '<button lang="en">Sign in</button><span>Page 2 of 5</span><p>Page 2 sur 5</p></body>'
    )
    found = untranslated(page.strings, english_messages(po))
    assert sorted(found) == ["Export XLSX", "Page 2 of 5", "Sign in"]
    assert page.links == ["/x"]
    assert page.lang == "en"  # reported by the crawl; the page is still read
