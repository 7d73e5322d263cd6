"""Knowledge gain (Kirkpatrick level 2): what a learner knows after a module compared with before.

A module's ``pre_test`` is taken before the lesson, its ``post_test`` after it. The
learner's *pre* score is their **first** submitted pre-test attempt (what they knew on
arrival: retaking a pre-test must not erase the starting point); the *post* score is
their **best** post-test attempt (the best passing attempt counts). Gain is given in
points (``post - pre``) and as Hake's normalised gain ``(post - pre) / (100 - pre)``,
the share of what there was left to learn that was learnt.

``lms_roi.analytics.levels.learner_levels`` (the ROI report's level 2) takes the
*lowest* pre-test score instead of the first one; the two agree whenever the
learner took the pre-test once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from lms_roi.db import session
from lms_roi.models import Attempt, Module, Quiz


@dataclass(frozen=True)
class Gain:
    """A knowledge gain: ``points`` on the 0-100 scale and ``normalised`` (a ratio, 0.75)."""

    points: float
    normalised: float | None


@dataclass(frozen=True)
class ModuleGain:
    """One learner's pre/post scores in one module, and the gain between them.

    ``pre`` and ``post`` are percentages (0-100) or None when that test was not taken;
    ``points`` and ``normalised`` are None when either score is missing.
    """

    module_id: int
    slug: str
    title: str
    pre: float | None
    post: float | None
    points: float | None
    normalised: float | None


def knowledge_gain(pre: float | None, post: float | None) -> Gain | None:
    """The gain from a pre-test score to a post-test score (both in percent, 0-100).

    None when either score is missing: no pair of tests, no gain. When ``pre`` is 100
    there was nothing left to learn, so the normalised gain is undefined and is None
    (the gain in points is still given). A lower post-test gives a negative gain.
    """
    if pre is None or post is None:
        return None
    points = float(post) - float(pre)
    normalised = points / (100.0 - float(pre)) if pre < 100 else None
    return Gain(points=points, normalised=normalised)


def learner_gains(learner_id: int) -> list[ModuleGain]:
    """The learner's pre/post scores and gain per module (modules with either test), by title.

    One SQL statement: the learner's submitted pre/post-test attempts of module quizzes,
    numbered per module in the order they were submitted (a window function), then
    grouped by module: the first pre-test score and the best post-test score.
    """
    kind = Quiz.kind
    attempts = (
        select(
            Quiz.module_id,
            kind,
            Attempt.score_pct,
            func.row_number()
            .over(
                partition_by=(Quiz.module_id, kind),
                order_by=(Attempt.submitted_at, Attempt.attempt_no, Attempt.id),
            )
            .label("rank"),
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(
            Attempt.learner_id == learner_id,
            Attempt.submitted_at.is_not(None),
            Attempt.score_pct.is_not(None),
            Quiz.kind.in_(("pre_test", "post_test")),
            Quiz.module_id.is_not(None),
        )
        .subquery()
    )
    first_pre = case(
        ((attempts.c.kind == "pre_test") & (attempts.c.rank == 1), attempts.c.score_pct)
    )
    best_post = case((attempts.c.kind == "post_test", attempts.c.score_pct))
    rows = session().execute(
        select(
            Module.id,
            Module.slug,
            Module.title,
            func.max(first_pre).label("pre"),
            func.max(best_post).label("post"),
        )
        .join(attempts, attempts.c.module_id == Module.id)
        .group_by(Module.id, Module.slug, Module.title)
        .order_by(Module.title, Module.id)
    )
    gains = []
    for module_id, slug, title, pre, post in rows:
        gain = knowledge_gain(pre, post)
        gains.append(
            ModuleGain(
                module_id=module_id,
                slug=slug,
                title=title,
                pre=pre,
                post=post,
                points=gain.points if gain else None,
                normalised=gain.normalised if gain else None,
            )
        )
    return gains
