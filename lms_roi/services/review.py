"""Spaced review of missed quiz questions on a Leitner schedule.

A question answered wrong in a quiz enters box 1, due the next day. Answered right in
review it moves up a box and comes back after that box's interval (1, 3, 7, 14, 30
days for boxes 1-5); answered right in box 5 it retires. Answered wrong it goes back
to box 1. ``repetitions`` counts consecutive right answers; ``last_reviewed_at`` marks
the learner's review activity (reviews count as learning activity for streaks).

Days are calendar days where the learner is (their time zone): an item is due from
midnight of its day, and a learner answers at most :data:`DAILY_LIMIT` reviews a day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError
from lms_roi.gamification import engine as xp
from lms_roi.models import Choice, Learner, Question, ReviewItem
from lms_roi.services.quizzes import grade_question

#: Days until the next review for an item in box 1, 2, 3, 4 and 5.
INTERVALS = (1, 3, 7, 14, 30)
LAST_BOX = len(INTERVALS)
#: The daily review shows at most this many due items.
DAILY_LIMIT = 5


@dataclass(frozen=True)
class ReviewOutcome:
    """What one review answer did to the item."""

    item: ReviewItem
    question: Question
    correct: bool
    selected_ids: list[int]
    #: Feedback of every choice, by choice id (shown once answered).
    feedback: dict[int, str]
    box: int
    #: When the item comes back; None once retired.
    next_due_at: datetime | None

    @property
    def retired(self) -> bool:
        return self.next_due_at is None

    @property
    def choices(self) -> list[Choice]:
        return list(self.question.choices)


def due_from(now: datetime, days: int, zone: str | None) -> datetime:
    """Midnight, in the learner's time zone, ``days`` calendar days after ``now``'s date."""
    tz = learner_zone(zone)
    local_day = now.astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(local_day, time(0), tzinfo=tz).astimezone(UTC)


def review_day(now: datetime, zone: str | None) -> date:
    """The learner's calendar day at ``now``: the day their review of today belongs to."""
    return now.astimezone(learner_zone(zone)).date()


def reviewed_today(learner: Learner, now: datetime | None = None) -> int:
    """How many review answers the learner gave today (their calendar day)."""
    start = due_from(now or utcnow(), 0, learner.timezone)
    return session().scalar(
        select(func.count(ReviewItem.id)).where(
            ReviewItem.learner_id == learner.id, ReviewItem.last_reviewed_at >= start
        )
    )


def left_today(learner: Learner, now: datetime | None = None) -> int:
    """Reviews the learner may still answer today (the daily limit minus those answered)."""
    return max(DAILY_LIMIT - reviewed_today(learner, now), 0)


def enqueue(learner_id: int, question_ids: Iterable[int], now: datetime | None = None) -> None:
    """Put questions the learner got wrong in box 1, due from tomorrow (their calendar).

    A question already queued goes back to box 1; a retired one is reactivated. Only flushes.
    """
    now = now or utcnow()
    wanted = set(question_ids)
    if not wanted:
        return
    db = session()
    existing = {
        item.question_id: item
        for item in db.scalars(
            select(ReviewItem).where(
                ReviewItem.learner_id == learner_id, ReviewItem.question_id.in_(wanted)
            )
        )
    }
    zone = db.scalar(select(Learner.timezone).where(Learner.id == learner_id))
    for question_id in sorted(wanted):
        item = existing.get(question_id)
        if item is None:
            item = ReviewItem(learner_id=learner_id, question_id=question_id)
            db.add(item)
        _back_to_box_one(item, now, zone)
    db.flush()


def due_items(learner: Learner, now: datetime | None = None, limit: int | None = None):
    """Today's review: the learner's active items due by ``now``, oldest due first.

    At most what is left of today's limit (``limit`` overrides it).
    """
    limit = left_today(learner, now) if limit is None else limit
    if limit <= 0:
        return []
    return list(
        session().scalars(
            select(ReviewItem)
            .where(
                ReviewItem.learner_id == learner.id,
                ReviewItem.retired_at.is_(None),
                ReviewItem.due_at <= (now or utcnow()),
            )
            .order_by(ReviewItem.due_at, ReviewItem.id)
            .limit(limit)
        )
    )


