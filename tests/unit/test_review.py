"""Spaced review (Leitner boxes 1, 3, 7, 14, 30 days): known answers for every interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from factories import make_person
from lms_roi.errors import DomainError
from lms_roi.models import ReviewItem
from lms_roi.services.review import (
    INTERVALS,
    answer,
    answer_due,
    due_items,
    enqueue,
    next_due_at,
    question_of,
)
from quiz_factories import make_quiz

DAY0 = datetime(2026, 4, 1, 9, tzinfo=UTC)


def right(question):
    return [c.id for c in question.choices if c.is_correct]


def wrong(question):
    return [next(c.id for c in question.choices if not c.is_correct)]


def item_of(db, learner, question):
    return db.session.scalar(
        select(ReviewItem).where(
            ReviewItem.learner_id == learner.id, ReviewItem.question_id == question.id
        )
    )


def test_intervals_are_the_leitner_schedule():
    assert INTERVALS == (1, 3, 7, 14, 30)


def test_a_wrong_question_enters_box_one_due_the_next_day(ctx):
    ana = make_person()
    question = make_quiz().questions[0]
    enqueue(ana.id, [question.id], DAY0)
    item = item_of(ctx, ana, question)
    assert (item.box, item.interval_days, item.repetitions) == (1, 1, 0)
    assert item.due_at == datetime(2026, 4, 2, tzinfo=UTC) and item.retired_at is None


def test_right_answers_climb_every_box_then_retire(ctx):
    ana = make_person()
    question = make_quiz().questions[0]
    enqueue(ana.id, [question.id], DAY0)
    item = item_of(ctx, ana, question)
    now = DAY0 + timedelta(days=1)  # 2 Apr: due from box 1
    # Answered right in box b: moves to box b + 1 and comes back after its interval.
    expected = [
        (2, 3, datetime(2026, 4, 5, tzinfo=UTC)),  # 2 Apr + 3 days
        (3, 7, datetime(2026, 4, 12, tzinfo=UTC)),  # 5 Apr + 7 days
        (4, 14, datetime(2026, 4, 26, tzinfo=UTC)),  # 12 Apr + 14 days
        (5, 30, datetime(2026, 5, 26, tzinfo=UTC)),  # 26 Apr + 30 days
    ]
    for repetition, (box, interval, due) in enumerate(expected, start=1):
        outcome = answer(item, right(question), now)
        assert outcome.correct and (outcome.box, outcome.next_due_at) == (box, due)
        assert (item.box, item.interval_days, item.due_at) == (box, interval, due)
        assert (item.repetitions, item.last_reviewed_at) == (repetition, now)
        now = due
    # Right in box 5 (26 May): retired, never due again.
    outcome = answer(item, right(question), now)
    assert outcome.retired and outcome.next_due_at is None
    assert item.retired_at == datetime(2026, 5, 26, tzinfo=UTC) and item.box == 5
    assert due_items(ana, now + timedelta(days=365)) == []
    assert next_due_at(ana) is None


def test_a_wrong_review_goes_back_to_box_one(ctx):
    ana = make_person()
    question = make_quiz().questions[0]
    enqueue(ana.id, [question.id], DAY0)
    item = item_of(ctx, ana, question)
    answer(item, right(question), datetime(2026, 4, 2, tzinfo=UTC))
    answer(item, right(question), datetime(2026, 4, 5, tzinfo=UTC))
    assert item.box == 3
    outcome = answer(item, wrong(question), datetime(2026, 4, 12, tzinfo=UTC))
    assert not outcome.correct and outcome.box == 1
    assert outcome.next_due_at == datetime(2026, 4, 13, tzinfo=UTC)
    assert (item.interval_days, item.repetitions) == (1, 0)
    assert item.last_reviewed_at == datetime(2026, 4, 12, tzinfo=UTC)
    # Every choice's feedback comes back once answered.
    assert outcome.feedback == {c.id: c.feedback for c in question.choices}


def test_a_partly_right_multiple_choice_counts_as_wrong(ctx):
    ana = make_person()
    multiple = make_quiz().questions[2]
    enqueue(ana.id, [multiple.id], DAY0)
    item = item_of(ctx, ana, multiple)
    outcome = answer(item, right(multiple)[:2], DAY0 + timedelta(days=1))
    assert not outcome.correct and item.box == 1


def test_enqueue_again_resets_to_box_one_and_reactivates_retired_items(ctx):
    ana = make_person()
    first, second = make_quiz().questions[:2]
    enqueue(ana.id, [first.id, second.id], DAY0)
    climbing, retired = item_of(ctx, ana, first), item_of(ctx, ana, second)
    answer(climbing, right(first), datetime(2026, 4, 2, tzinfo=UTC))
    retired.box, retired.retired_at = 5, DAY0
    later = datetime(2026, 6, 1, tzinfo=UTC)
    enqueue(ana.id, [first.id, second.id], later)
    for item in (climbing, retired):
        assert (item.box, item.interval_days, item.retired_at) == (1, 1, None)
        assert item.due_at == datetime(2026, 6, 2, tzinfo=UTC)
    assert len(ctx.session.scalars(select(ReviewItem)).all()) == 2


def test_daily_review_is_at_most_five_due_items_oldest_first(ctx):
    ana, bob = make_person(), make_person("bob@example.com")
    questions = make_quiz(questions=_seven_questions()).questions
    for day, question in enumerate(questions):
        enqueue(ana.id, [question.id], DAY0 + timedelta(days=day))  # due 2 Apr .. 8 Apr
    enqueue(bob.id, [questions[0].id], DAY0)
    today = datetime(2026, 4, 7, 12, tzinfo=UTC)  # items due 2..7 Apr are due: 6
    due = due_items(ana, today)
    assert [i.question_id for i in due] == [q.id for q in questions[:5]]
    assert all(i.learner_id == ana.id for i in due)
    assert next_due_at(ana) == datetime(2026, 4, 2, tzinfo=UTC)
    assert due_items(ana, datetime(2026, 4, 1, 12, tzinfo=UTC)) == []


def test_answer_due_grades_only_the_learners_own_due_items(ctx):
    ana, bob = make_person(), make_person("bob@example.com")
    first, second, third = make_quiz().questions
    enqueue(ana.id, [first.id, second.id], DAY0)
    enqueue(ana.id, [third.id], DAY0 + timedelta(days=5))
    enqueue(bob.id, [first.id], DAY0)
    mine, blank, later = (item_of(ctx, ana, q) for q in (first, second, third))
    bobs = item_of(ctx, bob, first)
    now = datetime(2026, 4, 2, 12, tzinfo=UTC)
    outcomes = answer_due(
        ana,
        {mine.id: right(first), blank.id: [], later.id: right(third), bobs.id: right(first)},
        now,
    )
    assert [o.item for o in outcomes] == [mine]
    assert (mine.box, blank.box, later.box, bobs.box) == (2, 1, 1, 1)
    assert answer_due(ana, {mine.id: right(first)}, now) == []  # resent form: nothing


def test_answering_an_item_not_due_is_refused(ctx):
    ana = make_person()
    question = make_quiz().questions[0]
    enqueue(ana.id, [question.id], DAY0)
    with pytest.raises(DomainError) as error:
        answer(item_of(ctx, ana, question), right(question), DAY0)
    assert error.value.code == "review_not_due"


def _seven_questions():
    return [
        ("single", f"Question {n}", "", [("Yes", True, ""), ("No", False, "")]) for n in range(1, 8)
    ]


def test_five_reviews_a_day_even_over_several_pages(ctx):
    """Answering the first five does not open the next five the same day."""
    ana = make_person()
    questions = make_quiz(questions=_seven_questions()).questions
    enqueue(ana.id, [q.id for q in questions], DAY0)  # 7 items due from 2 Apr
    morning = datetime(2026, 4, 2, 8, tzinfo=UTC)
    first = due_items(ana, morning)
    assert len(first) == 5
    answer_due(ana, {item.id: right(question_of(item)) for item in first}, morning)
    evening = datetime(2026, 4, 2, 20, tzinfo=UTC)
    assert due_items(ana, evening) == []
    assert answer_due(ana, {i.id: [1] for i in due_items(ana, evening, limit=7)}, evening) == []
    # The next calendar day, the two left are due again.
    assert len(due_items(ana, datetime(2026, 4, 3, 7, tzinfo=UTC))) == 2


def test_review_days_are_the_learners_calendar_days(ctx):
    """A Paris learner missing a question at 23:30 UTC (01:30 on 2 Apr in Paris) sees it
    again from midnight on 3 Apr in Paris, which is 22:00 UTC on 2 Apr."""
    ana = make_person()
    ana.timezone = "Europe/Paris"
    question = make_quiz().questions[0]
    enqueue(ana.id, [question.id], datetime(2026, 4, 1, 23, 30, tzinfo=UTC))
    item = item_of(ctx, ana, question)
    assert item.due_at == datetime(2026, 4, 2, 22, tzinfo=UTC)
    assert due_items(ana, datetime(2026, 4, 2, 21, 59, tzinfo=UTC)) == []
    assert due_items(ana, datetime(2026, 4, 2, 22, tzinfo=UTC)) == [item]
