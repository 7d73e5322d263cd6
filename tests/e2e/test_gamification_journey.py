"""A learner's game in a real browser, in English and in French.

Two modules passed on the web -> XP, the "First steps" badge and level 2 on the home
page -> the learner's weekly team leaderboard shows them under their name -> they
choose to appear under their pseudonym -> the board shows the pseudonym, never the name.

The live anti-gaming guard gives no XP to a module completed in less than half its
duration or to a quiz answered faster than 2 seconds a question, so the time spent is
simulated by moving ``ModuleProgress.started_at`` and ``Attempt.started_at`` back in the
database. Both languages share one database: each has its own learner, team and modules.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select, update

from lms_roi.db import session, utcnow
from lms_roi.demo.people import DEMO_PASSWORD
from lms_roi.lessons import split_steps
from lms_roi.models import (
    Attempt,
    BadgeAward,
    Learner,
    Module,
    ModuleProgress,
    Quiz,
    Team,
    XpEvent,
)
from lms_roi.services.people import create_person

pytestmark = pytest.mark.browser

#: Per language: the learner's demo team (slug, name) and two modules (slug, minutes).
PLANS = {
    "en": {
        "team": ("content", "Content Marketing"),
        "modules": (("content-strategy", 45), ("crm-hygiene", 30)),
    },
    "fr": {
        "team": ("inside-sales", "Inside Sales"),
        "modules": (("seo-fundamentals", 60), ("landing-page-cro", 50)),
    },
}
#: XP by hand (DESIGN §6): a first passing attempt, first try, 100 % = 20 + 10 + 10; a
#: first completion = min(10 + minutes, 60); the "First steps" badge = 10 XP.
#: en: 40 + min(10 + 45, 60) + 10 = 105, then 40 + min(10 + 30, 60) = 80 -> 185.
#: fr: 40 + min(10 + 60, 60) + 10 = 110, then 40 + min(10 + 50, 60) = 100 -> 210.
LEDGER = {
    "en": [
        ("quiz_passed", 40),
        ("module_completed", 55),
        ("badge", 10),
        ("quiz_passed", 40),
        ("module_completed", 40),
    ],
    "fr": [
        ("quiz_passed", 40),
        ("module_completed", 60),
        ("badge", 10),
        ("quiz_passed", 40),
        ("module_completed", 60),
    ],
}
AFTER_FIRST = {"en": 105, "fr": 110}
AFTER_SECOND = {"en": 185, "fr": 210}
#: Level 2 starts at 120 XP, level 3 at 120 + round(120 * 1.3) = 276.
LEVEL_2, LEVEL_3 = 120, 276
BADGE = "First steps"
MIN_TEAMMATES = 5


def _learner(app, locale: str) -> tuple[str, str]:
    """A fresh learner per language in a demo team of at least 5 other learners."""
    email = f"gamer-{locale}@learners.test"
    name = f"Gamer {locale.upper()}"
    slug, _team_name = PLANS[locale]["team"]
    with app.app_context():
        db = session()
        team = db.scalar(select(Team).where(Team.slug == slug))
        others = db.scalar(
            select(func.count(Learner.id)).where(
                Learner.team_id == team.id, Learner.email != email, Learner.active.is_(True)
            )
        )
        assert others >= MIN_TEAMMATES, f"team {slug} has {others} other learners"
        for module_slug, minutes in PLANS[locale]["modules"]:
            module = db.scalar(select(Module).where(Module.slug == module_slug))
            assert module.duration_minutes == minutes  # the XP above depend on it
        if db.scalar(select(Learner).where(Learner.email == email)) is None:
            create_person(
                email=email,
                display_name=name,
                roles=["learner"],
                team=team,
                password=DEMO_PASSWORD,
            )
            db.commit()
    return email, name


def _module(app, slug: str):
    """(title, number of lesson steps, post-test questions as (prompt, right texts))."""
    with app.app_context():
        module = session().scalar(select(Module).where(Module.slug == slug))
        quiz = session().scalar(
            select(Quiz).where(Quiz.module_id == module.id, Quiz.kind == "post_test")
        )
        questions = [
            (q.prompt, [c.text for c in q.choices if c.is_correct]) for q in quiz.questions
        ]
        return module.title, len(split_steps(module.body_md)), questions


def _spend_time(app, email: str, slug: str, minutes: int) -> None:
    """Simulate the time spent: the lesson began ``minutes`` ago, the quiz 10 minutes ago."""
    with app.app_context():
        db = session()
        learner_id = db.scalar(select(Learner.id).where(Learner.email == email))
        module_id = db.scalar(select(Module.id).where(Module.slug == slug))
        quiz_id = db.scalar(
            select(Quiz.id).where(Quiz.module_id == module_id, Quiz.kind == "post_test")
        )
        now = utcnow()
        moved = db.execute(
            update(ModuleProgress)
            .where(ModuleProgress.learner_id == learner_id, ModuleProgress.module_id == module_id)
            .values(started_at=now - timedelta(minutes=minutes))
        ).rowcount
        opened = db.execute(
            update(Attempt)
            .where(
                Attempt.learner_id == learner_id,
                Attempt.quiz_id == quiz_id,
                Attempt.submitted_at.is_(None),
            )
            .values(started_at=now - timedelta(minutes=10))
        ).rowcount
        db.commit()
        assert (moved, opened) == (1, 1)


def _pass_module(app, browsing, page, email: str, slug: str, minutes: int, *, first: bool):
    """Read every lesson step, then pass the post-test with every answer right."""
    t = browsing.t
    title, n_steps, questions = _module(app, slug)
    page.goto(browsing.url(f"/roi/modules/{slug}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    if first:
        browsing.check(page, "module")
    page.get_by_role("link", name=t("Start the lesson")).click()
    for number in range(1, n_steps + 1):
        step = t("Step %(number)s of %(total)s", number=number, total=n_steps)
        expect(page.get_by_text(step)).to_be_visible()
        page.wait_for_load_state("load")  # lesson.js loaded: leaving sooner aborts it
        button = t("Next step") if number < n_steps else t("Finish the lesson")
        page.get_by_role("button", name=button).click()
    start = page.get_by_role("button", name=t("Start the quiz"))
    expect(start).to_be_visible()
    page.wait_for_load_state("load")
    start.click()
    _spend_time(app, email, slug, minutes)
    for prompt, right in questions:
        # The legend reads "Question n: <prompt>". Playwright sends a pattern as /.../:
        # a "/" in a prompt ("A/B test") must be escaped for it too.
        legend = re.escape(prompt).replace("/", r"\/") + "$"
        group = page.get_by_role("group", name=re.compile(legend))
        for text in right:
            group.get_by_label(text, exact=True).check()
    if first:
        browsing.check(page, "post-test-form")
    page.get_by_role("button", name=t("Submit my answers")).click()
    expect(page.get_by_role("status").last).to_have_text(
        t("Module completed. Tell us what you thought of it.")
    )
    if first:
        browsing.check(page, "post-test-result")


def _expect_figures(browsing, page, xp: int, level: int, next_at: int) -> None:
    """The home's XP card (all time and this week, all earned today) and level card."""
    t = browsing.t
    figures = page.get_by_role("region", name=t("My figures"))
    xp_card = figures.locator(".card").filter(has_text=t("This week: %(xp)s", xp=str(xp)))
    expect(xp_card.locator(".figure")).to_have_text(str(xp))
    level_card = figures.locator(".card").filter(
        has_text=t("%(xp)s XP to level %(level)s", xp=str(next_at - xp), level=str(level + 1))
    )
    expect(level_card.locator(".figure")).to_have_text(t("Level %(level)s", level=str(level)))
    badge_card = figures.locator(".card").filter(
        has=page.get_by_role("link", name=t("badge"), exact=True)
    )
    expect(badge_card.locator(".figure")).to_have_text("1")
    expect(badge_card).to_contain_text(BADGE)


