"""Challenges in the browser: an analyst creates one, a learner sees live progress, cron settles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from conftest import login
from factories import make_completion, make_module, make_person
from lms_roi.db import session
from lms_roi.models import Challenge, Notification, XpEvent


def test_an_analyst_creates_a_challenge_and_a_learner_follows_it(app, db, client):
    today = date.today()
    with app.app_context():
        make_person("nadia@example.com", roles=("analyst",))
        ana = make_person("ana@example.com")
        micro = [make_module(f"micro-{n}", method="micro_learning") for n in range(2)]
        make_completion(ana, micro[0], datetime.now(UTC) - timedelta(minutes=5))
        db.session.commit()
    login(client, "nadia@example.com")
    form = {
        "slug": "micro-sprint",
        "title": "Micro sprint",
        "description": "Two micro-modules",
        "scope": "individual",
        "metric": "modules_completed",
        "method": "micro_learning",
        "goal": "2",
        "starts_on": (today - timedelta(days=1)).isoformat(),
        "ends_on": (today + timedelta(days=6)).isoformat(),
        "reward_xp": "50",
        "badge": "",
    }
    bad = client.post("/roi/challenges/manage/new", data={**form, "ends_on": "2000-01-01"})
    assert "The last day comes after the first day." in bad.get_data(as_text=True)
    assert client.post("/roi/challenges/manage/new", data=form).status_code == 302
    listing = client.get("/roi/challenges/manage").get_data(as_text=True)
    assert "Micro sprint" in listing and "running" in listing
    # Saving the edit form unchanged keeps the same window (no day added per save).
    edit = client.get("/roi/challenges/manage/micro-sprint").get_data(as_text=True)
    assert f'value="{form["ends_on"]}"' in edit
    client.post("/roi/challenges/manage/micro-sprint", data=form)
    with app.app_context():
        saved = session().scalar(select(Challenge))
        assert saved.ends_at - saved.starts_at == timedelta(days=8)
    client.post("/roi/logout")
    login(client, "ana@example.com")
    page = client.get("/roi/challenges").get_data(as_text=True)
    assert "1 of 2 micro-learning modules completed" in page
    assert '<progress max="2" value="1"' in page and "Running: ends on" in page
    home = client.get("/roi/learning").get_data(as_text=True)
    assert "Micro sprint" in home
    assert client.get("/roi/challenges/manage").status_code == 403


def test_the_settle_command_rewards_winners_once(app, db, cli):
    start = datetime(2026, 3, 2, tzinfo=UTC)
    with app.app_context():
        ana = make_person("ana@example.com")
        module = make_module("seo-basics")
        make_completion(ana, module, datetime(2026, 3, 3, 10, tzinfo=UTC))
        session().add(
            Challenge(
                slug="one-module",
                title="One module",
                scope="individual",
                metric="modules_completed",
                goal=1,
                starts_at=start,
                ends_at=start + timedelta(days=7),
                reward_xp=25,
            )
        )
        db.session.commit()
    first = cli.invoke(args=["lms-roi", "gamification", "settle"])
    assert first.exit_code == 0 and "1 challenge(s) settled" in first.output
    again = cli.invoke(args=["lms-roi", "gamification", "settle"])
    assert "0 challenge(s) settled" in again.output
    with app.app_context():
        rewards = session().scalars(select(XpEvent).where(XpEvent.reason == "challenge")).all()
        assert [(r.points, r.occurred_at) for r in rewards] == [(25, start + timedelta(days=7))]
        kinds = session().scalars(select(Notification.kind)).all()
        assert "challenge_won" in kinds
