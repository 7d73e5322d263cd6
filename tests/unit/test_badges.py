"""Badges: known answers for each criterion kind, awarded exactly once, revocation, rebuild."""

from __future__ import annotations

import sys
import threading
import types
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from badge_factories import AT, make_attempt, make_badge, make_challenge_win, make_streak
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
from lms_roi import signals
from lms_roi.db import Base, session
from lms_roi.errors import DomainError
from lms_roi.gamification import badges, criteria
from lms_roi.models import BadgeAward, Notification, Objective

BEFORE = AT - timedelta(days=1)


def _winners(badge, learners, at=AT, **options) -> set[str]:
    awarded = badges.evaluate([p.id for p in learners], at, **options)
    names = {p.id: p.display_name for p in learners}
    return {names[a.learner_id] for a in awarded if a.badge_id == badge.id}


def test_modules_completed_counts_distinct_modules_up_to_the_moment(ctx):
    ana, bob, cyd = (make_person(f"{n}@example.com", name=n) for n in ("ana", "bob", "cyd"))
    m1, m2, m3 = (make_module(s) for s in ("m-one", "m-two", "m-three"))
    for module in (m1, m2, m3):
        make_completion(ana, module, BEFORE)
    for day in range(3):  # one module three times counts once
        make_completion(bob, m1, BEFORE - timedelta(days=day))
    make_completion(cyd, m1, BEFORE)
    make_completion(cyd, m2, BEFORE)
    make_completion(cyd, m3, AT + timedelta(hours=1))  # after the moment evaluated
    badge = make_badge("three-modules", {"kind": "modules_completed", "min": 3})
    assert _winners(badge, [ana, bob, cyd]) == {"ana"}
    counted = criteria.counts(badge.criteria, [ana.id, bob.id, cyd.id], AT)
    assert counted == {ana.id: 3, bob.id: 1, cyd.id: 2}


def test_method_completed_counts_only_that_method(ctx):
    ana, bob = (
        make_person("ana@example.com", name="ana"),
        make_person("bob@example.com", name="bob"),
    )
    micro = [make_module(f"micro-{i}", method="micro_learning") for i in range(2)]
    online = [make_module(f"online-{i}", method="online") for i in range(2)]
    for module in (*micro, online[0]):
        make_completion(ana, module, BEFORE)
    for module in (micro[0], *online):
        make_completion(bob, module, BEFORE)
    badge = make_badge(
        "micro-two", {"kind": "method_completed", "method": "micro_learning", "min": 2}
    )
    assert _winners(badge, [ana, bob]) == {"ana"}


def test_perfect_quizzes_counts_distinct_quizzes_scored_100(ctx):
    ana, bob = (
        make_person("ana@example.com", name="ana"),
        make_person("bob@example.com", name="bob"),
    )
    make_attempt(ana, "q1", 100, BEFORE)
    make_attempt(ana, "q1", 100, BEFORE + timedelta(hours=1))  # same quiz again
    make_attempt(ana, "q2", 90, BEFORE)
    make_attempt(bob, "q1", 100, BEFORE)
    make_attempt(bob, "q2", 100, BEFORE)
    badge = make_badge("perfect-two", {"kind": "perfect_quizzes", "min": 2})
    assert criteria.counts(badge.criteria, [ana.id, bob.id], AT) == {ana.id: 1, bob.id: 2}
    assert _winners(badge, [ana, bob]) == {"bob"}


def test_streak_uses_the_longest_streak_reached(ctx):
    ana, bob = (
        make_person("ana@example.com", name="ana"),
        make_person("bob@example.com", name="bob"),
    )
    make_streak(ana, current=2, longest=7)  # broken since, but reached 7
    make_streak(bob, current=6, longest=6)
    badge = make_badge("week-streak", {"kind": "streak", "min": 7})
    assert _winners(badge, [ana, bob]) == {"ana"}


def test_program_completed_needs_every_module_of_the_path(ctx):
    ana, bob = (
        make_person("ana@example.com", name="ana"),
        make_person("bob@example.com", name="bob"),
    )
    first, second, other = make_module("p-1"), make_module("p-2"), make_module("elsewhere")
    make_program("growth", modules=(first, second))
    make_completion(ana, first, BEFORE)
    make_completion(ana, second, BEFORE)
    make_completion(bob, first, BEFORE)
    make_completion(bob, other, BEFORE)
    badge = make_badge("graduate", {"kind": "program_completed", "program": "growth"})
    assert criteria.goal(badge.criteria) == 2
    assert _winners(badge, [ana, bob]) == {"ana"}
    [bob_status] = [s for s in badges.learner_badges(bob, AT) if s.badge.id == badge.id]
    assert (bob_status.count, bob_status.goal, bob_status.countable) == (1, 2, True)