def _team_week_board(browsing, page, team_name: str) -> None:
    """From any board: the learner's team tab, then this week."""
    t = browsing.t
    tab = t("My team: %(team)s", team=team_name)
    page.wait_for_load_state("load")  # leaving a page sooner may abort its requests
    boards = page.get_by_role("navigation", name=t("Boards"))
    boards.get_by_role("link", name=tab).click()
    expect(boards.get_by_role("link", name=tab)).to_have_attribute("aria-current", "page")
    page.wait_for_load_state("load")
    page.get_by_role("navigation", name=t("Period")).get_by_role(
        "link", name=t("This week")
    ).click()
    expect(page).to_have_url(re.compile(r"scope=team(:|%3A)[a-z-]+&window=week$"))
    expect(boards.get_by_role("link", name=tab)).to_have_attribute("aria-current", "page")


def _my_top_row(browsing, page, shown_name: str, xp: int) -> str:
    """The learner's row in the top table (tagged "you", with their XP); returns its rank."""
    top = page.locator("section[aria-labelledby=top] tbody tr")
    mine = top.filter(has=page.get_by_role("rowheader", name=re.compile(re.escape(shown_name))))
    expect(mine).to_have_count(1)
    expect(mine.get_by_role("rowheader")).to_have_text(f"{shown_name} {browsing.t('you')}")
    expect(mine.locator("td").nth(1)).to_have_text(str(xp))
    rank = mine.locator("td").first.inner_text().strip()
    expect(page.locator("section.my-position")).to_contain_text(
        browsing.t("You are number %(rank)s with %(xp)s XP.", rank=rank, xp=str(xp))
    )
    return rank


