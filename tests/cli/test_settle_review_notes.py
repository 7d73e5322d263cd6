"""``lms-roi gamification settle`` gives every learner with questions due their note, once."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lms_roi.db import utcnow
from lms_roi.models import Learner, Notification
from lms_roi.services.review import enqueue
from quiz_factories import make_quiz
from xp_factories import make_learner


def settle(cli) -> list[str]:
    result = cli.invoke(args=["lms-roi", "gamification", "settle"])
    assert result.exit_code == 0, result.stderr or result.output
    return result.stdout.splitlines()


def test_settle_creates_the_notes_in_bulk_and_a_second_run_none(cli, ctx):
    quiz = make_quiz()
    questions = [q.id for q in quiz.questions]
    two_days_ago = utcnow() - timedelta(days=2)
    people = {"ana": ("Europe/Paris", 1), "bob": ("America/New_York", 2), "kim": ("Asia/Tokyo", 3)}
    for name, (zone, due) in people.items():
        enqueue(make_learner(name, zone).id, questions[:due], two_days_ago)
    make_learner("idle", "Europe/Paris")  # nothing to review
    ctx.session.commit()
    assert settle(cli) == ["0 challenge(s) settled", "3 review reminder(s) created"]
    rows = ctx.session.execute(
        select(Learner.external_id, Learner.timezone, Notification.kind, Notification.payload)
        .join(Notification, Notification.learner_id == Learner.id)
        .order_by(Learner.external_id)
    ).all()
    now = utcnow()

    def day(zone):
        return now.astimezone(ZoneInfo(zone)).date().isoformat()

    # Each learner's questions due, on their own day.
    assert [tuple(row) for row in rows] == [
        (name, zone, "review_due", {"count": due, "day": day(zone)})
        for name, (zone, due) in sorted(people.items())
    ]
    assert settle(cli) == ["0 challenge(s) settled", "0 review reminder(s) created"]
