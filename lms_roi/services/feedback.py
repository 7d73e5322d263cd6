"""Level 1 and level 3 answers: the reaction survey and the application follow-ups.

Follow-ups are the ROI method's fallback isolation data (DESIGN §7 step 4): the
share of a KPI change a learner attributes to the training, and their confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError
from lms_roi.models import Completion, FollowUp, Learner, Module, SurveyResponse

from .learning import FOLLOW_UP_OPEN_DAYS


@dataclass(frozen=True)
class SurveyAnswers:
    """A learner's reaction to a module (level 1)."""

    rating: int
    relevance: int
    would_recommend: bool | None
    comment: str = ""


@dataclass(frozen=True)
class FollowUpAnswers:
    """A learner's account of applying a module (level 3)."""

    applied: bool
    attribution_pct: float | None
    confidence_pct: float | None
    comment: str = ""


def has_completed(learner: Learner, module: Module) -> bool:
    """Whether ``learner`` completed ``module`` (any version)."""
    return (
        session().scalar(
            select(Completion.id)
            .where(Completion.learner_id == learner.id, Completion.module_id == module.id)
            .limit(1)
        )
        is not None
    )


def survey_of(learner: Learner, module: Module) -> SurveyResponse | None:
    """The learner's survey answers for ``module``, if given."""
    return session().scalar(
        select(SurveyResponse).where(
            SurveyResponse.learner_id == learner.id, SurveyResponse.module_id == module.id
        )
    )


def submit_survey(
    learner: Learner, module: Module, answers: SurveyAnswers, now: datetime | None = None
) -> SurveyResponse:
    """Save the reaction survey (after a completion); answering again replaces the answers."""
    if not has_completed(learner, module):
        raise DomainError(
            "not_completed", _("The survey opens once you have completed the module."), "module"
        )
    for name, value in (("rating", answers.rating), ("relevance", answers.relevance)):
        if not 1 <= value <= 5:
            raise DomainError("invalid_input", _("Choose a value from 1 to 5."), name)
    response = survey_of(learner, module)
    if response is None:
        response = SurveyResponse(learner_id=learner.id, module_id=module.id)
        session().add(response)
    response.rating = answers.rating
    response.relevance = answers.relevance
    response.would_recommend = answers.would_recommend
    response.comment = answers.comment.strip()
    response.submitted_at = now or utcnow()
    session().flush()
    return response


def open_follow_ups(learner: Learner, today: date) -> list[tuple[FollowUp, Module]]:
    """Follow-ups due and still open (answerable up to 30 days after their due date)."""
    return [
        tuple(row)
        for row in session().execute(
            select(FollowUp, Module)
            .join(Module, Module.id == FollowUp.module_id)
            .where(
                FollowUp.learner_id == learner.id,
                FollowUp.answered_at.is_(None),
                FollowUp.due_on <= today,
                FollowUp.due_on >= today - timedelta(days=FOLLOW_UP_OPEN_DAYS),
            )
            .order_by(FollowUp.due_on, FollowUp.id)
        )
    ]


def next_follow_up(learner: Learner, today: date) -> date | None:
    """When the learner's next follow-up falls due (after today), if any."""
    return session().scalar(
        select(FollowUp.due_on)
        .where(
            FollowUp.learner_id == learner.id,
            FollowUp.answered_at.is_(None),
            FollowUp.due_on > today,
        )
        .order_by(FollowUp.due_on)
        .limit(1)
    )


def answer_follow_up(
    follow_up: FollowUp, answers: FollowUpAnswers, today: date, now: datetime | None = None
) -> FollowUp:
    """Record a follow-up's answers; only while it is open, and only once."""
    if follow_up.answered_at is not None:
        raise DomainError("already_answered", _("This follow-up is already answered."), None)
    if follow_up.due_on > today:
        raise DomainError("not_due", _("This follow-up opens on its due date."), "due_on")
    if follow_up.due_on < today - timedelta(days=FOLLOW_UP_OPEN_DAYS):
        raise DomainError("closed", _("This follow-up has closed."), "due_on")
    for name, value in (
        ("attribution_pct", answers.attribution_pct),
        ("confidence_pct", answers.confidence_pct),
    ):
        if value is not None and not 0 <= value <= 100:
            raise DomainError("invalid_input", _("Write a percentage from 0 to 100."), name)
    if answers.applied and (answers.attribution_pct is None or answers.confidence_pct is None):
        field = "attribution_pct" if answers.attribution_pct is None else "confidence_pct"
        raise DomainError(
            "invalid_input",
            _("When you applied it, say how much of the change it explains and how sure you are."),
            field,
        )
    # Not applied means none of the change comes from the training. The UPDATE only
    # takes an unanswered row, so of two concurrent answers the first one stays.
    written = session().execute(
        update(FollowUp)
        .where(FollowUp.id == follow_up.id, FollowUp.answered_at.is_(None))
        .values(
            applied=answers.applied,
            attribution_pct=answers.attribution_pct if answers.applied else 0.0,
            confidence_pct=answers.confidence_pct if answers.applied else 100.0,
            comment=answers.comment.strip(),
            answered_at=now or utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not written:
        raise DomainError("already_answered", _("This follow-up is already answered."), None)
    session().refresh(follow_up)
    return follow_up
