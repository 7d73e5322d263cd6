"""REST lists of learning history: ``GET /completions`` and ``GET /attempts``.

Who sees whose (DESIGN §8): analysts and admins everyone's; a learner their own; a
tutor their active mentees' (and their own, as a learner). HR reads aggregates on its
pages, never these rows. Completions are written by ``POST /modules/{slug}/completions``
and attempts by ``POST /quizzes/{id}/attempts`` (``api_learning``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import false, or_, select

from lms_roi.db import session
from lms_roi.models import Attempt, Completion, Learner, Module, Quiz, TutoringPair
from lms_roi.models._types import COMPLETION_SOURCES, QUIZ_KINDS
from lms_roi.policy import current_person, policy
from lms_roi.services.mentees import active_pair_filter, organisation_today

from .api import api
from .api_base import NotFound
from .api_pages import PageQueryIn, page_body, page_schema, paginate

ANALYSTS = ("analyst", "admin")


class _HistoryQueryIn(PageQueryIn):
    learner = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=191),
        metadata={"description": "External id of a learner the caller may follow"},
    )
    module = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    since = fields.AwareDateTime(load_default=None, metadata={"description": "On or after"})
    until = fields.AwareDateTime(load_default=None, metadata={"description": "Before"})


class CompletionQueryIn(_HistoryQueryIn):
    """Query of ``GET /completions``."""

    source = fields.String(load_default=None, validate=validate.OneOf(COMPLETION_SOURCES))


class AttemptQueryIn(_HistoryQueryIn):
    """Query of ``GET /attempts`` (submitted attempts only)."""

    quiz = fields.Integer(load_default=None, validate=validate.Range(min=1))
    kind = fields.String(load_default=None, validate=validate.OneOf(QUIZ_KINDS))
    passed = fields.Boolean(load_default=None)


class CompletionRecordOut(Schema):
    """One completion of a module version."""

    id = fields.Integer()
    learner = fields.String()
    module = fields.String()
    version = fields.Integer()
    completed_at = fields.DateTime()
    score = fields.Float(allow_none=True)
    source = fields.String()


class AttemptRecordOut(Schema):
    """One submitted quiz attempt and its grade (unrounded)."""

    id = fields.Integer()
    learner = fields.String()
    quiz = fields.Integer(attribute="quiz_id")
    kind = fields.String()
    module = fields.String(allow_none=True)
    attempt_no = fields.Integer()
    started_at = fields.DateTime()
    submitted_at = fields.DateTime()
    score_pct = fields.Float(allow_none=True)
    passed = fields.Boolean(allow_none=True)


def followed_learners(person: Learner):
    """Whose history ``person`` may read, as a condition on ``Learner`` (None: everyone's)."""
    if person.roles & set(ANALYSTS):
        return None
    conditions = []
    if "learner" in person.roles:
        conditions.append(Learner.id == person.id)
    if "tutor" in person.roles:
        mentees = (
            select(TutoringPair.mentee_id)
            .join(Learner, Learner.id == TutoringPair.mentee_id)
            .where(active_pair_filter(person.id, organisation_today()))
            # Its own Learner (the mentee), never the outer query's: no auto-correlation.
            .correlate(None)
        )
        conditions.append(Learner.id.in_(mentees))
    return or_(*conditions) if conditions else false()


def _filtered(stmt, query: dict, time_column):
    """Apply the caller's reach and the common filters to a statement joined to Learner."""
    person = current_person()
    reach = followed_learners(person)
    if reach is not None:
        stmt = stmt.where(reach)
    if query["learner"]:
        learner_id = session().scalar(
            select(Learner.id).where(Learner.external_id == query["learner"])
        )
        allowed = learner_id is not None and (
            reach is None
            or session().scalar(select(Learner.id).where(Learner.id == learner_id, reach))
        )
        if not allowed:
            # Same answer for "absent" and "not yours": no probing of who exists.
            raise NotFound(
                "learner_not_found",
                _("no learner with external id %(id)r", id=query["learner"]),
                "learner",
            )
        stmt = stmt.where(Learner.id == learner_id)
    if query["module"]:
        stmt = stmt.where(Module.slug == query["module"])
    if query["since"]:
        stmt = stmt.where(time_column >= query["since"])
    if query["until"]:
        stmt = stmt.where(time_column < query["until"])
    return stmt


@api.get("/completions")
@policy("learner", "tutor", *ANALYSTS)
@api.arguments(CompletionQueryIn, location="query")
@api.response(200, page_schema(CompletionRecordOut))
@api.alt_response(404, response="NOT_FOUND")
def completions_list(query: dict):
    """Completions in the order recorded: everyone's (analysts), one's own, one's mentees'."""
    stmt = (
        select(
            Completion.id,
            Learner.external_id.label("learner"),
            Module.slug.label("module"),
            Completion.version,
            Completion.completed_at,
            Completion.score,
            Completion.source,
        )
        .join(Learner, Learner.id == Completion.learner_id)
        .join(Module, Module.id == Completion.module_id)
    )
    stmt = _filtered(stmt, query, Completion.completed_at)
    if query["source"]:
        stmt = stmt.where(Completion.source == query["source"])
    return page_body(paginate(stmt, Completion.id, query, scalars=False))


@api.get("/attempts")
@policy("learner", "tutor", *ANALYSTS)
@api.arguments(AttemptQueryIn, location="query")
@api.response(200, page_schema(AttemptRecordOut))
@api.alt_response(404, response="NOT_FOUND")
def attempts_list(query: dict):
    """Submitted quiz attempts in the order started, with the same reach as completions."""
    stmt = (
        select(
            Attempt.id,
            Learner.external_id.label("learner"),
            Attempt.quiz_id,
            Quiz.kind,
            Module.slug.label("module"),
            Attempt.attempt_no,
            Attempt.started_at,
            Attempt.submitted_at,
            Attempt.score_pct,
            Attempt.passed,
        )
        .join(Learner, Learner.id == Attempt.learner_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .outerjoin(Module, Module.id == Quiz.module_id)
        .where(Attempt.submitted_at.is_not(None))
    )
    stmt = _filtered(stmt, query, Attempt.submitted_at)
    if query["quiz"]:
        stmt = stmt.where(Attempt.quiz_id == query["quiz"])
    if query["kind"]:
        stmt = stmt.where(Quiz.kind == query["kind"])
    if query["passed"] is not None:
        stmt = stmt.where(Attempt.passed.is_(query["passed"]))
    return page_body(paginate(stmt, Attempt.id, query, scalars=False))
