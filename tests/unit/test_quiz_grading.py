"""Quiz grading and attempts: known answers written by hand from the rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from factories import make_module, make_person
from lms_roi import signals
from lms_roi.errors import DomainError
from lms_roi.models import AttemptAnswer, Completion, ReviewItem
from lms_roi.services.quizzes import (
    attempt_history,
    attempts_left,
    best_attempt,
    grade_question,
    presentation_order,
    presented,
    score_pct,
    start_attempt,
    submit_attempt,
)
from quiz_factories import make_quiz, right_answers, stub_try_complete, wrong_answers

NOW = datetime(2026, 4, 1, 9, tzinfo=UTC)

FIVE_CHOICES = [
    (
        "multiple",
        "Pick the on-page factors",
        "",
        [
            ("Headings", True, ""),
            ("Meta description", True, ""),
            ("Alt text", True, ""),
            ("Budget", False, ""),
            ("Domain age", False, ""),
        ],
    )
]


def ids(question, *texts):
    return [c.id for c in question.choices if c.text in texts]


@pytest.fixture
def quiz(ctx):
    return make_quiz(questions=FIVE_CHOICES)


def test_multiple_choice_partial_credit_subtracts_wrong_picks(quiz):
    question = quiz.questions[0]
    # 3 correct of 5: 2 correct + 1 wrong picked -> 2/3 - 1/2 = 1/6.
    assert grade_question(question, ids(question, "Headings", "Alt text", "Budget")) == (
        pytest.approx(1 / 6)
    )
    assert grade_question(question, ids(question, "Headings")) == pytest.approx(1 / 3)
    assert grade_question(question, ids(question, "Headings", "Meta description", "Alt text")) == 1
    # All three right and both wrong: 1 - 1 = 0.
    assert grade_question(question, [c.id for c in question.choices]) == 0


def test_multiple_choice_never_goes_below_zero(quiz):
    question = quiz.questions[0]
    # 1/3 - 2/2 = -2/3 -> 0.
    assert grade_question(question, ids(question, "Headings", "Budget", "Domain age")) == 0
    assert grade_question(question, ids(question, "Budget")) == 0
    assert grade_question(question, []) == 0


def test_single_choice_and_true_false_are_all_or_nothing(ctx):
    quiz = make_quiz()
    single, true_false = quiz.questions[0], quiz.questions[1]
    assert grade_question(single, ids(single, "The page's topic")) == 1
    assert grade_question(single, ids(single, "The site's colours")) == 0
    assert grade_question(single, []) == 0
    assert grade_question(true_false, ids(true_false, "False")) == 1
    assert grade_question(true_false, ids(true_false, "True")) == 0
    with pytest.raises(DomainError) as error:
        grade_question(single, [c.id for c in single.choices][:2])
    assert error.value.code == "one_answer_only"


def test_choices_of_another_question_are_refused(ctx):
    quiz = make_quiz()
    single, true_false = quiz.questions[0], quiz.questions[1]
    with pytest.raises(DomainError) as error:
        grade_question(single, [true_false.choices[0].id])
    assert error.value.code == "unknown_choice"


def test_score_is_the_mean_of_question_scores_in_percent():
    # (1 + 0 + 1/6) / 3 = 7/18, kept whole: 38.888... %
    assert score_pct([1, 0, 1 / 6]) == pytest.approx(700 / 18, abs=1e-12)
    assert score_pct([1, 1, 0, 0]) == 50
    assert score_pct([]) == 0


def test_submit_grades_on_the_server_and_records_answers(ctx, monkeypatch):
    stub_try_complete(monkeypatch)
    ana = make_person()
    quiz = make_quiz(pass_mark=60)
    single, true_false, multiple = quiz.questions
    attempt = start_attempt(ana, quiz, NOW)
    answers = {
        single.id: ids(single, "The page's topic"),  # 1
        true_false.id: ids(true_false, "True"),  # 0
        # 2 of 3 correct, 1 of 2 wrong: 2/3 - 1/2 = 1/6
        multiple.id: ids(multiple, "Headings", "Meta description", "Domain age"),
    }
    submit_attempt(attempt, answers, NOW)
    assert attempt.score_pct == pytest.approx(700 / 18, abs=1e-12) and attempt.passed is False
    assert attempt.submitted_at == NOW
    rows = ctx.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
    ).all()
    assert {(r.question_id, r.correct) for r in rows} == {
        (single.id, True),
        (true_false.id, False),
        (multiple.id, False),
    }
    # Both questions not fully right are queued for review, due the next day.
    queued = ctx.session.scalars(select(ReviewItem).where(ReviewItem.learner_id == ana.id)).all()
    assert sorted(i.question_id for i in queued) == sorted([true_false.id, multiple.id])
    # Due from midnight of the next calendar day (the learner is on UTC).
    assert {(i.box, i.due_at) for i in queued} == {(1, datetime(2026, 4, 2, tzinfo=UTC))}


def test_a_second_submit_changes_nothing(ctx, monkeypatch):
    stub_try_complete(monkeypatch)
    ana = make_person()
    quiz = make_quiz()
    attempt = start_attempt(ana, quiz, NOW)
    submit_attempt(attempt, right_answers(quiz), NOW)
    again = submit_attempt(attempt, wrong_answers(quiz), datetime(2026, 4, 2, tzinfo=UTC))
    assert again is attempt and attempt.score_pct == 100 and attempt.submitted_at == NOW
    assert len(attempt.answers) == 3


def test_unanswered_questions_score_zero_and_foreign_questions_are_refused(ctx, monkeypatch):
    stub_try_complete(monkeypatch)
    ana = make_person()
    quiz = make_quiz()
    other = make_quiz("other-quiz")
    attempt = start_attempt(ana, quiz, NOW)
    with pytest.raises(DomainError) as error:
        submit_attempt(attempt, {other.questions[0].id: []}, NOW)
    assert error.value.code == "unknown_question" and attempt.submitted_at is None
    single = quiz.questions[0]
    submit_attempt(attempt, {single.id: ids(single, "The page's topic")}, NOW)
    assert attempt.score_pct == pytest.approx(100 / 3, abs=1e-12)


def test_attempt_limit_refuses_the_third_start(ctx, monkeypatch):
    stub_try_complete(monkeypatch)
    ana = make_person()
    quiz = make_quiz(max_attempts=2)
    first = start_attempt(ana, quiz, NOW)
    assert start_attempt(ana, quiz, NOW) is first  # resumed, not a new attempt
    assert attempts_left(ana, quiz) == 2
    submit_attempt(first, wrong_answers(quiz), NOW)
    second = start_attempt(ana, quiz, NOW)
    assert (first.attempt_no, second.attempt_no) == (1, 2)
    submit_attempt(second, wrong_answers(quiz), NOW)
    assert attempts_left(ana, quiz) == 0
    with pytest.raises(DomainError) as error:
        start_attempt(ana, quiz, NOW)
    assert error.value.code == "attempts_exhausted"
    assert [a.attempt_no for a in attempt_history(ana, quiz)] == [1, 2]


def test_a_passed_practice_quiz_can_be_retaken_and_the_best_pass_counts(ctx, monkeypatch):
    stub_try_complete(monkeypatch)
    ana = make_person()
    quiz = make_quiz(pass_mark=60)
    single, true_false, multiple = quiz.questions
    low = {single.id: ids(single, "The page's topic"), true_false.id: ids(true_false, "False")}
    assert best_attempt(ana, quiz) is None
    failed = submit_attempt(start_attempt(ana, quiz, NOW), {}, NOW)
    passed_low = submit_attempt(start_attempt(ana, quiz, NOW), low, NOW)  # 66.67 %
    perfect = submit_attempt(start_attempt(ana, quiz, NOW), right_answers(quiz), NOW)
    worse = submit_attempt(start_attempt(ana, quiz, NOW), low, NOW)
    assert (failed.passed, passed_low.passed) == (False, True)
    assert passed_low.score_pct == pytest.approx(200 / 3, abs=1e-12)
    assert best_attempt(ana, quiz) is perfect
    assert worse.attempt_no == 4 and attempts_left(ana, quiz) is None


def test_shuffle_is_stable_for_a_seed_and_differs_between_seeds(ctx):
    quiz = make_quiz(shuffle=True, questions=FIVE_CHOICES * 1 + _more_questions())

    def order(seed):
        return [
            (q.id, [c.id for c in choices])
            for q, choices in presentation_order(quiz.questions, seed)
        ]

    assert order(1) == order(1)
    assert order(1) != order(2)
    assert order(None) == [(q.id, [c.id for c in q.choices]) for q in quiz.questions]


def test_an_attempt_keeps_its_order_and_the_next_attempt_gets_another(ctx, monkeypatch):
    stub_try_complete(monkeypatch)
    ana = make_person()
    quiz = make_quiz(shuffle=True, questions=FIVE_CHOICES + _more_questions())
    first = start_attempt(ana, quiz, NOW)
    shown = [(q.id, [c.id for c in cs]) for q, cs in presented(first)]
    assert shown == [(q.id, [c.id for c in cs]) for q, cs in presented(first)]
    assert shown == [
        (q.id, [c.id for c in cs]) for q, cs in presentation_order(quiz.questions, first.id)
    ]
    submit_attempt(first, {}, NOW)
    second = start_attempt(ana, quiz, NOW)
    assert [(q.id, [c.id for c in cs]) for q, cs in presented(second)] != shown
    plain = make_quiz("plain", questions=FIVE_CHOICES + _more_questions())
    in_order = presented(start_attempt(ana, plain, NOW))
    assert [q.position for q, _ in in_order] == [1, 2, 3, 4, 5]


def test_passing_fires_quiz_passed_and_lets_the_module_complete(ctx, monkeypatch):
    calls = stub_try_complete(monkeypatch)
    ana = make_person()
    module = make_module("seo-basics")
    quiz = make_quiz(module=module)
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    with signals.quiz_passed.connected_to(listener):
        failed = submit_attempt(start_attempt(ana, quiz, NOW), wrong_answers(quiz), NOW)
        passed = submit_attempt(start_attempt(ana, quiz, NOW), right_answers(quiz), NOW)
        submit_attempt(passed, right_answers(quiz), NOW)  # resent: no second signal
    assert failed.passed is False
    assert heard == [{"learner": ana, "quiz": quiz, "attempt": passed}]
    assert calls == [(ana, module), (ana, module)]


def test_passing_the_completion_quiz_after_the_steps_completes_the_module(ctx):
    from lms_roi.services.learning import see_step

    ana = make_person()
    module = make_module("seo-basics", body="## One step\n\nRead me.")
    quiz = make_quiz(module=module, kind="post_test")
    assert see_step(ana, module, 0, NOW)[1] is None  # the quiz is still to pass
    submit_attempt(start_attempt(ana, quiz, NOW), right_answers(quiz), NOW)
    completion = ctx.session.scalar(select(Completion).where(Completion.learner_id == ana.id))
    assert completion is not None and completion.module_id == module.id
    assert completion.score == 100


def _more_questions():
    return [
        (
            "single",
            f"Question {n}",
            "",
            [(f"Choice {n}.{i}", i == 1, "") for i in range(1, 5)],
        )
        for n in range(2, 6)
    ]