def test_learner_earns_xp_a_badge_and_a_level_then_goes_pseudonymous(app, browsing, page):
    t = browsing.t
    locale = browsing.locale
    email, name = _learner(app, locale)
    _team_slug, team_name = PLANS[locale]["team"]
    (first_slug, first_minutes), (second_slug, second_minutes) = PLANS[locale]["modules"]
    browsing.sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/roi/learning$"))
    browsing.check(page, "home-empty")

    # First module: XP and the "First steps" badge, still level 1.
    _pass_module(app, browsing, page, email, first_slug, first_minutes, first=True)
    page.goto(browsing.url("/roi/learning"))
    xp = AFTER_FIRST[locale]
    _expect_figures(browsing, page, xp, 1, LEVEL_2)
    news = page.locator("section[aria-labelledby=news]")
    expect(news).to_contain_text(t("You earned the badge “%(badge)s”.", badge=BADGE))
    expect(news.get_by_text(t("You reached level %(level)s.", level="2"))).to_have_count(0)
    browsing.check(page, "home-badge")
    # The badge card leads to the learner's badges: "First steps" is held, with its XP.
    figures = page.get_by_role("region", name=t("My figures"))
    figures.get_by_role("link", name=t("badge"), exact=True).click()
    earned = page.locator("section[aria-labelledby=earned]")
    expect(earned.get_by_role("heading", level=2)).to_have_text(
        browsing.tn("%(num)d badge earned", "%(num)d badges earned", 1)
    )
    expect(earned.get_by_role("heading", level=3)).to_have_text(BADGE)
    expect(earned).to_contain_text(t("+%(xp)s XP", xp="10"))
    browsing.check(page, "my-badges")

    # Second module: level 2.
    _pass_module(app, browsing, page, email, second_slug, second_minutes, first=False)
    page.goto(browsing.url("/roi/learning"))
    xp = AFTER_SECOND[locale]
    assert LEVEL_2 <= xp < LEVEL_3
    _expect_figures(browsing, page, xp, 2, LEVEL_3)
    expect(news).to_contain_text(t("You reached level %(level)s.", level="2"))
    expect(news).to_contain_text(t("You earned the badge “%(badge)s”.", badge=BADGE))
    browsing.check(page, "home-level-2")

    with app.app_context():
        learner = session().scalar(select(Learner).where(Learner.email == email))
        events = session().execute(
            select(XpEvent.reason, XpEvent.points, XpEvent.flagged)
            .where(XpEvent.learner_id == learner.id)
            .order_by(XpEvent.id)
        )
        # Every award in full: the simulated time spent kept the guard from flagging any.
        assert [tuple(row) for row in events] == [(r, p, False) for r, p in LEDGER[locale]]
        assert (
            session().scalar(
                select(func.count(BadgeAward.id)).where(BadgeAward.learner_id == learner.id)
            )
            == 1
        )

    # The weekly board of the learner's team shows them under their name.
    page.get_by_role("navigation", name=t("Main")).get_by_role(
        "link", name=t("Leaderboard")
    ).click()
    _team_week_board(browsing, page, team_name)
    rank = _my_top_row(browsing, page, name, xp)
    browsing.check(page, "team-week-named")

    # Settings: appear under the pseudonym.
    page.get_by_role("link", name=t("Choose how you appear")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My settings"))
    expect(page.get_by_label(t("Under my name"), exact=True)).to_be_checked()
    browsing.check(page, "settings")
    pseudonym = page.locator("form strong[data-authored]").inner_text().strip()
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+ \d{3}", pseudonym), pseudonym
    page.get_by_label(t("Under my pseudonym"), exact=True).check()
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("Saved: the leaderboards show your choice now.")
    )
    expect(page.get_by_label(t("Under my pseudonym"), exact=True)).to_be_checked()
    browsing.check(page, "settings-saved")

    # Back on the board: the pseudonym, same rank and XP, and the name nowhere in the page.
    page.get_by_role("link", name=t("See the leaderboard")).click()
    _team_week_board(browsing, page, team_name)
    assert _my_top_row(browsing, page, pseudonym, xp) == rank
    expect(page.locator("main")).not_to_contain_text(name)
    browsing.check(page, "team-week-pseudonymous")

    with app.app_context():
        learner = session().scalar(select(Learner).where(Learner.email == email))
        assert (learner.leaderboard_visibility, learner.pseudonym) == ("pseudonymous", pseudonym)
