"""Levels 1-3 and intangibles per learner and module, and their aggregation over groups."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Float, case, func, select

from lms_roi.db import utcnow
from lms_roi.models import Attempt, Enrollment, FollowUp, ProgramModule, Quiz, SurveyResponse

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
    """One row per learner and module: rating, relevance, pre/post scores, follow-up answers."""
    surveys = frame(
        select(
            SurveyResponse.learner_id,
            SurveyResponse.module_id,
            SurveyResponse.rating,
            SurveyResponse.relevance,
        )
    )
    scores = frame(
        select(
            Attempt.learner_id,
            Quiz.module_id,
            Quiz.kind,
            func.min(Attempt.score_pct).label("first_score"),
            func.max(Attempt.score_pct).label("best_score"),
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(
            Quiz.kind.in_(("pre_test", "post_test")),
            Attempt.score_pct.is_not(None),
            Quiz.module_id.is_not(None),
        )
        .group_by(Attempt.learner_id, Quiz.module_id, Quiz.kind)
    )
    pre = scores[scores["kind"] == "pre_test"].set_index(["learner_id", "module_id"])["first_score"]
    post = scores[scores["kind"] == "post_test"].set_index(["learner_id", "module_id"])[
        "best_score"
    ]
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
    levels = surveys.set_index(keys).join(
        pd.DataFrame({"pre_score": pre, "post_score": post}), how="outer"
    )
    levels = levels.join(follow.set_index(keys), how="outer")
    return levels.reset_index()


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
    out = []
    for group in range(n_groups):

        def mean(column: str, group: int = group):
            value = means[column].get(group) if group in means.index else None
            return None if value is None or pd.isna(value) else float(value)

        due_n = float(due.get(group, 0) or 0)
        expected_n = int(n_expected.get(group, 0))
        out.append(
            {
                "l1_reaction": mean("rating"),
                "l2_gain": mean("gain"),
                "l3_applied_pct": mean("applied_pct"),
                "satisfaction": mean("relevance"),
                "engagement_pct": 100 * float(answered.get(group, 0)) / due_n if due_n else None,
                "completion_rate_pct": 100 * int(n_reached.get(group, 0)) / expected_n
                if expected_n
                else None,
            }
        )
    return out
