"""Levels 1-3 and intangibles per learner and module, and their aggregation over groups."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sqlalchemy import Float, case, func, select

from lms_roi.db import utcnow
from lms_roi.models import Enrollment, FollowUp, ProgramModule, Quiz, SurveyResponse

from .knowledge import TEST_KINDS, pre_post_scores
from .loader import frame

LEVEL_COLUMNS = [
    "l1_reaction",
    "l2_gain",
    "l3_applied_pct",
    "satisfaction",
    "engagement_pct",
    "completion_rate_pct",
]


def learner_levels() -> pd.DataFrame:
    """One row per learner and module: rating, relevance, pre/post scores, follow-up answers.

    ``pre_score`` is the learner's first submitted pre-test attempt, ``post_score``
    their best post-test attempt (:func:`~lms_roi.analytics.knowledge.pre_post_scores`).
    """
    surveys = frame(
        select(
            SurveyResponse.learner_id,
            SurveyResponse.module_id,
            SurveyResponse.rating,
            SurveyResponse.relevance,
        )
    )
    # First pre-test attempt, best post-test attempt: the learner pages' definition.
    scores = (
        frame(pre_post_scores(Quiz.module_id))
        .rename(columns={"owner_id": "module_id", "pre": "pre_score", "post": "post_score"})
        .astype({"pre_score": float, "post_score": float})
    )
    follow = frame(
        select(
            FollowUp.learner_id,
            FollowUp.module_id,
            func.count(FollowUp.id).label("follow_ups_due"),
            func.count(FollowUp.answered_at).label("follow_ups_answered"),
            func.avg(case((FollowUp.applied.is_(True), 1.0), (FollowUp.applied.is_(False), 0.0)))
            .cast(Float)
            .label("applied"),
        )
        .where(FollowUp.due_on <= utcnow().date())
        .group_by(FollowUp.learner_id, FollowUp.module_id)
    )
    keys = ["learner_id", "module_id"]
    levels = surveys.set_index(keys).join(scores.set_index(keys), how="outer")
    levels = levels.join(follow.set_index(keys), how="outer")
    return levels.reset_index()


def program_test_gains() -> pd.Series:
    """Mean knowledge gain (points) in each path's own tests, for paths that have both.

    Indexed by program id: paths with a pre-test and a post-test of their own, each
    with the mean ``post - pre`` of the learners who have both scores (NaN while
    nobody has). Two queries; see :func:`program_gain_means`.
    """
    tests = frame(
        select(Quiz.program_id, Quiz.kind)
        .where(Quiz.program_id.is_not(None), Quiz.kind.in_(TEST_KINDS))
        .distinct()
    )
    scores = frame(pre_post_scores(Quiz.program_id)).rename(columns={"owner_id": "program_id"})
    return program_gain_means(tests, scores)


def program_gain_means(tests: pd.DataFrame, scores: pd.DataFrame) -> pd.Series:
    """Mean ``post - pre`` per path among paths with both a pre-test and a post-test.

    ``tests``: ``program_id``, ``kind`` of the paths' own tests; ``scores``:
    ``learner_id``, ``program_id``, ``pre``, ``post`` (one row per learner and path).
    Learners missing either score are left out; a path whose learners all are gets NaN.
    """
    kinds = tests.groupby("program_id")["kind"].nunique()
    tested = kinds.index[kinds == len(TEST_KINDS)]
    gains = scores["post"].astype(float) - scores["pre"].astype(float)
    means = gains.groupby(scores["program_id"]).mean()
    return means.reindex(tested).astype(float).rename("l2_gain").rename_axis("program_id")


def enrolled_learners() -> pd.DataFrame:
    """Learners expected to take each module: those enrolled in a program containing it."""
    return frame(
        select(Enrollment.learner_id, ProgramModule.module_id)
        .join(ProgramModule, ProgramModule.program_id == Enrollment.program_id)
        .distinct()
    )


def levels_by_group(
    levels: pd.DataFrame,
    membership: pd.DataFrame,
    enrolled: pd.DataFrame,
    n_groups: int,
    *,
    per_person: bool = False,
) -> list[dict]:
    """Levels 1-3 and intangibles of each group, in one vectorised pass.

    ``membership``: ``group`` (0..n_groups-1), ``learner_id``, ``module_id``: the
    completions each group is made of. L1 reaction: mean rating (1-5). L2 gain:
    mean post-test minus pre-test score (points, learners with both). L3: % of
    answered follow-ups saying the learning was applied. Satisfaction: mean
    relevance (1-5). Engagement: % of due follow-ups answered. Completion rate: %
    of the learners enrolled for the group's modules who completed them (with
    ``per_person``, a learner or a team against their own enrolments). Figures
    are unrounded (exports carry them whole; pages round).
    """
    keys = ["learner_id", "module_id"]
    pairs = membership[["group", *keys]].drop_duplicates()
    rows = pairs.merge(levels, on=keys, how="left")
    rows["gain"] = rows["post_score"] - rows["pre_score"]
    rows["applied_pct"] = rows["applied"] * 100
    # Columns without any value come back as objects (None); averaged as objects, a
    # hundred thousand groups take Python's pace.
    figures = ["rating", "gain", "applied_pct", "relevance", "follow_ups_answered"]
    rows[figures + ["follow_ups_due"]] = rows[figures + ["follow_ups_due"]].astype(float)
    by = rows.groupby("group")
    means = by[["rating", "gain", "applied_pct", "relevance"]].mean()
    answered = by["follow_ups_answered"].sum()
    due = by["follow_ups_due"].sum()
    if per_person:
        expected = pairs[["group", "learner_id"]].drop_duplicates().merge(enrolled, on="learner_id")
    else:
        expected = pairs[["group", "module_id"]].drop_duplicates().merge(enrolled, on="module_id")
    reached = expected.merge(pairs, on=["group", *keys])
    n_expected = expected.groupby("group").size()
    n_reached = reached.groupby("group").size()
    groups = pd.RangeIndex(n_groups)
    due_n = due.reindex(groups).fillna(0).astype(float)
    answered_n = answered.reindex(groups).fillna(0).astype(float)
    expected_n = n_expected.reindex(groups).fillna(0).astype(int)
    reached_n = n_reached.reindex(groups).fillna(0).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        engagement = (100 * answered_n / due_n).where(due_n != 0)
        completion = (100 * reached_n / expected_n).where(expected_n != 0)
    table = pd.DataFrame(
        {
            "l1_reaction": means["rating"].reindex(groups),
            "l2_gain": means["gain"].reindex(groups),
            "l3_applied_pct": means["applied_pct"].reindex(groups),
            "satisfaction": means["relevance"].reindex(groups),
            "engagement_pct": engagement,
            "completion_rate_pct": completion,
        },
        index=groups,
    ).astype(float)
    # One dict per group, None where a figure is undefined (as many groups as learners).
    columns = {name: table[name].tolist() for name in LEVEL_COLUMNS}
    return [
        {
            name: None if math.isnan(value) else value
            for name, value in zip(LEVEL_COLUMNS, row, strict=True)
        }
        for row in zip(*(columns[name] for name in LEVEL_COLUMNS), strict=True)
    ]
