"""XP rules of DESIGN §6, known answers written by hand from the default numbers.

Module: min(10 + duration, 60) for the first completion, 0 for repeats. Quiz: first
passing attempt 20, +10 on attempt 1, +10 at 100 %. Tutoring 15 + 15. Streak bonus 5.
Daily cap 500. Levels at 120, 276, 479, 743 XP. Live actions that are too fast earn 0.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from factories import make_module, make_pair, make_session
from lms_roi import signals
from lms_roi.gamification import engine
from lms_roi.gamification.levels import level_for, threshold
from lms_roi.models import LearnerTotals, XpEvent
from lms_roi.services import learning, review
from lms_roi.services.quizzes import start_attempt, submit_attempt
from quiz_factories import make_quiz, right_answers, wrong_answers
from xp_factories import (
    at,
    ledger,
    level_notifications,
    make_learner,
    streak_of,
    total_xp,
    totals,
)


def complete(learner, module, moment, source="import"):
    return learning.record_completion(learner, module, source=source, completed_at=moment)


# --- modules --------------------------------------------------------------------------


@pytest.mark.parametrize(("duration", "xp"), [(5, 15), (30, 40), (50, 60), (90, 60)])
def test_a_first_completion_earns_ten_plus_its_minutes_up_to_sixty(ctx, duration, xp):
    ana = make_learner()
    complete(ana, make_module(duration=duration), at(2026, 4, 1, 10))
    assert ledger(ana) == [("module_completed", xp)]
    assert total_xp(ana) == xp


def test_repeats_of_a_module_earn_nothing_but_are_written(ctx):
    ana = make_learner()
    module = make_module(duration=30)
    complete(ana, module, at(2026, 4, 1, 10))
    complete(ana, module, at(2026, 4, 1, 11))
    module.current_version = 2  # any version: still a repeat
    complete(ana, module, at(2026, 4, 1, 12), source="web")
    assert ledger(ana) == [
        ("module_completed", 40),
        ("module_repeat", 0),
        ("module_repeat", 0),
    ]


def test_a_resent_completion_changes_nothing(ctx):
    ana = make_learner()
    module = make_module()
    first = complete(ana, module, at(2026, 4, 1, 10)).completion
    assert engine.on_completion(first, live=False) is None
    assert ledger(ana) == [("module_completed", 40)]
    assert total_xp(ana) == 40


# --- quizzes --------------------------------------------------------------------------


def take(learner, quiz, answers, started, seconds=60):
    attempt = start_attempt(learner, quiz, started)
    return submit_attempt(attempt, answers, started + timedelta(seconds=seconds))


def test_a_perfect_pass_on_the_first_try_earns_forty(ctx):
    ana = make_learner()
    quiz = make_quiz()
    take(ana, quiz, right_answers(quiz), at(2026, 4, 1, 9))
    assert ledger(ana) == [("quiz_passed", 20 + 10 + 10)]


def test_a_later_pass_below_100_earns_twenty_and_other_attempts_nothing(ctx):
    ana = make_learner()
    quiz = make_quiz(pass_mark=60)
    single, true_false, _multiple = quiz.questions
    two_of_three = {
        single.id: right_answers(quiz)[single.id],
        true_false.id: right_answers(quiz)[true_false.id],
    }
    take(ana, quiz, wrong_answers(quiz), at(2026, 4, 1, 9))
    take(ana, quiz, two_of_three, at(2026, 4, 1, 10))  # 66.7 %: passes on attempt 2
    take(ana, quiz, right_answers(quiz), at(2026, 4, 1, 11))  # passed already
    assert ledger(ana) == [("quiz_attempt", 0), ("quiz_passed", 20), ("quiz_attempt", 0)]


# --- tutoring and reviews ----------------------------------------------------------


def test_a_tutoring_session_earns_fifteen_to_tutor_and_mentee_once(ctx):
    tutor, mentee = make_learner("tom"), make_learner("mia")
    tutoring = make_session(make_pair(tutor, mentee), date(2026, 4, 2))
    assert len(engine.on_tutoring_session(tutoring)) == 2
    assert engine.on_tutoring_session(tutoring) == []
    assert ledger(tutor) == ledger(mentee) == [("tutoring_session", 15)]
    keys = set(ctx.session.scalars(select(XpEvent.idempotency_key)))
    assert keys == {f"tutoring:{tutoring.id}:{tutor.id}", f"tutoring:{tutoring.id}:{mentee.id}"}
    # Dated sessions count on their day where each learner is.
    days = set(ctx.session.scalars(select(XpEvent.local_day)))
    assert days == {date(2026, 4, 2)}


def test_a_review_answer_is_a_learning_action_worth_nothing(ctx):
    ana = make_learner()
    quiz = make_quiz()
    question = quiz.questions[0]
    review.enqueue(ana.id, [question.id], at(2026, 4, 1, 9))
    item = review.due_items(ana, at(2026, 4, 2, 9))[0]
    review.answer(item, right_answers(quiz)[question.id], at(2026, 4, 2, 9))
    assert ledger(ana) == [("review", 0)]
    assert streak_of(ana) == (1, 1, date(2026, 4, 2))


# --- streak bonus -------------------------------------------------------------------


def test_the_streak_bonus_comes_with_the_first_action_after_an_active_day(ctx):
    ana = make_learner()
    quiz = make_quiz()
    complete(ana, make_module(duration=30), at(2026, 4, 1, 18))
    take(ana, quiz, wrong_answers(quiz), at(2026, 4, 2, 8))
    take(ana, quiz, right_answers(quiz), at(2026, 4, 2, 9))  # same day: no second bonus
    complete(ana, make_module("ads", duration=20), at(2026, 4, 3, 7))
    complete(ana, make_module("crm", duration=10), at(2026, 4, 5, 7))  # after a gap: none
    assert ledger(ana) == [
        ("module_completed", 40),
        ("quiz_attempt", 0),
        ("streak_bonus", 5),
        ("quiz_passed", 30),  # passed on attempt 2, at 100 %
        ("module_completed", 30),
        ("streak_bonus", 5),
        ("module_completed", 20),
    ]
    # A 3-day streak has earned 10.
    assert sum(points for reason, points in ledger(ana) if reason == "streak_bonus") == 10
    assert streak_of(ana) == (1, 3, date(2026, 4, 5))


def test_badge_xp_is_no_learning_action(ctx):
    ana = make_learner()
    engine.award(ana.id, 5, "badge", "badge:1:1", at(2026, 4, 1))
    engine.award(ana.id, 20, "quiz_passed", "attempt:1", at(2026, 4, 2))
    assert ledger(ana) == [("badge", 5), ("quiz_passed", 20)]
    assert streak_of(ana) == (1, 1, date(2026, 4, 2))


# --- daily cap ------------------------------------------------------------------------


def test_the_daily_cap_cuts_the_award_that_crosses_it_then_gives_nothing(ctx):
    ana = make_learner()
    engine.award(ana.id, 490, "challenge", "c:1", at(2026, 4, 1, 9))
    crossing = engine.award(ana.id, 20, "quiz_passed", "attempt:1", at(2026, 4, 1, 10))
    after = engine.award(ana.id, 20, "quiz_passed", "attempt:2", at(2026, 4, 1, 23, 59))
    assert (crossing.points, crossing.details["capped_from"]) == (10, 20)
    assert after.points == 0
    assert total_xp(ana) == 500
    # The cap is per local day: just after midnight in Paris the day is new.
    engine.award(ana.id, 20, "quiz_passed", "attempt:3", at(2026, 4, 2, 0, 1))
    assert ledger(ana)[-2:] == [("quiz_passed", 20), ("streak_bonus", 5)]
    assert total_xp(ana) == 525


def test_a_replayed_key_changes_nothing(ctx):
    ana = make_learner()
    assert engine.award(ana.id, 20, "quiz_passed", "attempt:9", at(2026, 4, 1)).points == 20
    assert engine.award(ana.id, 20, "quiz_passed", "attempt:9", at(2026, 4, 1)) is None
    assert ledger(ana) == [("quiz_passed", 20)]
    assert totals(ana) == {("all", "all"): 20, ("week", "2026-W14"): 20, ("month", "2026-04"): 20}


def test_totals_use_the_organisation_calendar_and_remember_when_reached(ctx):
    ana = make_learner(timezone="America/New_York")
    # Sunday 1 March 2026, 00:30 in Paris (the organisation) is still February in UTC
    # and 28 February in New York (the learner's day).
    moment = at(2026, 3, 1, 0, 30)
    event = engine.award(ana.id, 20, "quiz_passed", "attempt:1", moment)
    assert event.local_day == date(2026, 2, 28)
    assert totals(ana) == {("all", "all"): 20, ("week", "2026-W09"): 20, ("month", "2026-03"): 20}
    engine.award(ana.id, 0, "review", "review:1", moment + timedelta(hours=1))
    reached = set(ctx.session.scalars(select(LearnerTotals.reached_at)))
    assert reached == {moment}  # a 0-point action does not move it


# --- levels ---------------------------------------------------------------------------


def test_level_thresholds_follow_the_curve():
    assert [threshold(n) for n in range(1, 6)] == [0, 120, 276, 479, 743]
    assert [level_for(xp).level for xp in (0, 119, 120, 275, 276, 478, 479, 742, 743)] == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
    ]
    assert level_for(198).progress == pytest.approx(78 / 156)


def test_crossing_a_threshold_notifies_and_signals_each_level(ctx):
    ana, bob = make_learner("ana"), make_learner("bob")
    levels, awarded = [], []

    def on_level(_app, learner, level):
        levels.append((learner.external_id, level))

    def on_xp(_app, learner, event, points, reason):
        awarded.append((learner.external_id, points, reason, event.points))

    with signals.level_up.connected_to(on_level), signals.xp_awarded.connected_to(on_xp):
        engine.award(ana.id, 100, "challenge", "c:1", at(2026, 4, 1, 9))
        engine.award(ana.id, 0, "review", "r:1", at(2026, 4, 1, 10))
        engine.award(ana.id, 30, "challenge", "c:2", at(2026, 4, 1, 11))
        engine.award(bob.id, 500, "challenge", "c:3", at(2026, 4, 1, 9))
    assert level_notifications(ana) == [2]
    assert level_notifications(bob) == [2, 3, 4]
    assert levels == [("ana", 2), ("bob", 2), ("bob", 3), ("bob", 4)]
    assert awarded == [
        ("ana", 100, "challenge", 100),
        ("ana", 30, "challenge", 30),
        ("bob", 500, "challenge", 500),
    ]


# --- anti-gaming guard ----------------------------------------------------------------


def test_a_live_module_completed_in_under_half_its_duration_is_flagged(ctx):
    ana, bob = make_learner("ana"), make_learner("bob")
    module = make_module(duration=30)
    started = at(2026, 4, 1, 9)
    learning.start_module(ana, module, started)
    learning.start_module(bob, module, started)
    fast = learning.record_completion(
        ana, module, source="web", completed_at=started + timedelta(minutes=14)
    )
    learning.record_completion(
        bob, module, source="api", completed_at=started + timedelta(minutes=15)
    )
    flagged = ctx.session.scalar(
        select(XpEvent).where(XpEvent.idempotency_key.like(f"completion:{ana.id}:%"))
    )
    assert fast.created and (flagged.points, flagged.flagged) == (0, True)
    assert ledger(bob) == [("module_completed", 40)]


def test_imported_history_is_not_guarded(ctx):
    ana = make_learner()
    module = make_module(duration=30)
    learning.start_module(ana, module, at(2026, 4, 1, 9))
    complete(ana, module, at(2026, 4, 1, 9, 1), source="import")
    assert ledger(ana) == [("module_completed", 40)]


@pytest.mark.parametrize(("seconds", "flagged", "xp"), [(5, True, 0), (6, False, 40)])
def test_an_attempt_faster_than_two_seconds_a_question_is_flagged(ctx, seconds, flagged, xp):
    ana = make_learner()
    quiz = make_quiz()  # 3 questions: at least 6 s
    take(ana, quiz, right_answers(quiz), at(2026, 4, 1, 9), seconds=seconds)
    event = ctx.session.scalar(select(XpEvent).where(XpEvent.learner_id == ana.id))
    assert (event.flagged, event.points, event.reason) == (flagged, xp, "quiz_passed")


def test_an_api_import_of_attempts_is_not_guarded(ctx):
    ana = make_learner()
    quiz = make_quiz()
    attempt = take(ana, quiz, right_answers(quiz), at(2026, 4, 1, 9), seconds=1)
    ctx.session.execute(XpEvent.__table__.delete())
    assert engine.on_attempt(attempt, live=False).points == 40


# --- imports: the batch path ------------------------------------------------------------


def test_an_import_batch_applies_the_same_rules(ctx):
    ana, bob = make_learner("ana"), make_learner("bob", timezone="Asia/Tokyo")
    seo, ads = make_module("seo", duration=30), make_module("ads", duration=60)
    complete(ana, seo, at(2026, 4, 1, 8))  # live path first: seo's first completion
    rows = [
        dict(learner_id=ana.id, module_id=seo.id, completed_at=at(2026, 4, 2, 10), score=None),
        dict(learner_id=ana.id, module_id=ads.id, completed_at=at(2026, 4, 2, 11), score=None),
        dict(learner_id=ana.id, module_id=ads.id, completed_at=at(2026, 4, 2, 9), score=None),
        # 20:00 in Paris is 03:00 the next day in Tokyo.
        dict(learner_id=bob.id, module_id=seo.id, completed_at=at(2026, 4, 1, 20), score=None),
        dict(learner_id=bob.id, module_id=ads.id, completed_at=at(2026, 4, 2, 12), score=None),
    ]
    learning.record_completions(rows)
    assert ledger(ana) == [
        ("module_completed", 40),
        ("module_completed", 60),  # ads at 09:00, its earliest
        ("streak_bonus", 5),
        ("module_repeat", 0),  # seo at 10:00
        ("module_repeat", 0),  # ads at 11:00
    ]
    assert totals(ana)[("all", "all")] == 105
    assert streak_of(ana) == (2, 2, date(2026, 4, 2))
    # Bob's two completions fall on the same Tokyo day (2 April): no bonus.
    assert ledger(bob) == [("module_completed", 40), ("module_completed", 60)]
    assert streak_of(bob) == (1, 1, date(2026, 4, 2))
    assert level_notifications(ana) == [] and total_xp(bob) == 100


def test_an_import_batch_caps_each_day_and_notifies_levels(ctx):
    ana = make_learner()
    modules = [make_module(f"m{i}", duration=60) for i in range(10)]
    learning.record_completions(
        [
            dict(learner_id=ana.id, module_id=m.id, completed_at=at(2026, 4, 1, 8, i), score=None)
            for i, m in enumerate(modules)
        ]
    )
    assert [points for _reason, points in ledger(ana)] == [60] * 8 + [20, 0]
    assert totals(ana) == {
        ("all", "all"): 500,
        ("week", "2026-W14"): 500,
        ("month", "2026-04"): 500,
    }
    assert level_notifications(ana) == [2, 3, 4]
