"""REST endpoints of the learner's journey: modules, completions, quiz attempts, progress.

Routes live on the ``api`` blueprint (``/api/v1``), with its token auth and error shape.
"""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from marshmallow import fields, validate
from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError

from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError
from lms_roi.lessons import split_steps
from lms_roi.models import (
    Attempt,
    Completion,
    FollowUp,
    Kpi,
    Learner,
    Module,
    ModuleKpi,
    ModulePrerequisite,
    ModuleProgress,
    Quiz,
    ReviewItem,
    TutoringPair,
)
from lms_roi.policy import current_person, policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services import learning, quizzes
from lms_roi.services.mentees import active_pair_filter, organisation_today

from .api import api
from .api_base import NotFound as _NotFound
from .api_out import (
    CatalogModuleDetailOut,
    CatalogModuleOut,
    CompletionResultOut,
    GradedAttemptOut,
    LearnerProgressOut,
)

ANALYSTS = ("analyst", "admin")


class CompletionIn(LocalizedSchema):
    """Body of ``POST /modules/{slug}/completions``."""

    learner = fields.String(required=True, validate=validate.Length(min=1, max=200))
    completed_at = fields.AwareDateTime(load_default=None)
    score = fields.Float(load_default=None, validate=validate.Range(min=0, max=100))
    version = fields.Integer(load_default=None, validate=validate.Range(min=1))


class AnswerIn(LocalizedSchema):
    question = fields.Integer(required=True)
    choices = fields.List(fields.Integer(), required=True, validate=validate.Length(max=50))


class ModulesQueryIn(LocalizedSchema):
    """Query of ``GET /modules``."""

    drafts = fields.Boolean(
        load_default=False, metadata={"description": "Analysts: also list unpublished modules"}
    )


class AttemptIn(LocalizedSchema):
    """Body of ``POST /quizzes/{id}/attempts``: every answer of one attempt."""

    answers = fields.List(fields.Nested(AnswerIn), required=True, validate=validate.Length(max=500))


def _module(slug: str, *, drafts: bool) -> Module:
    module = session().scalar(select(Module).where(Module.slug == slug))
    if module is None or (not module.published and not drafts):
        raise _NotFound("module_not_found", _("no module with slug %(slug)r", slug=slug), "slug")
    return module


def find_learner(reference: str) -> Learner | None:
    """The learner with this external id, else this email (case-insensitive)."""
    return session().scalar(
        select(Learner)
        .where(
            or_(Learner.external_id == reference, func.lower(Learner.email) == reference.lower())
        )
        .order_by(Learner.external_id != reference)
        .limit(1)
    )


def _is_analyst() -> bool:
    return bool(current_person().roles & set(ANALYSTS))


def _module_json(module: Module, quizzes_by_module: dict, prerequisites: dict) -> dict:
    return {
        "slug": module.slug,
        "title": module.title,
        "summary": module.summary,
        "method": module.method,
        "duration_minutes": module.duration_minutes,
        "version": module.current_version,
        "published": module.published,
        "tags": module.tag_names,
        "prerequisites": prerequisites.get(module.id, []),
        "quizzes": quizzes_by_module.get(module.id, []),
    }


def _quizzes_and_prerequisites(module_ids: list[int]) -> tuple[dict, dict]:
    db = session()
    by_module: dict[int, list] = {}
    for quiz in db.scalars(
        select(Quiz).where(Quiz.module_id.in_(module_ids)).order_by(Quiz.module_id, Quiz.id)
    ):
        by_module.setdefault(quiz.module_id, []).append(
            {
                "id": quiz.id,
                "kind": quiz.kind,
                "title": quiz.title,
                "pass_mark_pct": quiz.pass_mark_pct,
                "max_attempts": quiz.max_attempts,
            }
        )
    required = Module.__table__.alias("required")
    prerequisites: dict[int, list[str]] = {}
    for module_id, slug in db.execute(
        select(ModulePrerequisite.module_id, required.c.slug)
        .join(required, required.c.id == ModulePrerequisite.required_module_id)
        .where(ModulePrerequisite.module_id.in_(module_ids))
        .order_by(required.c.slug)
    ):
        prerequisites.setdefault(module_id, []).append(slug)
    return by_module, prerequisites


@api.get("/modules")
@policy("learner", *ANALYSTS)
@api.arguments(ModulesQueryIn, location="query")
@api.response(200, CatalogModuleOut(many=True))
def modules_list(query: dict):
    """The catalog: published modules (analysts also see drafts with ``?drafts=true``)."""
    drafts = _is_analyst() and query["drafts"]
    stmt = select(Module).order_by(Module.slug)
    if not drafts:
        stmt = stmt.where(Module.published.is_(True))
    modules = session().scalars(stmt).all()
    by_module, prerequisites = _quizzes_and_prerequisites([m.id for m in modules])
    return jsonify([_module_json(m, by_module, prerequisites) for m in modules])