def test_tutor_sessions_count_for_tutor_and_mentee_up_to_the_day(ctx):
    tia = make_person("tia@example.com", name="tia", roles=("tutor", "learner"))
    max_, ned = (
        make_person("max@example.com", name="max"),
        make_person("ned@example.com", name="ned"),
    )
    with_max, with_ned = make_pair(tia, max_), make_pair(tia, ned)
    make_session(with_max, date(2026, 3, 2))
    make_session(with_max, date(2026, 3, 9))
    make_session(with_max, date(2026, 3, 20))  # after the moment evaluated
    make_session(with_ned, date(2026, 3, 3))
    badge = make_badge("coached", {"kind": "tutor_sessions", "min": 2})
    counted = criteria.counts(badge.criteria, [tia.id, max_.id, ned.id], AT)
    assert counted == {tia.id: 3, max_.id: 2, ned.id: 1}
    assert _winners(badge, [tia, max_, ned]) == {"tia", "max"}


def test_kpi_objective_met_rewards_the_cohort_and_only_in_slow_evaluations(ctx):
    team = make_team("sales")
    ana = make_person("ana@example.com", name="ana", team=team)
    bob = make_person("bob@example.com", name="bob", team=team)
    out = make_person("out@example.com", name="out")
    leads = make_kpi("qualified_leads")
    program = make_program("sales-academy")
    session().add(
        Objective(
            program_id=program.id,
            kpi_id=leads.id,
            cohort_team_id=team.id,
            baseline=20,
            target_kind="percent",
            target_value=50,  # 20 * 1.5 = 30 leads
            deadline=date(2026, 6, 30),
        )
    )
    # February's mean is 25 (not met), March's 31 (met): the latest period counts.
    for person, feb, mar in ((ana, 20, 34), (bob, 30, 28), (out, 100, 100)):
        make_kpi_value(person, leads, date(2026, 2, 1), feb)
        make_kpi_value(person, leads, date(2026, 3, 1), mar)
    badge = make_badge("target-hit", {"kind": "kpi_objective_met", "kpi": "qualified_leads"})
    assert _winners(badge, [ana, bob, out]) == set()  # not after each learning event
    assert (
        _winners(badge, [ana, bob, out], at=datetime(2026, 2, 20, tzinfo=UTC), slow=True) == set()
    )
    assert _winners(badge, [ana, bob, out], slow=True) == {"ana", "bob"}


def test_challenge_won_by_the_learner_or_their_team(ctx):
    team = make_team("content")
    ana, bob = (
        make_person("ana@example.com", name="ana"),
        make_person("bob@example.com", name="bob"),
    )
    cyd = make_person("cyd@example.com", name="cyd", team=team)
    make_challenge_win("march-sprint", learner=ana)
    make_challenge_win("team-cup", team=team)
    make_challenge_win("lost-one", learner=bob, won_at=None)
    any_win = make_badge("winner", {"kind": "challenge_won"})
    cup = make_badge("cup", {"kind": "challenge_won", "challenge": "team-cup"})
    assert _winners(any_win, [ana, bob, cyd]) == {"ana", "cyd"}
    assert {
        a.learner_id
        for a in session().scalars(select(BadgeAward).where(BadgeAward.badge_id == cup.id))
    } == {cyd.id}


def test_an_award_happens_once_with_a_notification_a_signal_and_xp(ctx, monkeypatch):
    ana = make_person("ana@example.com", name="ana")
    make_completion(ana, make_module("m-one"), BEFORE)
    badge = make_badge("first", {"kind": "modules_completed", "min": 1}, xp=15)
    calls, received = [], []
    fake = types.SimpleNamespace(award=lambda *args, **kw: calls.append(args))
    import lms_roi.gamification as package

    monkeypatch.setitem(sys.modules, "lms_roi.gamification.engine", fake)
    monkeypatch.setattr(package, "engine", fake, raising=False)

    def listener(sender, **kw):
        received.append((kw["learner_id"], kw["badge"].slug))

    with signals.badge_earned.connected_to(listener):
        [award] = badges.evaluate([ana.id], AT)
        assert badges.evaluate([ana.id], AT + timedelta(days=1)) == []
    assert award.issued_on == AT and award.evidence == {"kind": "modules_completed", "count": 1}
    assert received == [(ana.id, "first")]
    assert calls == [(ana.id, 15, "badge", f"badge:{badge.id}:{ana.id}", AT)]
    notes = session().execute(select(Notification.kind, Notification.payload)).all()
    assert notes == [("badge_earned", {"badge": "first"})]


def test_a_lost_race_is_dropped_quietly_and_the_session_goes_on(ctx):
    ana = make_person("ana@example.com", name="ana")
    badge = make_badge("first")
    assert badges.award_badge(ana.id, badge, AT) is not None
    # A second insert meets the unique pair: no exception, nothing added.
    assert badges.award_badge(ana.id, badge, AT) is None
    assert session().scalar(select(func.count(BadgeAward.id))) == 1
    assert session().scalar(select(func.count(Notification.id))) == 1


def test_revocation_needs_a_reason_and_is_not_undone_by_evaluation(ctx):
    ana = make_person("ana@example.com", name="ana")
    make_completion(ana, make_module("m-one"), BEFORE)
    make_badge("first")
    [award] = badges.evaluate([ana.id], AT)
    with pytest.raises(DomainError) as refused:
        badges.revoke(award, "   ", actor=None)
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    badges.revoke(award, "Completed on a colleague's account", actor=None)
    assert award.revoked and award.revoked_at is not None
    assert badges.evaluate([ana.id], AT) == [] and badges.rebuild() == []
    with pytest.raises(DomainError, match="already revoked"):
        badges.revoke(award, "again", actor=None)


