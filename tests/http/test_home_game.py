"""The learner home shows XP, level progress, streak, badges and the notifications feed."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import login
from factories import make_person
from lms_roi.db import session, utcnow
from lms_roi.gamification.periods import period_keys
from lms_roi.models import Badge, BadgeAward, LearnerTotals, Notification, Streak


def test_home_reads_the_maintained_totals_and_the_feed(app, db, client):
    now = utcnow()
    with app.app_context():
        keys = period_keys(now)
        ana = make_person("ana@example.com")
        for kind, key, xp in (
            ("all", "all", 300),
            ("week", keys["week"], 45),
            ("month", "1999-01", 9),
        ):
            session().add(
                LearnerTotals(
                    learner_id=ana.id, period_kind=kind, period_key=key, xp=xp, reached_at=now
                )
            )
        session().add(
            Streak(
                learner_id=ana.id, current_length=4, longest_length=9, last_active_on=date.today()
            )
        )
        badge = Badge(slug="first-steps", name="First steps", criteria={}, xp=10)
        session().add(badge)
        session().flush()
        session().add(BadgeAward(uid="u-1", learner_id=ana.id, badge_id=badge.id, issued_on=now))
        session().add_all(
            [
                Notification(
                    learner_id=ana.id,
                    kind="level_up",
                    message="",
                    payload={"level": 3},
                    created_at=now - timedelta(minutes=5),
                ),
                Notification(
                    learner_id=ana.id,
                    kind="badge_earned",
                    message="",
                    payload={"badge": "first-steps"},
                    created_at=now,
                ),
            ]
        )
        db.session.commit()
    login(client, "ana@example.com")
    page = client.get("/roi/learning").get_data(as_text=True)
    # 300 XP: level 3 starts at 276, level 4 at 479 -> 179 XP to go.
    assert '<span class="figure">300</span> XP' in page and "This week: 45" in page
    assert '<span class="figure">Level 3</span>' in page and "179 XP to level 4" in page
    assert '<progress max="203" value="24"' in page
    assert '<span class="figure">4</span> days in a row' in page and "best 9" in page
    assert "You reached level 3." in page and "You earned the badge “First steps”." in page
    assert page.index("First steps”") < page.index("You reached level 3.")  # newest first
    assert "2 new" in page
    client.post("/roi/notifications/read")
    again = client.get("/roi/learning").get_data(as_text=True)
    assert "2 new" not in again and "Mark all as read" not in again


def test_a_streak_that_stopped_before_yesterday_shows_zero(app, db, client):
    with app.app_context():
        ana = make_person("ana@example.com")
        session().add(
            Streak(
                learner_id=ana.id,
                current_length=6,
                longest_length=6,
                last_active_on=date.today() - timedelta(days=2),
            )
        )
        db.session.commit()
    login(client, "ana@example.com")
    page = client.get("/roi/learning").get_data(as_text=True)
    assert '<span class="figure">0</span> days in a row' in page and "best 6" in page