@api.get("/modules/<slug>")
@policy("learner", *ANALYSTS)
@api.no_query()
@api.response(200, CatalogModuleDetailOut)
@api.alt_response(404, response="NOT_FOUND")
def module_show(slug: str):
    """One module with its lesson steps (Markdown) and its KPIs with weights."""
    module = _module(slug, drafts=_is_analyst())
    by_module, prerequisites = _quizzes_and_prerequisites([module.id])
    body = _module_json(module, by_module, prerequisites)
    body["steps"] = [
        {"title": step.title, "markdown": step.markdown} for step in split_steps(module.body_md)
    ]
    body["kpis"] = [
        {"kpi": key, "weight": float(weight)}
        for key, weight in session().execute(
            select(Kpi.key, ModuleKpi.weight)
            .join(Kpi, Kpi.id == ModuleKpi.kpi_id)
            .where(ModuleKpi.module_id == module.id)
            .order_by(Kpi.key)
        )
    ]
    return jsonify(body)


@api.post("/modules/<slug>/completions")
@policy(*ANALYSTS)
@api.arguments(CompletionIn, location="json")
@api.response(201, CompletionResultOut)
@api.alt_response(200, schema=CompletionResultOut, description="Already recorded")
@api.alt_response(404, response="NOT_FOUND")
def completion_create(body: dict, slug: str):
    """Record a completion (a host platform, an HRIS); idempotent per learner, module, version.

    201 with the new completion, or 200 with the one already recorded.
    """
    module = _module(slug, drafts=False)
    learner = find_learner(body["learner"])
    if learner is None:
        raise _NotFound(
            "learner_not_found",
            _("no learner with external id or email %(learner)r", learner=body["learner"]),
            "learner",
        )
    if body["completed_at"] is not None and body["completed_at"] > utcnow():
        raise DomainError("invalid_input", _("completed_at is in the future"), "completed_at")
    if body["version"] is not None and body["version"] > module.current_version:
        raise DomainError(
            "invalid_input",
            _("version %(version)s does not exist yet", version=body["version"]),
            "version",
        )
    version = body["version"]
    if version is None and body["completed_at"] is not None:
        version = learning.version_at(
            learning.version_timeline([module.id]).get(module.id), body["completed_at"]
        )
    result = learning.record_completion(
        learner,
        module,
        source="api",
        completed_at=body["completed_at"],
        score=body["score"],
        version=version,
    )
    session().commit()
    return jsonify(_completion_json(result.completion, module, learner, result.created)), (
        201 if result.created else 200
    )


def _completion_json(completion: Completion, module: Module, learner: Learner, created: bool):
    return {
        "id": completion.id,
        "learner": learner.external_id,
        "module": module.slug,
        "version": completion.version,
        "completed_at": completion.completed_at.isoformat(),
        "score": completion.score,
        "source": completion.source,
        "created": created,
    }


@api.post("/quizzes/<int:quiz_id>/attempts")
@policy("learner")
@api.arguments(AttemptIn, location="json")
@api.response(201, GradedAttemptOut)
@api.alt_response(200, schema=GradedAttemptOut, description="Idempotency-Key seen: first result")
@api.alt_response(404, response="NOT_FOUND")
def attempt_create(body: dict, quiz_id: int):
    """Submit one whole attempt and get it graded (the caller's own attempt).

    An ``Idempotency-Key`` header makes a resent submission return the first result.
    """
    person = current_person()
    db = session()
    quiz = db.get(Quiz, quiz_id)
    module = db.get(Module, quiz.module_id) if quiz and quiz.module_id else None
    if quiz is None or (module is not None and not module.published):
        raise _NotFound("quiz_not_found", _("no quiz with id %(id)s", id=quiz_id), "quiz")
    key = (request.headers.get("Idempotency-Key") or "").strip()[:150] or None
    if key:
        scoped = f"api:{person.id}:{key}"
        done = db.scalar(select(Attempt).where(Attempt.idempotency_key == scoped))
        if done is not None:
            return jsonify(_attempt_json(done, quiz)), 200
    answers: dict[int, list[int]] = {}
    for answer in body["answers"]:
        if answer["question"] in answers:
            raise DomainError(
                "invalid_input",
                _("question %(id)s is answered twice", id=answer["question"]),
                "answers",
            )
        answers[answer["question"]] = answer["choices"]
    attempt = quizzes.start_attempt(person, quiz)
    if key:
        attempt.idempotency_key = f"api:{person.id}:{key}"
    try:
        quizzes.submit_attempt(attempt, answers, source="api")
        db.commit()
    except IntegrityError:
        # The same key arrived twice at once: the first one's result is the answer.
        db.rollback()
        done = db.scalar(select(Attempt).where(Attempt.idempotency_key == scoped)) if key else None
        if done is None:
            raise
        return jsonify(_attempt_json(done, quiz)), 200
    return jsonify(_attempt_json(attempt, quiz)), 201


