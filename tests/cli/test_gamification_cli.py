"""``lms-roi gamification rebuild [--dry-run]``: history replayed by the live rules.

The history: Ana completes SEO basics (30 min) on 1 April, passes its quiz at 100 %
on the first try on 2 April, and has a tutoring session with Tom on 3 April; Ana also
completes SEO again on 3 April. By hand: Ana 40 | 5 + 40 | 5 + 15 + 0 = 105 XP over a
3-day streak; Tom 15. Ana stays at level 1 (105 < 120 XP).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from factories import make_completion, make_module, make_pair, make_session
from lms_roi.gamification import engine
from lms_roi.models import LearnerTotals, Notification, Streak, XpEvent
from lms_roi.services import learning
from lms_roi.services.quizzes import start_attempt, submit_attempt
from quiz_factories import make_quiz, right_answers
from xp_factories import at, make_learner, streak_of, total_xp


def rebuild(cli, *options):
    result = cli.invoke(args=["lms-roi", "gamification", "rebuild", *options])
    assert result.exit_code == 0, result.stderr or result.output
    return result.stdout


def snapshot(db) -> tuple:
    s = db.session
    return (
        tuple(s.execute(select(XpEvent.id, XpEvent.idempotency_key, XpEvent.points)).all()),
        tuple(
            s.execute(select(LearnerTotals.id, LearnerTotals.xp, LearnerTotals.reached_at)).all()
        ),
        tuple(s.execute(select(Streak.id, Streak.current_length, Streak.longest_length)).all()),
        tuple(s.execute(select(Notification.id, Notification.payload)).all()),
    )


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def history(ctx, monkeypatch):
    """The history of the module docstring, written without the XP engine, committed."""
    monkeypatch.setattr(engine, "award", lambda *a, **k: None)
    # The hooks lock the learner (a totals row) before deciding "first": off too.
    monkeypatch.setattr(engine, "on_attempt", lambda *a, **k: None)
    ana, tom = make_learner("ana"), make_learner("tom")
    seo = make_module("seo", duration=30)
    quiz = make_quiz()
    make_completion(ana, seo, at(2026, 4, 1, 18))
    attempt = start_attempt(ana, quiz, at(2026, 4, 2, 9))
    submit_attempt(attempt, right_answers(quiz), at(2026, 4, 2, 9, 5))
    make_session(make_pair(tom, ana), date(2026, 4, 3))
    make_completion(ana, seo, at(2026, 4, 3, 18))
    monkeypatch.undo()
    ctx.session.commit()
    return ana, tom


def test_dry_run_reports_what_would_change_and_writes_nothing(cli, ctx, history):
    out = rebuild(cli, "--dry-run")
    assert out.splitlines() == [
        "dry run, nothing written. 2 learners would change; ledger XP 0 -> 120",
        "  module_completed  +1 / -0 rows  (+40 / -0 XP)",
        "  module_repeat     +1 / -0 rows  (+0 / -0 XP)",
        "  quiz_passed       +1 / -0 rows  (+40 / -0 XP)",
        "  streak_bonus      +2 / -0 rows  (+10 / -0 XP)",
        "  tutoring_session  +2 / -0 rows  (+30 / -0 XP)",
        "  totals rows 6, streaks 2, level notifications +0 / -0",
    ]
    for model in (XpEvent, LearnerTotals, Streak, Notification):
        assert count(ctx, model) == 0


def test_rebuild_writes_the_history_xp_and_a_second_run_changes_nothing(cli, ctx, history):
    ana, tom = history
    rebuild(cli)
    assert (total_xp(ana), total_xp(tom)) == (105, 15)
    assert streak_of(ana) == (3, 3, date(2026, 4, 3))
    assert streak_of(tom) == (1, 1, date(2026, 4, 3))
    before = snapshot(ctx)
    out = rebuild(cli)
    assert out == "XP is up to date: nothing changed (120 XP in the ledger).\n"
    assert snapshot(ctx) == before
    assert rebuild(cli, "--dry-run").startswith("dry run, nothing written. XP is up to date")


def test_rebuild_repairs_totals_and_streaks_and_keeps_flags(cli, ctx, history):
    ana, _tom = history
    rebuild(cli)
    good = snapshot(ctx)[0]
    ctx.session.execute(LearnerTotals.__table__.delete().where(LearnerTotals.period_kind == "week"))
    ctx.session.execute(Streak.__table__.update().values(current_length=9, longest_length=9))
    # The live guard had refused the quiz's XP: the rebuild keeps that refusal.
    ctx.session.execute(
        XpEvent.__table__.update()
        .where(XpEvent.reason == "quiz_passed")
        .values(points=0, flagged=True)
    )
    ctx.session.commit()
    out = rebuild(cli)
    # The flagged row is what the rebuild computes too. A guarded action makes no day
    # active: the days held only by the flagged quiz lose their streak bonus (2 x 5 XP).
    assert out.splitlines() == [
        "2 learners changed; ledger XP 80 -> 70",
        "  streak_bonus      +0 / -2 rows  (+0 / -10 XP)",
        "  totals rows 4, streaks 2, level notifications +0 / -0",
    ]
    assert total_xp(ana) == 55
    assert streak_of(ana) == (1, 1, date(2026, 4, 3))
    weeks = ctx.session.scalars(
        select(LearnerTotals.xp).where(
            LearnerTotals.learner_id == ana.id, LearnerTotals.period_kind == "week"
        )
    ).all()
    assert weeks == [55]
    assert len(snapshot(ctx)[0]) == len(good) - 2
    assert "nothing changed" in rebuild(cli)


def test_live_awards_in_time_order_are_what_the_rebuild_finds(cli, ctx):
    ana, tom = make_learner("ana"), make_learner("tom")
    modules = [make_module(f"m{i}", duration=60) for i in range(12)]
    quiz = make_quiz()
    plan = {0: modules[:9], 1: modules[9:] + modules[:1], 2: modules[:1]}
    for day, done in plan.items():
        moment = at(2026, 4, 1 + day, 8)
        for minute, module in enumerate(done):
            learning.record_completion(
                ana, module, source="import", completed_at=moment + timedelta(minutes=minute)
            )
        attempt = start_attempt(ana, quiz, moment + timedelta(hours=2))
        submit_attempt(attempt, right_answers(quiz), moment + timedelta(hours=2, minutes=1))
    engine.on_tutoring_session(make_session(make_pair(tom, ana), date(2026, 4, 6)))
    # Day 1: 8 x 60 + 20 (cut) + the quiz's 40 cut to 0 = 500; day 2: 5 + 3 x 60 + 0;
    # day 3: 5 + 0 + 0; 6 April: 15 (after a gap, no bonus).
    assert total_xp(ana) == 500 + 185 + 5 + 15
    levels = ctx.session.scalars(
        select(Notification.payload).where(Notification.learner_id == ana.id)
    ).all()
    assert [n["level"] for n in levels] == [2, 3, 4]
    ctx.session.commit()
    before = snapshot(ctx)
    assert "XP is up to date" in rebuild(cli, "--dry-run")
    assert "XP is up to date" in rebuild(cli)
    assert snapshot(ctx) == before