def question_of(item: ReviewItem) -> Question:
    """The question an item reviews (choices in position order, without grading)."""
    return session().get(Question, item.question_id)


def next_due_at(learner: Learner) -> datetime | None:
    """When the learner's next active review item falls due (None: queue empty)."""
    return session().scalar(
        select(func.min(ReviewItem.due_at)).where(
            ReviewItem.learner_id == learner.id, ReviewItem.retired_at.is_(None)
        )
    )


def answer(item: ReviewItem, selected_ids: Iterable[int], now: datetime | None = None):
    """Grade one review answer and move the item between Leitner boxes.

    Right: box + 1, due after the new box's interval; right in box 5: retired.
    Wrong (anything short of a full score): box 1, due the next day.
    Refused (``review_not_due``) for a retired item or one not yet due.
    Returns a :class:`ReviewOutcome`. Only flushes.
    """
    now = now or utcnow()
    if item.retired_at is not None or item.due_at > now:
        raise DomainError("review_not_due", _("This question is not due for review."), "item")
    question = session().get(Question, item.question_id)
    zone = session().scalar(select(Learner.timezone).where(Learner.id == item.learner_id))
    known = {choice.id for choice in question.choices}
    selected = sorted({int(choice_id) for choice_id in selected_ids} & known)
    correct = grade_question(question, selected) == 1
    item.last_reviewed_at = now
    if not correct:
        _back_to_box_one(item, now, zone)
    elif item.box >= LAST_BOX:
        item.repetitions += 1
        item.retired_at = now
    else:
        item.repetitions += 1
        item.box += 1
        item.interval_days = INTERVALS[item.box - 1]
        item.due_at = due_from(now, item.interval_days, zone)
    session().flush()
    xp.on_review(item, now)
    return ReviewOutcome(
        item=item,
        question=question,
        correct=correct,
        selected_ids=selected,
        feedback={choice.id: choice.feedback for choice in question.choices},
        box=item.box,
        next_due_at=None if item.retired_at else item.due_at,
    )


def answer_due(
    learner: Learner, answers: Mapping[int, Iterable[int]], now: datetime | None = None
) -> list[ReviewOutcome]:
    """Grade a submitted daily review: ``answers`` maps review item ids to choice ids.

    Only the learner's own items that are due are graded (a resent form, or someone
    else's item id, changes nothing); items left blank stay due. Oldest due first.
    """
    now = now or utcnow()
    wanted = {int(item_id): ids for item_id, ids in answers.items() if ids}
    room = left_today(learner, now)
    if not wanted or not room:
        return []
    items = (
        session()
        .scalars(
            select(ReviewItem)
            .where(
                ReviewItem.id.in_(wanted),
                ReviewItem.learner_id == learner.id,
                ReviewItem.retired_at.is_(None),
                ReviewItem.due_at <= now,
            )
            .order_by(ReviewItem.due_at, ReviewItem.id)
            .limit(room)
        )
        .all()
    )
    return [answer(item, wanted[item.id], now) for item in items]


def _back_to_box_one(item: ReviewItem, now: datetime, zone: str | None) -> None:
    item.box = 1
    item.interval_days = INTERVALS[0]
    item.repetitions = 0
    item.due_at = due_from(now, INTERVALS[0], zone)
    item.retired_at = None


def learner_zone(name: str | None) -> ZoneInfo:
    """The time zone review days are counted in: the learner's, else the organisation's."""
    try:
        return ZoneInfo(name or current_app.config.get("LMS_ROI_TIMEZONE", "UTC"))
    except (KeyError, ValueError):
        return ZoneInfo("UTC")
