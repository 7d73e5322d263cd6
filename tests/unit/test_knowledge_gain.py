"""Knowledge gain (level 2): points and normalised gain, known answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from factories import make_module, make_person
from lms_roi.analytics.knowledge import Gain, knowledge_gain, learner_gains
from paths_factories import T0, make_attempt, make_quiz


def test_gain_from_40_to_85_is_45_points_and_three_quarters_normalised():
    # 85 - 40 = 45 points; 45 of the 60 points left to learn: 45 / 60 = 0.75.
    assert knowledge_gain(40, 85) == Gain(points=45.0, normalised=0.75)


def test_gain_from_a_perfect_pre_test_has_no_normalised_value():
    # 100 - 100 = 0 points; (100 - 100) / (100 - 100) is undefined: None, not 0 or an error.
    assert knowledge_gain(100, 100) == Gain(points=0.0, normalised=None)
    assert knowledge_gain(100, 90).normalised is None


@pytest.mark.parametrize(("pre", "post"), [(None, 85), (40, None), (None, None)])
def test_gain_needs_both_scores(pre, post):
    assert knowledge_gain(pre, post) is None


def test_a_lower_post_test_is_a_negative_gain():
    # 50 -> 40: -10 points, -10 / 50 = -0.2.
    assert knowledge_gain(50, 40) == Gain(points=-10.0, normalised=-0.2)


def test_learner_gains_take_the_first_pre_test_and_the_best_post_test(ctx):
    ana = make_person("ana@example.com")
    bob = make_person("bob@example.com")
    seo = make_module("seo-basics")
    ads = make_module("social-ads")
    leads = make_module("lead-qualification")
    seo_pre, seo_post = make_quiz(seo, "pre_test"), make_quiz(seo, "post_test")
    # First pre-test 40 (a retake at 30 later does not move the starting point).
    make_attempt(ana, seo_pre, 40, attempt_no=1)
    make_attempt(ana, seo_pre, 30, attempt_no=2)
    # Best post-test 85 out of 70 and 85.
    make_attempt(ana, seo_post, 70, attempt_no=1)
    make_attempt(ana, seo_post, 85, attempt_no=2)
    # Social ads: a pre-test only; lead qualification: perfect pre-test.
    make_attempt(ana, make_quiz(ads, "pre_test"), 55)
    make_attempt(ana, make_quiz(leads, "pre_test"), 100)
    make_attempt(ana, make_quiz(leads, "post_test"), 100)
    # Not counted: an unsubmitted attempt, a practice quiz, someone else's attempt.
    unsubmitted = make_attempt(ana, seo_post, None, attempt_no=3)
    unsubmitted.submitted_at = None
    make_attempt(ana, make_quiz(seo, "practice"), 10)
    make_attempt(bob, seo_pre, 0, submitted_at=T0 - timedelta(days=1))

    rows = {row.slug: row for row in learner_gains(ana.id)}

    assert [row.slug for row in learner_gains(ana.id)] == [
        "lead-qualification",
        "seo-basics",
        "social-ads",
    ]
    assert (rows["seo-basics"].pre, rows["seo-basics"].post) == (40, 85)
    assert (rows["seo-basics"].points, rows["seo-basics"].normalised) == (45, 0.75)
    assert (rows["social-ads"].pre, rows["social-ads"].post, rows["social-ads"].points) == (
        55,
        None,
        None,
    )
    assert rows["lead-qualification"].points == 0 and rows["lead-qualification"].normalised is None
    assert learner_gains(bob.id)[0].pre == 0


def test_first_pre_test_follows_submission_order_not_the_lowest_score(ctx):
    ana = make_person("ana@example.com")
    seo = make_module("seo-basics")
    pre = make_quiz(seo, "pre_test")
    make_attempt(ana, pre, 20, attempt_no=2, submitted_at=T0 + timedelta(days=2))
    make_attempt(ana, pre, 60, attempt_no=1, submitted_at=T0)
    assert learner_gains(ana.id)[0].pre == 60