def test_rebuild_keeps_awards_and_inactive_badges_are_not_awarded(ctx):
    ana, bob = (
        make_person("ana@example.com", name="ana"),
        make_person("bob@example.com", name="bob"),
    )
    module = make_module("m-one")
    make_completion(ana, module, BEFORE)
    first = make_badge("first")
    make_badge("hidden", active=False)
    [kept] = badges.evaluate([ana.id], AT)
    make_completion(bob, module, AT)
    rebuilt = badges.rebuild(AT + timedelta(days=1))
    assert [(a.learner_id, a.badge_id) for a in rebuilt] == [(bob.id, first.id)]
    assert session().get(BadgeAward, kept.id).issued_on == AT
    assert badges.rebuild(AT + timedelta(days=2)) == []


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"kind": "nonsense"}, "kind"),
        ({"kind": "modules_completed"}, "min"),
        ({"kind": "modules_completed", "min": 0}, "min"),
        ({"kind": "streak", "min": True}, "min"),
        ({"kind": "method_completed", "min": 2, "method": "webinar"}, "method"),
        ({"kind": "program_completed", "program": "nowhere"}, "program"),
        ({"kind": "kpi_objective_met", "kpi": ""}, "kpi"),
        ({"kind": "challenge_won", "challenge": "nope"}, "challenge"),
    ],
)
def test_criteria_are_checked_field_by_field(ctx, raw, field):
    with pytest.raises(criteria.CriteriaInvalid) as refused:
        criteria.validate(raw)
    assert refused.value.field == field


def test_criteria_keep_only_their_kind_parameters_and_read_as_sentences(ctx):
    make_program("growth")
    raw = {"kind": "method_completed", "method": "micro_learning", "min": 3, "program": "growth"}
    stored = criteria.validate(raw)
    assert stored == {"kind": "method_completed", "method": "micro_learning", "min": 3}
    assert criteria.sentence(stored) == (
        "Complete 3 different modules of the method “micro-learning”."
    )
    assert criteria.sentence({"kind": "modules_completed", "min": 1}) == "Complete 1 module."
    assert criteria.sentence({"kind": "streak", "min": 7}) == "Learn 7 days in a row."
    assert criteria.validate({"kind": "program_completed", "program": "growth", "min": 9}) == {
        "kind": "program_completed",
        "program": "growth",
    }
    assert criteria.sentence({"kind": "program_completed", "program": "growth"}) == (
        "Complete every module of the path “Growth”."
    )


# -- concurrency: 50 simultaneous triggers, one award --------------------------------------


def test_fifty_simultaneous_triggers_award_the_badge_once(fresh_database_url, app_factory):
    app = app_factory(fresh_database_url)
    with app.app_context():
        db = app.extensions["lms_roi"].db
        Base.metadata.create_all(db.engine)
        learner = make_person("ana@example.com", name="ana")
        modules = [make_module(f"m-{i}") for i in range(50)]
        badge = make_badge("first")
        db.session.commit()
        learner_id, badge_id = learner.id, badge.id
        module_ids = [m.id for m in modules]
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []
    results: list[int] = []

    def trigger(index: int) -> None:
        from lms_roi.models import Completion

        try:
            with app.app_context():
                db_session = app.extensions["lms_roi"].db.session
                barrier.wait()
                # The event that triggers the evaluation, in the same transaction.
                db_session.add(
                    Completion(
                        learner_id=learner_id,
                        module_id=module_ids[index],
                        completed_at=AT - timedelta(minutes=index),
                    )
                )
                db_session.flush()
                results.append(len(badges.evaluate([learner_id], AT)))
                db_session.commit()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=trigger, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0] * 49 + [1]
    with app.app_context():
        db = app.extensions["lms_roi"].db
        awards = db.session.scalars(select(BadgeAward).where(BadgeAward.badge_id == badge_id)).all()
        assert len(awards) == 1
        assert db.session.scalar(select(func.count(Notification.id))) == 1


def test_a_completion_through_the_engine_awards_the_badge_and_its_xp(ctx):
    from lms_roi.gamification import engine
    from lms_roi.models import XpEvent

    ana = make_person("ana@example.com", name="ana")
    badge = make_badge("first", xp=15)
    completion = make_completion(ana, make_module("m-one", duration=20), BEFORE)
    engine.on_completion(completion, live=False)
    [award] = session().scalars(select(BadgeAward)).all()
    assert (award.learner_id, award.badge_id, award.issued_on) == (ana.id, badge.id, BEFORE)
    rows = (
        session()
        .execute(
            select(XpEvent.reason, XpEvent.points, XpEvent.idempotency_key).order_by(XpEvent.id)
        )
        .all()
    )
    assert ("badge", 15, f"badge:{badge.id}:{ana.id}") in rows
    assert ("module_completed", 30) in [row[:2] for row in rows]
