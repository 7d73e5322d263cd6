"""Badges read from history are issued, and their XP counted, when they were earned.

``lms-roi gamification rebuild`` and imports award each badge at the moment of the
event that met its criterion (not on the day the history is read), and a second
rebuild changes nothing. 30-minute modules earn 40 XP, 60-minute ones 60 XP; the
daily cap is 500 XP. Paris is UTC+1 until 29 March 2026, UTC+2 after.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from badge_factories import AT, make_attempt, make_badge, make_challenge_win
from factories import (
    make_completion,
    make_kpi,
    make_kpi_value,
    make_module,
    make_pair,
    make_person,
    make_program,
    make_session,
    make_team,
)
from lms_roi.db import session
from lms_roi.gamification import criteria, engine, history
from lms_roi.gamification.xp_rules import completion_key
from lms_roi.models import BadgeAward, LearnerTotals, Notification, Objective, XpEvent
from lms_roi.services import learning
from xp_factories import at, make_learner, totals


def rebuild(cli) -> str:
    result = cli.invoke(args=["lms-roi", "gamification", "rebuild"])
    assert result.exit_code == 0, result.stderr or result.output
    return result.stdout


def snapshot() -> tuple:
    s = session()
    return (
        s.execute(
            select(XpEvent.id, XpEvent.idempotency_key, XpEvent.points, XpEvent.occurred_at)
        ).all(),
        s.execute(select(LearnerTotals.id, LearnerTotals.xp, LearnerTotals.reached_at)).all(),
        s.execute(select(BadgeAward.id, BadgeAward.issued_on)).all(),
        s.execute(select(Notification.id, Notification.kind, Notification.created_at)).all(),
    )


def badge_rows(learner) -> list[tuple]:
    return (
        session()
        .execute(
            select(XpEvent.points, XpEvent.occurred_at).where(
                XpEvent.learner_id == learner.id, XpEvent.reason == "badge"
            )
        )
        .all()
    )


def test_rebuild_issues_history_badges_when_met_with_their_xp_in_that_week(cli, ctx):
    ana = make_learner()
    seo, ads, crm = make_module("seo"), make_module("ads"), make_module("crm")
    make_completion(ana, seo, at(2026, 3, 2, 10))
    make_completion(ana, ads, at(2026, 3, 4, 10))  # the second module: met here
    make_completion(ana, seo, at(2026, 3, 4, 11))  # a repeat counts once
    make_completion(ana, crm, at(2026, 3, 20, 10))
    badge = make_badge("two-modules", {"kind": "modules_completed", "min": 2}, xp=25)
    ctx.session.commit()
    rebuild(cli)
    met = at(2026, 3, 4, 10)
    award = session().scalar(select(BadgeAward).where(BadgeAward.badge_id == badge.id))
    assert (award.learner_id, award.issued_on, award.evidence["count"]) == (ana.id, met, 2)
    note = session().scalar(select(Notification).where(Notification.kind == "badge_earned"))
    assert note.created_at == met
    assert badge_rows(ana) == [(25, met)]
    # 2 March 40, 4 March 40 + 0 + 25 (no bonus: 3 March was idle), 20 March 40.
    assert totals(ana) == {
        ("all", "all"): 145,
        ("week", "2026-W10"): 105,
        ("week", "2026-W12"): 40,
        ("month", "2026-03"): 145,
    }
    before = snapshot()
    assert rebuild(cli) == "XP is up to date: nothing changed (145 XP in the ledger).\n"
    assert snapshot() == before


def test_badge_xp_met_before_the_daily_cap_is_replayed_in_event_order(cli, ctx):
    ana = make_learner()
    modules = [make_module(f"m{i}", duration=60) for i in range(9)]
    make_completion(ana, modules[0], at(2026, 4, 1, 8))
    make_completion(ana, modules[1], at(2026, 4, 1, 8, 1))
    for minute, module in enumerate(modules[2:]):
        make_completion(ana, module, at(2026, 4, 1, 9, minute))
    make_badge("two-modules", {"kind": "modules_completed", "min": 2}, xp=100)
    ctx.session.commit()
    rebuild(cli)
    # In event order the badge's 100 XP fits (60 + 100 + 60 + 4 x 60 = 460); the cap
    # cuts the completions after it: 40, then 0, 0.
    assert badge_rows(ana) == [(100, at(2026, 4, 1, 8, 1))]
    points = session().scalars(
        select(XpEvent.points)
        .where(XpEvent.learner_id == ana.id, XpEvent.reason == "module_completed")
        .order_by(XpEvent.occurred_at)
    )
    assert list(points) == [60, 60, 60, 60, 60, 60, 40, 0, 0]
    assert totals(ana)[("all", "all")] == 500
    before = snapshot()
    assert "nothing changed" in rebuild(cli)
    assert snapshot() == before


def test_an_imported_history_earns_its_badges_when_it_met_them(ctx):
    ana = make_learner()
    seo, ads, crm = make_module("seo"), make_module("ads"), make_module("crm")
    badge = make_badge("two-modules", {"kind": "modules_completed", "min": 2}, xp=25)
    learning.record_completions(
        [
            dict(learner_id=ana.id, module_id=m.id, completed_at=moment, score=None)
            for m, moment in (
                (crm, at(2026, 3, 20, 10)),
                (seo, at(2026, 3, 2, 10)),
                (ads, at(2026, 3, 4, 10)),
            )
        ]
    )
    award = session().scalar(select(BadgeAward).where(BadgeAward.badge_id == badge.id))
    assert award.issued_on == at(2026, 3, 4, 10)
    assert badge_rows(ana) == [(25, at(2026, 3, 4, 10))]
    assert totals(ana)[("week", "2026-W10")] == 40 + 40 + 25


# --- when each kind of criterion was first met --------------------------------------------


def first(criterion: dict, *learners, until=datetime(2026, 11, 1, tzinfo=UTC)):
    ids = [learner.id for learner in learners]
    return history.first_met(criterion, ids, criteria.goal(criterion), until)


def test_modules_first_met_skips_repeats_and_guarded_completions(ctx):
    ana, bob = make_learner("ana"), make_learner("bob")
    seo, ads, crm = make_module("seo"), make_module("ads"), make_module("crm")
    make_completion(ana, seo, at(2026, 3, 2, 10))
    make_completion(ana, seo, at(2026, 3, 3, 10))
    rushed = make_completion(ana, ads, at(2026, 3, 4, 10))
    engine.award(
        ana.id, 0, "module_completed", completion_key(ana.id, ads.id, rushed.completed_at),
        rushed.completed_at, flagged=True,
    )  # fmt: skip
    make_completion(ana, crm, at(2026, 3, 5, 10))
    make_completion(bob, seo, at(2026, 3, 2, 10))
    criterion = {"kind": "modules_completed", "min": 2}
    moment = at(2026, 3, 5, 10)
    assert first(criterion, ana, bob) == {ana.id: moment}
    # The moment is the one from which the live count reaches the goal.
    assert criteria.counts(criterion, [ana.id], moment) == {ana.id: 2}
    assert criteria.counts(criterion, [ana.id], moment - timedelta(microseconds=1)) == {ana.id: 1}
    assert first(criterion, ana, until=moment - timedelta(seconds=1)) == {}


def test_method_and_path_first_met(ctx):
    ana = make_learner()
    micro = [make_module(f"micro-{i}", method="micro_learning") for i in range(2)]
    online = make_module("online")
    make_program("growth", modules=(micro[0], online))
    make_completion(ana, micro[0], at(2026, 3, 2, 10))
    make_completion(ana, online, at(2026, 3, 3, 10))
    make_completion(ana, micro[1], at(2026, 3, 9, 10))
    method = {"kind": "method_completed", "method": "micro_learning", "min": 2}
    assert first(method, ana) == {ana.id: at(2026, 3, 9, 10)}
    path = {"kind": "program_completed", "program": "growth"}
    assert first(path, ana) == {ana.id: at(2026, 3, 3, 10)}


def test_perfect_quizzes_first_met(ctx):
    ana = make_learner()
    make_attempt(ana, "q1", 100, at(2026, 3, 2, 10))
    make_attempt(ana, "q1", 100, at(2026, 3, 3, 10))  # the same quiz again
    make_attempt(ana, "q2", 90, at(2026, 3, 3, 11))
    make_attempt(ana, "q2", 100, at(2026, 3, 6, 10))
    assert first({"kind": "perfect_quizzes", "min": 2}, ana) == {ana.id: at(2026, 3, 6, 10)}


def test_streak_first_met_on_the_first_action_of_the_day_that_made_the_run(ctx):
    ana = make_learner()

    def act(key, moment, flagged=False):
        engine.award(ana.id, 0, "review", key, moment, flagged=flagged)

    act("r1", at(2026, 4, 1, 10))
    act("r2", at(2026, 4, 2, 10))
    act("r3", at(2026, 4, 3, 10), flagged=True)  # refused: 3 April is not active
    act("r4", at(2026, 4, 4, 10))
    act("r5", at(2026, 4, 5, 10))
    act("r6", at(2026, 4, 6, 9))
    act("r7", at(2026, 4, 6, 8))  # recorded later, earlier that day
    assert first({"kind": "streak", "min": 3}, ana) == {ana.id: at(2026, 4, 6, 8)}
    assert first({"kind": "streak", "min": 4}, ana) == {}


def test_tutor_sessions_first_met_when_the_session_counts_for_the_learner(ctx):
    tia = make_person("tia@example.com", name="tia", roles=("tutor", "learner"))
    max_ = make_person("max@example.com", name="max")
    tia.timezone, max_.timezone = "Europe/Paris", "Asia/Tokyo"
    pair = make_pair(tia, max_)
    make_session(pair, date(2026, 3, 2))
    make_session(pair, date(2026, 3, 9))
    criterion = {"kind": "tutor_sessions", "min": 2}
    noon_tokyo = datetime(2026, 3, 9, 3, tzinfo=UTC)
    assert first(criterion, tia, max_) == {tia.id: at(2026, 3, 9, 12), max_.id: noon_tokyo}


def test_challenge_won_first_met(ctx):
    team = make_team("content")
    ana = make_learner()
    cyd = make_person("cyd@example.com", name="cyd", team=team)
    make_challenge_win("march-sprint", learner=ana)
    make_challenge_win("team-cup", team=team, won_at=AT - timedelta(days=2))
    make_challenge_win("later-cup", team=team, won_at=AT + timedelta(days=2))
    assert first({"kind": "challenge_won"}, ana, cyd) == {
        ana.id: AT,
        cyd.id: AT - timedelta(days=2),
    }


def test_kpi_objective_first_met_on_the_first_period_that_meets_it(ctx):
    team = make_team("sales")
    ana = make_person("ana@example.com", name="ana", team=team)
    bob = make_person("bob@example.com", name="bob", team=team)
    leads = make_kpi("qualified_leads")
    program = make_program("sales-academy")
    session().add(
        Objective(
            program_id=program.id,
            kpi_id=leads.id,
            cohort_team_id=team.id,
            baseline=20,
            target_kind="percent",
            target_value=50,  # 30 leads
            deadline=date(2026, 6, 30),
        )
    )
    # Means: February 25, March 31 (met), April 29 (no longer, but it was met).
    for person, feb, mar, apr in ((ana, 20, 34, 28), (bob, 30, 28, 30)):
        make_kpi_value(person, leads, date(2026, 2, 1), feb)
        make_kpi_value(person, leads, date(2026, 3, 1), mar)
        make_kpi_value(person, leads, date(2026, 4, 1), apr)
    criterion = {"kind": "kpi_objective_met", "kpi": "qualified_leads"}
    march = at(2026, 3, 1, 0)
    assert first(criterion, ana, bob) == {ana.id: march, bob.id: march}
    assert criteria.counts(criterion, [ana.id], march) == {ana.id: 1}
    assert criteria.counts(criterion, [ana.id], march - timedelta(microseconds=1)) == {}
