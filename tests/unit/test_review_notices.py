"""``review_due`` notifications: one per learner and local day, on first read or in bulk.

Known answers by hand. Questions missed on 1 April (Paris) are due from midnight,
2 April, Paris time, which is 22:00 UTC on 1 April: at 00:30 in Paris the learner's
day is already 2 April while the UTC date is still 1 April.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from lms_roi.models import Notification, ReviewItem
from lms_roi.services.review import enqueue
from lms_roi.services.review_notices import notify_all_due, notify_due
from quiz_factories import SEO_QUESTIONS, make_quiz
from xp_factories import at, make_learner

MISSED = at(2026, 4, 1, 15)  # Paris
JUST_AFTER_MIDNIGHT = at(2026, 4, 2, 0, 30)  # Paris: 2 April; UTC: 1 April 22:30
QUESTIONS = SEO_QUESTIONS * 3  # 9 questions


def notes(db, learner) -> list[tuple]:
    return [
        (n.kind, n.payload, n.created_at)
        for n in db.session.scalars(
            select(Notification)
            .where(Notification.learner_id == learner.id)
            .order_by(Notification.id)
        )
    ]


def missed(learner, n: int, moment=MISSED, slug: str = "seo-check") -> list[int]:
    """``n`` questions the learner got wrong at ``moment`` (due from the next local day)."""
    quiz = make_quiz(slug, questions=QUESTIONS)
    ids = [q.id for q in quiz.questions[:n]]
    enqueue(learner.id, ids, moment)
    return ids


def reviewed(db, learner, question_ids, moment) -> None:
    """Mark questions as answered in review at ``moment`` (back in a week)."""
    db.session.execute(
        update(ReviewItem)
        .where(ReviewItem.learner_id == learner.id, ReviewItem.question_id.in_(question_ids))
        .values(last_reviewed_at=moment, box=2, due_at=moment + timedelta(days=7))
    )


def test_three_due_questions_in_paris_give_one_note_on_the_local_day(ctx):
    ana = make_learner("ana", "Europe/Paris")
    missed(ana, 3)
    assert JUST_AFTER_MIDNIGHT.date().isoformat() == "2026-04-01"  # the UTC date
    assert notify_due(ana, JUST_AFTER_MIDNIGHT) == 1
    expected = [("review_due", {"count": 3, "day": "2026-04-02"}, JUST_AFTER_MIDNIGHT)]
    assert notes(ctx, ana) == expected
    # Never twice that day, whichever path comes next.
    assert notify_due(ana, at(2026, 4, 2, 9)) == 0
    assert notify_all_due(at(2026, 4, 2, 23, 59)) == 0
    assert notes(ctx, ana) == expected


def test_nothing_due_gives_no_note(ctx):
    ana = make_learner("ana", "Europe/Paris")
    bob = make_learner("bob", "Europe/Paris")
    missed(ana, 3)
    before_midnight = at(2026, 4, 1, 23, 59)  # Paris: still 1 April, nothing due yet
    assert notify_due(ana, before_midnight) == 0
    assert notify_due(bob, JUST_AFTER_MIDNIGHT) == 0  # bob has no question to review
    assert notify_all_due(before_midnight) == 0
    assert notes(ctx, ana) == [] and notes(ctx, bob) == []


def test_the_next_local_day_gives_its_own_note(ctx):
    ana = make_learner("ana", "Europe/Paris")
    missed(ana, 3)
    assert notify_due(ana, JUST_AFTER_MIDNIGHT) == 1
    next_day = at(2026, 4, 3, 8)
    assert notify_due(ana, next_day) == 1
    assert [payload for _, payload, _ in notes(ctx, ana)] == [
        {"count": 3, "day": "2026-04-02"},
        {"count": 3, "day": "2026-04-03"},
    ]


@pytest.mark.parametrize("bulk", [False, True], ids=["on-read", "bulk"])
def test_the_count_is_what_the_daily_limit_still_allows(ctx, bulk):
    now = at(2026, 4, 2, 18)

    def notify(learner):
        return notify_all_due(now) if bulk else notify_due(learner, now)

    # Ana: 9 missed; 3 answered today (Paris), 3 late yesterday, 3 still due: 5 - 3 = 2 left.
    ana = make_learner("ana", "Europe/Paris")
    ids = missed(ana, 9)
    reviewed(ctx, ana, ids[:3], at(2026, 4, 2, 8))
    reviewed(ctx, ana, ids[3:6], at(2026, 4, 1, 23, 30))
    # Bob: 4 due, but 5 answered today already -> no note.
    bob = make_learner("bob", "Europe/Paris")
    ids = missed(bob, 9, slug="bob-quiz")
    reviewed(ctx, bob, ids[:5], at(2026, 4, 2, 7))
    notify(ana)
    notify(bob)
    assert [payload for _, payload, _ in notes(ctx, ana)] == [{"count": 2, "day": "2026-04-02"}]
    assert notes(ctx, bob) == []


def test_more_than_five_due_are_capped_at_five(ctx):
    ana = make_learner("ana", "Europe/Paris")
    missed(ana, 9)
    assert notify_due(ana, JUST_AFTER_MIDNIGHT) == 1
    assert notes(ctx, ana)[0][1] == {"count": 5, "day": "2026-04-02"}


def test_the_bulk_run_gives_each_learner_the_note_of_their_own_day(ctx):
    # Missed at 12:00 UTC on 31 March: due from 1 April midnight in each zone.
    moment = datetime(2026, 3, 31, 12, tzinfo=UTC)
    people = {
        "ana": ("Europe/Paris", 3),
        "bob": ("America/New_York", 2),
        "kim": ("Asia/Tokyo", 4),
        "eve": ("", 1),  # no zone of her own: the organisation's (Europe/Paris)
        "lea": ("Europe/Paris", 2),
    }
    learners = {}
    for name, (zone, n) in people.items():
        learners[name] = make_learner(name, zone)
        missed(learners[name], n, moment, slug=f"{name}-quiz")
    gone = make_learner("gone", "Europe/Paris")
    missed(gone, 3, moment, slug="gone-quiz")
    gone.active = False
    idle = make_learner("idle", "Europe/Paris")  # nothing to review
    now = datetime(2026, 4, 2, 2, tzinfo=UTC)  # Paris 04:00 on 2 April, New York 22:00 on 1 April
    assert notify_due(learners["lea"], now) == 1  # lea read her home first
    assert notify_all_due(now) == 4
    expected = {
        "ana": {"count": 3, "day": "2026-04-02"},
        "bob": {"count": 2, "day": "2026-04-01"},
        "kim": {"count": 4, "day": "2026-04-02"},
        "eve": {"count": 1, "day": "2026-04-02"},
        "lea": {"count": 2, "day": "2026-04-02"},
    }
    for name, payload in expected.items():
        assert notes(ctx, learners[name]) == [("review_due", payload, now)], name
    assert notes(ctx, gone) == [] and notes(ctx, idle) == []
    assert notify_all_due(now + timedelta(hours=1)) == 0  # a second run: nothing new
    assert notify_due(learners["ana"], now + timedelta(hours=2)) == 0
