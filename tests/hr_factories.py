"""Builders for the HR engagement dashboard: ledger, streak, badge and totals rows written directly.

The XP engine is not used: each row is what it would have written, so the
dashboard's aggregates are checked against hand-counted answers.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from factories import make_person
from lms_roi.db import session
from lms_roi.gamification.periods import month_key, week_key
from lms_roi.models import Badge, BadgeAward, Learner, LearnerTotals, Streak, Team, XpEvent


def make_unit(slug: str, name: str, department: Team | None = None) -> Team:
    """A team (inside ``department`` when given) or a department."""
    team = Team(slug=slug, name=name, parent_id=department.id if department else None)
    session().add(team)
    session().flush()
    return team


def make_xp(learner: Learner, day: date, points: int, reason: str = "module_completed") -> XpEvent:
    """A ledger row on ``day`` (the learner's calendar day), at noon UTC."""
    event = XpEvent(
        learner_id=learner.id,
        points=points,
        reason=reason,
        idempotency_key=f"test:{uuid.uuid4()}",
        occurred_at=datetime.combine(day, time(12), UTC),
        local_day=day,
    )
    session().add(event)
    session().flush()
    return event


def make_streak(learner: Learner, length: int, last_active_on: date | None = None) -> Streak:
    streak = Streak(
        learner_id=learner.id,
        current_length=length,
        longest_length=length,
        last_active_on=last_active_on,
    )
    session().add(streak)
    session().flush()
    return streak


def make_badge(slug: str = "first-steps") -> Badge:
    badge = Badge(slug=slug, name=slug.replace("-", " ").title(), criteria={}, xp=0)
    session().add(badge)
    session().flush()
    return badge


def make_award(learner: Learner, badge: Badge, day: date, *, revoked: bool = False) -> BadgeAward:
    """A badge issued at noon UTC on ``day``."""
    award = BadgeAward(
        uid=str(uuid.uuid4()),
        learner_id=learner.id,
        badge_id=badge.id,
        issued_on=datetime.combine(day, time(12), UTC),
        revoked=revoked,
        revoked_at=datetime.combine(day, time(13), UTC) if revoked else None,
    )
    session().add(award)
    session().flush()
    return award


def make_totals(learner: Learner, day: date, xp: int, kinds=("all", "week", "month")) -> None:
    """``LearnerTotals`` rows of ``day``'s buckets, reached at noon UTC that day."""
    keys = {"all": "all", "week": week_key(day), "month": month_key(day)}
    for kind in kinds:
        session().add(
            LearnerTotals(
                learner_id=learner.id,
                period_kind=kind,
                period_key=keys[kind],
                xp=xp,
                reached_at=datetime.combine(day, time(12), UTC),
            )
        )
    session().flush()


def build_engagement_org(today: date) -> dict:
    """Two departments, teams of 2, 5 and 7 learners, activity relative to ``today``.

    * Marketing (department): Tiny (2 learners) and Content (5).
    * Sales (department): Field (7).

    Ledger, all within the last 13 days unless said:
    * Content c0..c4 earn 20 XP each yesterday; c0 also has a 0-point action
      two days ago (active, no XP).
    * Field f0..f5 earn 10 XP each three days ago; f6 earns 30 XP 13 days ago.
    * Tiny t0 earns 50 XP yesterday.
    * Badges: c0..c4 each get one yesterday, c0 a second one that was revoked;
      t0 one yesterday; f0 one 200 days ago.
    * Streaks: Content 3, 3, 1, 0 (no row for c4: 0); Field 7, 8, 14, 20, 1, 2, 0;
      Tiny 5, none.
    """
    marketing = make_unit("marketing", "Marketing")
    sales = make_unit("sales", "Sales")
    tiny = make_unit("tiny", "Tiny", marketing)
    content = make_unit("content", "Content", marketing)
    field = make_unit("field", "Field", sales)

    def people(prefix: str, team: Team, count: int) -> list[Learner]:
        return [
            make_person(
                f"{prefix}{i}@example.com", name=f"{team.name} Person{i}", team=team, password=None
            )
            for i in range(count)
        ]

    t, c, f = people("t", tiny, 2), people("c", content, 5), people("f", field, 7)
    yesterday = today - timedelta(days=1)
    for learner in c:
        make_xp(learner, yesterday, 20)
    make_xp(c[0], today - timedelta(days=2), 0, "module_repeat")
    for learner in f[:6]:
        make_xp(learner, today - timedelta(days=3), 10)
    make_xp(f[6], today - timedelta(days=13), 30)
    make_xp(t[0], yesterday, 50)
    first, second = make_badge("first-steps"), make_badge("quiz-ace")
    for learner in c:
        make_award(learner, first, yesterday)
    make_award(c[0], second, yesterday, revoked=True)
    make_award(t[0], first, yesterday)
    make_award(f[0], first, today - timedelta(days=200))
    for learner, length in zip(c, (3, 3, 1, 0), strict=False):
        make_streak(learner, length, yesterday)
    for learner, length in zip(f, (7, 8, 14, 20, 1, 2, 0), strict=True):
        make_streak(learner, length, yesterday)
    make_streak(t[0], 5, yesterday)
    make_person("hr@example.com", name="Helene Hr", roles=("hr",))
    return {
        "teams": {"marketing": marketing, "sales": sales, "tiny": tiny, "content": content},
        "tiny": t,
        "content": c,
        "field": f,
    }
