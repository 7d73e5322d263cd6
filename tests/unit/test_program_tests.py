"""A path's own pre-test and post-test: authoring, the learner's path, gain, ROI level 2.

Expected numbers are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from factories import make_completion, make_module, make_person, make_program
from lms_roi.analytics import roi_report
from lms_roi.analytics.knowledge import learner_program_gains
from lms_roi.analytics.levels import learner_levels, program_gain_means
from lms_roi.errors import DomainError
from lms_roi.services import quiz_authoring
from lms_roi.services.authoring_checks import AuthoringInvalid
from lms_roi.services.paths import path_page
from lms_roi.services.quiz_authoring import QuizDraft
from lms_roi.services.quizzes import start_attempt, submit_attempt
from paths_factories import count_queries, make_attempt, make_quiz
from program_test_factories import make_program_test
from quiz_factories import right_answers, stub_try_complete


def refused(call, *args, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(AuthoringInvalid) as caught:
        call(*args, **kwargs)
    return [(field, code) for field, code, _message in caught.value.problems]


# -- authoring ---------------------------------------------------------------------------


def test_a_path_gets_one_pre_test_and_one_post_test(ctx):
    growth = make_program("growth-academy")
    pre = quiz_authoring.create_program_test(
        growth, QuizDraft("pre_test", " Where you start ", 60, 1, True)
    )
    assert (pre.slug, pre.program_id, pre.module_id) == ("growth-academy-pre-test", growth.id, None)
    assert (pre.title, pre.pass_mark_pct, pre.max_attempts, pre.shuffle) == (
        "Where you start",
        60,
        1,
        True,
    )
    # A second pre-test, or a practice quiz, is refused.
    assert refused(quiz_authoring.create_program_test, growth, QuizDraft("pre_test", "Again")) == [
        ("kind", "quiz_kind_taken")
    ]
    assert refused(quiz_authoring.create_program_test, growth, QuizDraft("practice", "Drill")) == [
        ("kind", "program_test_kind")
    ]
    post = quiz_authoring.create_program_test(growth, QuizDraft("post_test", "Where you end"))
    assert [quiz.kind for quiz in quiz_authoring.program_tests(growth)] == ["pre_test", "post_test"]
    # The post-test cannot become a second pre-test nor a practice quiz; its settings change.
    assert refused(quiz_authoring.update_quiz, post, QuizDraft("pre_test", "Where you end")) == [
        ("kind", "quiz_kind_taken")
    ]
    assert refused(quiz_authoring.update_quiz, post, QuizDraft("practice", "x")) == [
        ("kind", "program_test_kind")
    ]
    quiz_authoring.update_quiz(post, QuizDraft("post_test", "Final check", 80, None, False))
    assert (post.title, post.pass_mark_pct) == ("Final check", 80)
    # Another path has its own pair.
    other = make_program("sales-path")
    assert quiz_authoring.create_program_test(other, QuizDraft("pre_test", "Start")).slug == (
        "sales-path-pre-test"
    )
    assert quiz_authoring.program_tests(other)[0].kind == "pre_test"


def test_a_path_test_slug_steps_aside_for_a_module_of_the_same_name(ctx):
    module = make_module("growth")
    quiz_authoring.create_quiz(module, QuizDraft("pre_test", "Module start"))
    test = quiz_authoring.create_program_test(make_program("growth"), QuizDraft("pre_test", "S"))
    assert test.slug == "growth-pre-test-2"


def test_a_path_test_takes_questions_like_a_module_quiz(ctx):
    test = quiz_authoring.create_program_test(make_program(), QuizDraft("post_test", "Check"))
    question = quiz_authoring.save_question(
        test,
        quiz_authoring.QuestionDraft(
            "true_false",
            "Open questions qualify faster.",
            choices=[
                quiz_authoring.ChoiceDraft("True", True),
                quiz_authoring.ChoiceDraft("False"),
            ],
        ),
    )
    assert question.quiz_id == test.id and [c.text for c in question.choices] == ["True", "False"]


# -- the learner's path ------------------------------------------------------------------


def test_the_pre_test_is_offered_before_the_path_and_the_post_test_after(ctx):
    ana = make_person("ana@example.com")
    seo, ads = make_module("seo-basics"), make_module("social-ads")
    growth = make_program("growth-academy", (seo, ads))
    pre, post = make_program_test(growth, "pre_test"), make_program_test(growth, "post_test")
    make_program_test(make_program("empty-tests"), "pre_test", questions=[])

    tests = path_page(ana, growth).tests
    assert (tests.pre_test, tests.post_test, tests.gain) == (pre, post, None)
    assert tests.pre_open and not tests.post_open

    make_completion(ana, seo)  # started without the pre-test: it is closed
    tests = path_page(ana, growth).tests
    assert not tests.pre_open and not tests.post_open

    make_completion(ana, ads)  # every module done: the post-test opens
    assert path_page(ana, growth).tests.post_open
    # A test without questions is not offered.
    assert path_page(ana, make_program("none")).tests.pre_test is None


def test_a_taken_pre_test_shows_its_score_and_closes(ctx):
    ana = make_person("ana@example.com")
    growth = make_program("growth-academy", (make_module("seo-basics"),))
    make_attempt(ana, make_program_test(growth, "pre_test"), 40)
    tests = path_page(ana, growth).tests
    assert (tests.pre_score, tests.post_score, tests.pre_open) == (40, None, False)


def test_submitting_a_path_post_test_completes_no_module(ctx, monkeypatch):
    calls = stub_try_complete(monkeypatch)
    ana = make_person("ana@example.com")
    seo = make_module("seo-basics")
    post = make_program_test(make_program("growth-academy", (seo,)), "post_test")
    make_completion(ana, seo)
    attempt = submit_attempt(start_attempt(ana, post), right_answers(post))
    assert (attempt.score_pct, attempt.passed) == (100.0, True)
    assert calls == []


def test_path_tests_open_and_close_with_the_path(ctx):
    """Pre-test: on arrival only. Post-test: once every module of the path is done."""
    ana = make_person("ana@example.com")
    seo, ads = make_module("seo-basics"), make_module("social-ads")
    growth = make_program("growth-academy", (seo, ads))
    pre = make_program_test(growth, "pre_test")
    post = make_program_test(growth, "post_test")
    with pytest.raises(DomainError) as early:
        start_attempt(ana, post)
    assert early.value.code == "post_test_not_open"
    make_completion(ana, seo)
    with pytest.raises(DomainError) as late:
        start_attempt(ana, pre)
    assert late.value.code == "pre_test_closed"
    with pytest.raises(DomainError):
        start_attempt(ana, post)  # one module of two
    make_completion(ana, ads, datetime(2026, 3, 3, 10, tzinfo=UTC))
    assert start_attempt(ana, post).attempt_no == 1


# -- knowledge gain per path -------------------------------------------------------------


def test_learner_program_gains_first_pre_test_best_post_test_in_one_query(ctx):
    ana = make_person("ana@example.com")
    bob = make_person("bob@example.com")
    seo = make_module("seo-basics")
    growth = make_program("growth-academy", (seo,))
    sales = make_program("sales-path")
    pre, post = make_program_test(growth, "pre_test"), make_program_test(growth, "post_test")
    # First pre-test 40 (a retake at 30 does not move the start); best post-test 85 of 70, 85.
    make_attempt(ana, pre, 40, attempt_no=1)
    make_attempt(ana, pre, 30, attempt_no=2)
    make_attempt(ana, post, 70, attempt_no=1)
    make_attempt(ana, post, 85, attempt_no=2)
    make_attempt(ana, make_program_test(sales, "pre_test"), 55)  # pre-test only
    # Not counted: the module's own tests, someone else's attempts.
    make_attempt(ana, make_quiz(seo, "pre_test"), 0)
    make_attempt(ana, make_quiz(seo, "post_test"), 100)
    make_attempt(bob, pre, 10)

    with count_queries() as statements:
        gains = learner_program_gains(ana.id)

    assert len(statements) == 1
    assert [g.slug for g in gains] == ["growth-academy", "sales-path"]  # by title
    growth_gain, sales_gain = gains
    # 85 - 40 = 45 points; 45 of the 60 points left: 0.75.
    assert (growth_gain.pre, growth_gain.post) == (40, 85)
    assert (growth_gain.points, growth_gain.normalised) == (45, 0.75)
    assert (sales_gain.pre, sales_gain.post, sales_gain.points) == (55, None, None)
    assert path_page(ana, growth).tests.gain == growth_gain


# -- levels: the first pre-test attempt --------------------------------------------------


def test_levels_take_the_first_pre_test_attempt_not_the_lowest_score(ctx):
    ana = make_person("ana@example.com")
    seo = make_module("seo-basics")
    pre, post = make_quiz(seo, "pre_test"), make_quiz(seo, "post_test")
    make_attempt(ana, pre, 60, attempt_no=1)
    make_attempt(ana, pre, 20, attempt_no=2)  # the lowest score, but a retake
    make_attempt(ana, post, 70, attempt_no=1)
    make_attempt(ana, post, 90, attempt_no=2)
    unsubmitted = make_attempt(ana, pre, 5, attempt_no=3)
    unsubmitted.submitted_at = None

    row = learner_levels().set_index(["learner_id", "module_id"]).loc[(ana.id, seo.id)]

    assert (row["pre_score"], row["post_score"]) == (60, 90)


def test_module_report_level_2_uses_the_first_pre_test_attempt(ctx):
    ana, bob = make_person("ana@example.com"), make_person("bob@example.com")
    seo = make_module("seo-basics")
    pre, post = make_quiz(seo, "pre_test"), make_quiz(seo, "post_test")
    # Ana: first pre 60 (then 20), best post 90: gain 30. Bob: 40 -> 90: gain 50.
    make_attempt(ana, pre, 60, attempt_no=1)
    make_attempt(ana, pre, 20, attempt_no=2)
    make_attempt(ana, post, 90)
    make_attempt(bob, pre, 40)
    make_attempt(bob, post, 90)
    make_completion(ana, seo)
    make_completion(bob, seo)
    report = roi_report("module")
    # Mean of 30 and 50 = 40 (the lowest pre-test score would give (70 + 50) / 2 = 60).
    assert report.levels[0]["l2_gain"] == 40


# -- ROI report: a path's level 2 --------------------------------------------------------


def test_program_report_level_2_is_the_paths_own_gain_where_it_has_tests(ctx):
    learners = [make_person(f"{name}@example.com") for name in ("ana", "bob", "cy", "dee")]
    ana, bob, cy, dee = learners
    seo, ads = make_module("seo-basics"), make_module("social-ads")
    growth = make_program("growth-academy", (seo,))
    make_program("sales-path", (ads,))
    half = make_program("half-tested", (seo,))
    # Growth: its own tests. Ana 40 -> 85 (45); Bob first pre 50 (then 10), best post 80
    # (of 60, 80): 30; Cy took the pre-test only: left out. Mean (45 + 30) / 2 = 37.5.
    pre, post = make_program_test(growth, "pre_test"), make_program_test(growth, "post_test")
    make_attempt(ana, pre, 40)
    make_attempt(ana, post, 85)
    make_attempt(bob, pre, 50, attempt_no=1)
    make_attempt(bob, pre, 10, attempt_no=2)
    make_attempt(bob, post, 60, attempt_no=1)
    make_attempt(bob, post, 80, attempt_no=2)
    make_attempt(cy, pre, 20)
    # The module's own tests (Ana 10 -> 90: 80) do not count for Growth's row...
    make_attempt(ana, make_quiz(seo, "pre_test"), 10)
    make_attempt(ana, make_quiz(seo, "post_test"), 90)
    for person in (ana, bob, cy):
        make_completion(person, seo)
    # ...but Half-tested has a pre-test only, so its row keeps the module mean: 80.
    make_attempt(ana, make_program_test(half, "pre_test"), 30)
    # Sales: no test of its own: the module mean, Dee 50 -> 70 = 20.
    make_attempt(dee, make_quiz(ads, "pre_test"), 50)
    make_attempt(dee, make_quiz(ads, "post_test"), 70)
    make_completion(dee, ads)

    report = roi_report("program")
    l2 = {
        row["program"]: levels["l2_gain"]
        for row, levels in zip(report.rows, report.levels, strict=True)
    }

    assert l2 == {"growth-academy": 37.5, "sales-path": 20, "half-tested": 80}


def test_a_tested_path_nobody_finished_has_no_level_2_yet(ctx):
    ana = make_person("ana@example.com")
    seo = make_module("seo-basics")
    growth = make_program("growth-academy", (seo,))
    make_program_test(growth, "pre_test")
    make_attempt(ana, make_program_test(growth, "post_test"), 90)
    make_attempt(ana, make_quiz(seo, "pre_test"), 10)
    make_attempt(ana, make_quiz(seo, "post_test"), 90)
    make_completion(ana, seo)
    # The path measures level 2 with its own tests; nobody has both scores: no figure,
    # rather than the modules' 80.
    assert roi_report("program").levels[0]["l2_gain"] is None


def test_program_gain_means_on_hand_built_frames():
    tests = pd.DataFrame(
        {
            "program_id": [1, 1, 2, 3, 3],
            "kind": ["pre_test", "post_test", "pre_test", "pre_test", "post_test"],
        }
    )
    scores = pd.DataFrame(
        {
            "learner_id": [10, 11, 12, 10],
            "program_id": [1, 1, 1, 2],
            "pre": [40.0, 20.0, None, 30.0],
            "post": [85.0, 50.0, 90.0, 60.0],
        }
    )
    # Path 1: (45 + 30) / 2 = 37.5 (learner 12 has no pre-test); path 2 has a pre-test
    # only: absent; path 3 has both tests and no scores: NaN.
    means = program_gain_means(tests, scores)
    assert list(means.index) == [1, 3]
    assert means[1] == 37.5 and pd.isna(means[3])
