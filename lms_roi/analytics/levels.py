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


def aggregate_levels(
    levels: pd.DataFrame,
    completers: pd.DataFrame,
    enrolled: pd.DataFrame,
    *,
    per_person: bool = False,
) -> dict[str, float | None]:
    """Levels 1-3 and intangibles over the (learner, module) pairs of ``completers``.

    L1 reaction: mean rating (1-5). L2 gain: mean post-test minus pre-test score
    (points, learners with both). L3: % of answered follow-ups saying the
    learning was applied. Satisfaction: mean relevance (1-5). Engagement: % of
    due follow-ups answered. Completion rate: % of learners enrolled for these
    modules who completed them (with ``per_person``, only the group's own
    enrolments count: a learner or a team measured against what they were
    enrolled in).
    """
    keys = ["learner_id", "module_id"]
    rows = completers[keys].drop_duplicates().merge(levels, on=keys, how="left")
    gain = (rows["post_score"] - rows["pre_score"]).dropna()
    answered = rows["follow_ups_answered"].sum()
    due = rows["follow_ups_due"].sum()
    expected = enrolled[enrolled["module_id"].isin(rows["module_id"].unique())]
    if per_person:
        expected = enrolled[enrolled["learner_id"].isin(rows["learner_id"].unique())]
    reached = expected.merge(completers[keys].drop_duplicates(), on=keys)
    return {
        "l1_reaction": _mean(rows["rating"]),
        "l2_gain": _mean(gain),
        "l3_applied_pct": _mean(rows["applied"] * 100),
        "satisfaction": _mean(rows["relevance"]),
        "engagement_pct": round(float(100 * answered / due), 1) if due else None,
        "completion_rate_pct": round(100 * len(reached) / len(expected), 1)
        if len(expected)
        else None,
    }


def _mean(values: pd.Series) -> float | None:
    values = values.dropna()
    return round(float(values.mean()), 2) if len(values) else None
