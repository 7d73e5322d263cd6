"""Browser fixtures: the demo organisation behind pytest-flask's live server, driven by Chromium.

* ``app`` (session) is the demo organisation on its own SQLite file: ``live_server``
  runs it in another process, which can open a file but not an in-memory database.
* ``browsing`` (per test, once in English and once in French) opens pages in fresh
  contexts, signs people in through the login form, screenshots and axe-checks the
  pages a journey visits, and fails the test at teardown on any console error,
  failed request, unexpected HTTP error status, serious accessibility violation or
  status message that is not a catalog message in the test's language.
* Tests build their locators from the message catalog (``browsing.t``), so one test
  reads the same in both languages.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import update

from conftest import make_app
from lms_roi.i18n import LANGUAGES
from lms_roi.models import Learner

from .small_team import add_small_team
from .support import Browsing

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DEMO_LEARNERS = 40


def require_chromium() -> None:
    """Skip without Debian's Chromium, except in .ci/run and on CI, where it is a failure."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true" or os.environ.get("LMS_ROI_BROWSER_REQUIRED") == "1":
        pytest.fail(f"{CHROMIUM} is missing on CI: .ci/run installs Debian's chromium package")
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session")
def app(instance_path, tmp_path_factory):
    """The demo organisation (plus a team too small to show) on a SQLite file, CSRF on."""
    url = "sqlite:///" + str(tmp_path_factory.mktemp("e2e") / "demo.sqlite3")
    app = make_app(url, WTF_CSRF_ENABLED=True)
    result = app.test_cli_runner().invoke(
        args=["lms-roi", "demo", "--reset", "--learners", str(DEMO_LEARNERS)]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        add_small_team()
        # Each test's browser language decides, not the demo profiles' saved choice.
        db = app.extensions["lms_roi"].db
        db.session.execute(update(Learner).values(locale=None))
        db.session.commit()
        # The live server is a forked process: it must open its own connections.
        app.extensions["lms_roi"].db.engine.dispose()
    yield app
    with app.app_context():
        app.extensions["lms_roi"].db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """One Debian Chromium for the session (Playwright never downloads a browser here)."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """``artifacts/screenshots``, emptied once per session."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(params=list(LANGUAGES))
def locale(request) -> str:
    return request.param


@pytest.fixture
def browsing(browser, live_server, locale, request, screenshot_dir):
    """Pages for one test in ``locale``; the test fails at teardown on any problem met."""
    params = request.node.callspec.params if hasattr(request.node, "callspec") else {}
    extra = [str(value) for key, value in params.items() if key != "locale"]
    session = Browsing(
        browser,
        base_url=live_server.url(),
        locale=locale,
        name="-".join([request.node.originalname, *extra]),
        screenshots=screenshot_dir,
    )
    yield session
    session.close()
    if session.problems:
        pytest.fail("problems met in the browser:\n" + "\n".join(session.problems), False)


@pytest.fixture
def page(browsing):
    """A desktop-sized page in a fresh context."""
    return browsing.new_page()
