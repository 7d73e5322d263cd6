"""Knowledge gain (Kirkpatrick level 2): what a learner knows after a module or a path
compared with before.

A module's (or a path's) ``pre_test`` is taken before the lessons, its ``post_test``
after them. The learner's *pre* score is their **first** submitted pre-test attempt
(the lowest attempt number: what they knew on arrival; retaking a pre-test must not
erase the starting point); the *post* score is their **best** post-test attempt (the
best passing attempt counts). Gain is given in points (``post - pre``) and as Hake's
normalised gain ``(post - pre) / (100 - pre)``, the share of what there was left to
learn that was learnt.

:func:`pre_post_scores` is the one SQL definition of those two scores: the learner pages
(:func:`learner_gains`, :func:`learner_program_gains`) and the ROI report's level 2
(``lms_roi.analytics.levels``) all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, func, select

from lms_roi.db import session
from lms_roi.models import Attempt, Module, Program, Quiz

#: The quiz kinds that measure a gain.
TEST_KINDS = ("pre_test", "post_test")


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


@dataclass(frozen=True)
class ProgramGain:
    """One learner's scores in a path's own pre-test and post-test, and the gain between them.

    Same meaning of the fields as :class:`ModuleGain`.
    """

    program_id: int
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


def pre_post_scores(owner, *conditions) -> Select:
    """Per learner and owner (``Quiz.module_id`` or ``Quiz.program_id``): the first
    pre-test score and the best post-test score.

    A ``select`` of ``learner_id``, ``owner_id``, ``pre`` and ``post`` (None when that
    test was not taken) over submitted, scored attempts; ``conditions`` narrow the
    attempts (e.g. one learner). One statement: the attempts are numbered per learner,
    owner and kind by attempt number (a window function), then grouped.
    """
    attempts = (
        select(
            Attempt.learner_id,
            owner.label("owner_id"),
            Quiz.kind,
            Attempt.score_pct,
            func.row_number()
            .over(
                partition_by=(Attempt.learner_id, owner, Quiz.kind),
                order_by=(Attempt.attempt_no, Attempt.submitted_at, Attempt.id),
            )
            .label("rank"),
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(
            Attempt.submitted_at.is_not(None),
            Attempt.score_pct.is_not(None),
            Quiz.kind.in_(TEST_KINDS),
            owner.is_not(None),
            *conditions,
        )
        .subquery()
    )
    first_pre = case(
        ((attempts.c.kind == "pre_test") & (attempts.c.rank == 1), attempts.c.score_pct)
    )
    best_post = case((attempts.c.kind == "post_test", attempts.c.score_pct))
    return select(
        attempts.c.learner_id,
        attempts.c.owner_id,
        func.max(first_pre).label("pre"),
        func.max(best_post).label("post"),
    ).group_by(attempts.c.learner_id, attempts.c.owner_id)


def learner_gains(learner_id: int) -> list[ModuleGain]:
    """The learner's pre/post scores and gain per module (modules with either test), by title.

    One SQL statement (:func:`pre_post_scores` joined to the modules).
    """
    scores = pre_post_scores(Quiz.module_id, Attempt.learner_id == learner_id).subquery()
    rows = session().execute(
        select(Module.id, Module.slug, Module.title, scores.c.pre, scores.c.post)
        .join(scores, scores.c.owner_id == Module.id)
        .order_by(Module.title, Module.id)
    )
    return [ModuleGain(*row, *_gain_fields(row.pre, row.post)) for row in rows]


def learner_program_gains(learner_id: int) -> list[ProgramGain]:
    """The learner's scores and gain per path in the paths' own pre/post tests, by title.

    Paths where the learner took either test; one SQL statement.
    """
    scores = pre_post_scores(Quiz.program_id, Attempt.learner_id == learner_id).subquery()
    rows = session().execute(
        select(Program.id, Program.slug, Program.title, scores.c.pre, scores.c.post)
        .join(scores, scores.c.owner_id == Program.id)
        .order_by(Program.title, Program.id)
    )
    return [ProgramGain(*row, *_gain_fields(row.pre, row.post)) for row in rows]


def _gain_fields(pre: float | None, post: float | None) -> tuple[float | None, float | None]:
    gain = knowledge_gain(pre, post)
    return (gain.points, gain.normalised) if gain else (None, None)