def _attempt_json(attempt: Attempt, quiz: Quiz) -> dict:
    left = quizzes.attempts_left(session().get(Learner, attempt.learner_id), quiz)
    reveal = quizzes.reveals_answers(attempt, left)
    return {
        "quiz": quiz.id,
        "attempt_no": attempt.attempt_no,
        "score_pct": attempt.score_pct,
        "passed": attempt.passed,
        "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
        "attempts_left": left,
        "questions": [
            {
                "question": result.question.id,
                "score": result.score,
                "selected": result.selected_ids,
                # Only once passed or out of attempts: else the next attempt gets them.
                "correct_choices": [c.id for c in result.correct_choices] if reveal else None,
                "feedback": {
                    str(c.id): c.feedback for c in result.choices if c.id in result.selected_ids
                },
                "explanation": result.question.explanation,
            }
            for result in quizzes.graded_questions(attempt)
        ],
    }


@api.get("/learners/<external_id>/progress")
@policy("learner", "tutor", *ANALYSTS)
@api.no_query()
@api.response(200, LearnerProgressOut)
@api.alt_response(404, response="NOT_FOUND")
def learner_progress(external_id: str):
    """A learner's progress: the learner themself, their active tutor, or an analyst."""
    person = current_person()
    learner = session().scalar(select(Learner).where(Learner.external_id == external_id))
    if learner is None or not _may_see_progress(person, learner):
        # Same answer for "absent" and "not yours": no probing of who exists.
        raise _NotFound(
            "learner_not_found", _("no learner with external id %(id)r", id=external_id), "id"
        )
    return jsonify(progress_json(learner))


def _may_see_progress(person: Learner, learner: Learner) -> bool:
    if person.id == learner.id or person.roles & set(ANALYSTS):
        return True
    if "tutor" not in person.roles:
        return False
    return (
        session().scalar(
            select(TutoringPair.id)
            .join(Learner, Learner.id == TutoringPair.mentee_id)
            .where(
                active_pair_filter(person.id, organisation_today()),
                TutoringPair.mentee_id == learner.id,
            )
            .limit(1)
        )
        is not None
    )


def progress_json(learner: Learner) -> dict:
    """The learner's modules (progress and completions), quiz bests, reviews and follow-ups due."""
    db = session()
    today = organisation_today()
    progress = {
        p.module_id: p
        for p in db.scalars(select(ModuleProgress).where(ModuleProgress.learner_id == learner.id))
    }
    completions = {
        module_id: (n, last, version)
        for module_id, n, last, version in db.execute(
            select(
                Completion.module_id,
                func.count(Completion.id),
                func.max(Completion.completed_at),
                func.max(Completion.version),
            )
            .where(Completion.learner_id == learner.id)
            .group_by(Completion.module_id)
        )
    }
    quiz_modules = select(Quiz.module_id).join(Attempt, Attempt.quiz_id == Quiz.id).where(
        Attempt.learner_id == learner.id
    )
    modules = {
        row.id: row
        for row in db.execute(
            select(Module.id, Module.slug, Module.title, Module.body_md).where(
                Module.id.in_(set(progress) | set(completions)) | Module.id.in_(quiz_modules)
            )
        )
    }
    rows = []
    for module_id in sorted(set(progress) | set(completions), key=lambda m: modules[m].slug):
        p, c = progress.get(module_id), completions.get(module_id)
        rows.append(
            {
                "module": modules[module_id].slug,
                "title": modules[module_id].title,
                "started_at": p.started_at.isoformat() if p else None,
                "steps_seen": len(p.steps_seen or []) if p else 0,
                "steps_total": len(split_steps(modules[module_id].body_md)),
                "time_spent_s": p.time_spent_s if p else 0,
                "completions": c[0] if c else 0,
                "last_completed_at": c[1].isoformat() if c else None,
                "last_version": c[2] if c else None,
            }
        )
    best = [
        {
            "quiz": quiz_id,
            "kind": kind,
            "module": modules[mid].slug if mid else None,
            "best_score_pct": score,
            "passed": bool(passed),
        }
        for quiz_id, kind, mid, score, passed in db.execute(
            select(
                Quiz.id,
                Quiz.kind,
                Quiz.module_id,
                func.max(Attempt.score_pct),
                func.max(case((Attempt.passed.is_(True), 1), else_=0)),
            )
            .join(Attempt, Attempt.quiz_id == Quiz.id)
            .where(Attempt.learner_id == learner.id, Attempt.submitted_at.is_not(None))
            .group_by(Quiz.id, Quiz.kind, Quiz.module_id)
            .order_by(Quiz.id)
        )
    ]
    reviews_due = db.scalar(
        select(func.count(ReviewItem.id)).where(
            ReviewItem.learner_id == learner.id,
            ReviewItem.retired_at.is_(None),
            ReviewItem.due_at <= utcnow(),
        )
    )
    follow_ups_due = db.scalar(
        select(func.count(FollowUp.id)).where(
            FollowUp.learner_id == learner.id,
            FollowUp.answered_at.is_(None),
            FollowUp.due_on <= today,
        )
    )
    return {
        "learner": learner.external_id,
        "modules": rows,
        "quizzes": best,
        "reviews_due": reviews_due,
        "follow_ups_due": follow_ups_due,
    }
