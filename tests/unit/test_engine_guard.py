"""Actions the anti-gaming guard refused (DESIGN §6) keep no streak and earn no badge.

SEO and Ads are 30-minute modules (40 XP each); the guard refuses a live completion
less than 15 minutes after the lesson was started, and a quiz answered faster than
2 s a question (the quiz has 3 questions: under 6 s). A streak bonus is 5 XP.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from badge_factories import make_badge
from factories import make_module
from lms_roi.db import session
from lms_roi.gamification import criteria, engine, streaks
from lms_roi.models import BadgeAward, XpEvent
from lms_roi.services import learning
from lms_roi.services.quizzes import start_attempt, submit_attempt
from quiz_factories import make_quiz, right_answers
from xp_factories import at, ledger, make_learner, streak_of, total_xp


def rushed(learner, module, day: int):
    """A live completion 5 minutes after opening the lesson on 1 April + ``day``."""
    started = at(2026, 4, 1 + day, 9)
    learning.start_module(learner, module, started)
    return learning.record_completion(
        learner, module, source="web", completed_at=started + timedelta(minutes=5)
    )


def imported(learner, module, moment):
    learning.record_completions(
        [dict(learner_id=learner.id, module_id=module.id, completed_at=moment, score=None)]
    )


def flags(learner) -> list[bool]:
    return list(
        session().scalars(
            select(XpEvent.flagged)
            .where(XpEvent.learner_id == learner.id)
            .order_by(XpEvent.occurred_at, XpEvent.id)
        )
    )


def test_a_guarded_completion_neither_makes_its_day_active_nor_earns_the_streak_bonus(ctx):
    ana = make_learner()
    seo, ads = make_module("seo"), make_module("ads")
    learning.record_completion(ana, seo, source="import", completed_at=at(2026, 4, 1, 10))
    rushed(ana, ads, day=1)
    # No bonus on 2 April: its only action was refused, so the day is not active.
    assert ledger(ana) == [("module_completed", 40), ("module_completed", 0)]
    assert flags(ana) == [False, True]
    assert streak_of(ana) == (1, 1, date(2026, 4, 1))
    # A real learning action later that day: now the day is active, with its bonus.
    engine.award(ana.id, 0, "review", "review:1:x", at(2026, 4, 2, 11))
    assert ledger(ana)[2:] == [("review", 0), ("streak_bonus", 5)]
    assert streak_of(ana) == (2, 2, date(2026, 4, 2))
    assert total_xp(ana) == 45


def test_an_import_after_a_guarded_day_sees_the_gap(ctx):
    ana = make_learner()
    seo, ads, crm = make_module("seo"), make_module("ads"), make_module("crm")
    imported(ana, seo, at(2026, 4, 1, 10))
    rushed(ana, ads, day=1)
    imported(ana, crm, at(2026, 4, 3, 10))
    # 1 April, (2 April refused), 3 April: two runs of one day, no bonus at all.
    assert ledger(ana) == [
        ("module_completed", 40),
        ("module_completed", 0),
        ("module_completed", 40),
    ]
    assert streak_of(ana) == (1, 1, date(2026, 4, 3))
    assert streaks.active_days([ana.id]) == {ana.id: {date(2026, 4, 1), date(2026, 4, 3)}}
    streaks.recompute([ana.id])
    assert streak_of(ana) == (1, 1, date(2026, 4, 3))


def test_guarded_actions_count_towards_no_badge(ctx):
    ana = make_learner()
    seo, ads = make_module("seo"), make_module("ads")
    one_module = make_badge("one-module", {"kind": "modules_completed", "min": 1})
    perfect = make_badge("perfect", {"kind": "perfect_quizzes", "min": 1})
    first_day = make_badge("first-day", {"kind": "streak", "min": 1})
    quiz = make_quiz()
    attempt = start_attempt(ana, quiz, at(2026, 4, 1, 8))
    submit_attempt(attempt, right_answers(quiz), at(2026, 4, 1, 8) + timedelta(seconds=3))
    refused = rushed(ana, seo, day=0).completion
    assert flags(ana) == [True, True]
    assert session().scalars(select(BadgeAward)).all() == []
    later = at(2026, 4, 1, 18)
    assert criteria.counts(one_module.criteria, [ana.id], later) == {}
    assert criteria.counts(perfect.criteria, [ana.id], later) == {}
    assert criteria.guarded_completions([ana.id]) == {refused.id}
    assert criteria.guarded_attempts([ana.id]) == {attempt.id}
    # A completion the guard lets through counts, and earns the badges it meets.
    learning.record_completion(ana, ads, source="import", completed_at=later)
    awards = session().execute(select(BadgeAward.badge_id, BadgeAward.issued_on)).all()
    assert sorted(awards) == sorted([(one_module.id, later), (first_day.id, later)])


def test_the_guard_measures_api_completions_from_the_recorded_lesson_start(ctx):
    """DESIGN §6 guards live actions, web and API, by the time since the start."""
    ana, bob, cyd = make_learner("ana"), make_learner("bob"), make_learner("cyd")
    module = make_module("seo")
    started = at(2026, 4, 1, 9)
    learning.start_module(ana, module, started)
    learning.start_module(cyd, module, started)
    learning.record_completion(
        ana, module, source="api", completed_at=started + timedelta(minutes=5)
    )
    # No recorded start (a host platform reporting a module taken elsewhere): nothing
    # to measure. A completion dated before the recorded start was not made after it.
    learning.record_completion(bob, module, source="api", completed_at=started)
    learning.record_completion(cyd, module, source="api", completed_at=started - timedelta(hours=1))
    assert (ledger(ana), flags(ana)) == ([("module_completed", 0)], [True])
    assert (ledger(bob), flags(bob)) == ([("module_completed", 40)], [False])
    assert (ledger(cyd), flags(cyd)) == ([("module_completed", 40)], [False])
