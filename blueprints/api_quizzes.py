"""REST authoring of quizzes and their questions (``/quizzes``, ``/questions``), for analysts.

The quiz authoring pages' rules through :mod:`lms_roi.services.quiz_authoring`: one quiz
of each kind per module (a path has its own pre-test and post-test), questions whose
answers fit their kind, answers that past attempts picked kept (reword them instead),
answered questions never deleted. Quizzes show their correct answers here, so only
analysts and admins read them; learners take them with ``POST /quizzes/{id}/attempts``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Module, Program, Question, Quiz
from lms_roi.models._types import QUESTION_KINDS, QUIZ_KINDS
from lms_roi.policy import current_person, policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services import quiz_authoring as service
from lms_roi.services.authoring_checks import AuthoringInvalid

from .api import api
from .api_base import NotFound
from .api_catalog import refuse_duplicates
from .api_pages import PageQueryIn, page_body, page_schema, paginate

ANALYSTS = ("analyst", "admin")


class QuizQueryIn(PageQueryIn):
    """Query of ``GET /quizzes``."""

    module = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    program = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    kind = fields.String(load_default=None, validate=validate.OneOf(QUIZ_KINDS))


class QuizPatchIn(LocalizedSchema):
    """Body of ``PATCH /quizzes/{id}``: only the settings to change."""

    kind = fields.String(validate=validate.OneOf(QUIZ_KINDS))
    title = fields.String(validate=validate.Length(min=1, max=200))
    pass_mark_pct = fields.Integer(validate=validate.Range(min=0, max=100))
    max_attempts = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=1000))
    shuffle = fields.Boolean()


class QuizIn(QuizPatchIn):
    """Body of ``POST /quizzes``: a quiz of a module, or a path's own test (give one)."""

    module = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    program = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    kind = fields.String(required=True, validate=validate.OneOf(QUIZ_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    pass_mark_pct = fields.Integer(load_default=70, validate=validate.Range(min=0, max=100))
    max_attempts = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=1000)
    )
    shuffle = fields.Boolean(load_default=False)


class ChoiceIn(LocalizedSchema):
    """One answer; ``id`` names an existing answer to reword (attempts keep naming it)."""

    id = fields.Integer(load_default=None)
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    correct = fields.Boolean(load_default=False)
    feedback = fields.String(load_default="", validate=validate.Length(max=2000))


class QuestionPatchIn(LocalizedSchema):
    """Body of ``PATCH /questions/{id}``; ``choices``, when sent, is the whole new list."""

    kind = fields.String(validate=validate.OneOf(QUESTION_KINDS))
    prompt = fields.String(validate=validate.Length(min=1, max=5000))
    explanation = fields.String(validate=validate.Length(max=5000))
    choices = fields.List(fields.Nested(ChoiceIn), validate=validate.Length(max=20))


class QuestionIn(QuestionPatchIn):
    """Body of ``POST /quizzes/{id}/questions``."""

    kind = fields.String(load_default="single", validate=validate.OneOf(QUESTION_KINDS))
    prompt = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    explanation = fields.String(load_default="", validate=validate.Length(max=5000))
    choices = fields.List(
        fields.Nested(ChoiceIn), required=True, validate=validate.Length(max=20)
    )


class AuthoredChoiceOut(Schema):
    """An answer, with whether it is correct."""

    id = fields.Integer()
    text = fields.String()
    correct = fields.Boolean(attribute="is_correct")
    feedback = fields.String()


class AuthoredQuestionOut(Schema):
    """A question and its answers, in order."""

    id = fields.Integer()
    quiz = fields.Integer(attribute="quiz_id")
    position = fields.Integer()
    kind = fields.String()
    prompt = fields.String()
    explanation = fields.String()
    choices = fields.List(fields.Nested(AuthoredChoiceOut))


class AuthoredQuizOut(Schema):
    """A quiz's settings and how many questions it has."""

    id = fields.Integer()
    slug = fields.String()
    module = fields.String(allow_none=True)
    program = fields.String(allow_none=True)
    kind = fields.String()
    title = fields.String()
    pass_mark_pct = fields.Integer()
    max_attempts = fields.Integer(allow_none=True)
    shuffle = fields.Boolean()
    questions = fields.Integer(metadata={"description": "Number of questions"})
    created_at = fields.DateTime()


class AuthoredQuizDetailOut(AuthoredQuizOut):
    """A quiz with every question and answer."""

    questions = fields.List(fields.Nested(AuthoredQuestionOut))


def _quiz_rows():
    counts = select(func.count(Question.id)).where(Question.quiz_id == Quiz.id).scalar_subquery()
    return (
        select(
            Quiz.id,
            Quiz.slug,
            Module.slug.label("module"),
            Program.slug.label("program"),
            Quiz.kind,
            Quiz.title,
            Quiz.pass_mark_pct,
            Quiz.max_attempts,
            Quiz.shuffle,
            counts.label("questions"),
            Quiz.created_at,
        )
        .outerjoin(Module, Module.id == Quiz.module_id)
        .outerjoin(Program, Program.id == Quiz.program_id)
    )


def _owner(model, slug: str, field: str):
    found = session().scalar(select(model).where(model.slug == slug))
    if found is None:
        message = (
            _("no module with slug %(slug)r", slug=slug)
            if model is Module
            else _("no program with slug %(slug)r", slug=slug)
        )
        raise DomainError(f"unknown_{field}", message, field)
    return found


def _quiz(quiz_id: int) -> Quiz:
    quiz = session().get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound("quiz_not_found", _("no quiz with id %(id)s", id=quiz_id), "id")
    return quiz


def _question(question_id: int) -> Question:
    question = session().get(Question, question_id)
    if question is None:
        raise NotFound(
            "question_not_found", _("no question with id %(id)s", id=question_id), "id"
        )
    return question


def _detail(quiz: Quiz) -> dict:
    row = session().execute(_quiz_rows().where(Quiz.id == quiz.id)).one()
    questions = sorted(quiz.questions, key=lambda q: q.position)
    return {**row._asdict(), "questions": questions}


def _quiz_draft(body: dict, quiz: Quiz | None) -> service.QuizDraft:
    names = ("kind", "title", "pass_mark_pct", "max_attempts", "shuffle")
    current = {name: getattr(quiz, name) for name in names} if quiz is not None else {}
    return service.QuizDraft(**{**current, **{n: body[n] for n in names if n in body}})


@api.get("/quizzes")
@policy(*ANALYSTS)
@api.arguments(QuizQueryIn, location="query")
@api.response(200, page_schema(AuthoredQuizOut))
def quizzes_list(query: dict):
    """Quizzes, oldest first, filtered by ``module``, ``program`` (a path's tests) and ``kind``."""
    stmt = _quiz_rows()
    if query["module"]:
        stmt = stmt.where(Quiz.module_id == _owner(Module, query["module"], "module").id)
    if query["program"]:
        stmt = stmt.where(Quiz.program_id == _owner(Program, query["program"], "program").id)
    if query["kind"]:
        stmt = stmt.where(Quiz.kind == query["kind"])
    return page_body(paginate(stmt, Quiz.id, query, scalars=False))


@api.get("/quizzes/<int:quiz_id>")
@policy(*ANALYSTS)
@api.no_query()
@api.response(200, AuthoredQuizDetailOut)
@api.alt_response(404, response="NOT_FOUND")
def quiz_show(quiz_id: int):
    """One quiz with its questions and their correct answers."""
    return _detail(_quiz(quiz_id))


@api.post("/quizzes")
@policy(*ANALYSTS)
@api.arguments(QuizIn, location="json")
@api.response(201, AuthoredQuizDetailOut)
@api.alt_response(409, response="CONFLICT")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def quiz_create(body: dict):
    """Add a module's quiz or a path's test; 409 when it already has one of that kind."""
    if bool(body["module"]) == bool(body["program"]):
        raise DomainError(
            "owner_required", _("give either a module or a program, not both"), "module"
        )
    draft, actor = _quiz_draft(body, None), current_person()
    try:
        if body["module"]:
            quiz = service.create_quiz(_owner(Module, body["module"], "module"), draft, actor=actor)
        else:
            program = _owner(Program, body["program"], "program")
            quiz = service.create_program_test(program, draft, actor=actor)
    except AuthoringInvalid as error:
        refuse_duplicates(error)
    session().commit()
    return _detail(quiz)


@api.patch("/quizzes/<int:quiz_id>")
@policy(*ANALYSTS)
@api.arguments(QuizPatchIn, location="json")
@api.response(200, AuthoredQuizDetailOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(409, response="CONFLICT")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def quiz_update(body: dict, quiz_id: int):
    """Change a quiz's settings (its kind too, when its owner has none of that kind)."""
    quiz = _quiz(quiz_id)
    try:
        service.update_quiz(quiz, _quiz_draft(body, quiz), actor=current_person())
    except AuthoringInvalid as error:
        refuse_duplicates(error)
    session().commit()
    return _detail(quiz)


def _question_draft(body: dict, question: Question | None) -> service.QuestionDraft:
    if question is not None:
        current = {"kind": question.kind, "prompt": question.prompt}
        current["explanation"] = question.explanation
        current["choices"] = [
            {"id": c.id, "text": c.text, "correct": c.is_correct, "feedback": c.feedback}
            for c in sorted(question.choices, key=lambda c: c.position)
        ]
        body = {**current, **body}
    return service.QuestionDraft(
        kind=body["kind"],
        prompt=body["prompt"],
        explanation=body["explanation"],
        choices=[
            service.ChoiceDraft(c["text"], c["correct"], c["feedback"], c["id"])
            for c in body["choices"]
        ],
    )


@api.post("/quizzes/<int:quiz_id>/questions")
@policy(*ANALYSTS)
@api.arguments(QuestionIn, location="json")
@api.response(201, AuthoredQuestionOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def question_create(body: dict, quiz_id: int):
    """Add a question at the end of a quiz."""
    quiz = _quiz(quiz_id)
    question = service.save_question(quiz, _question_draft(body, None), actor=current_person())
    session().commit()
    return question


@api.patch("/questions/<int:question_id>")
@policy(*ANALYSTS)
@api.arguments(QuestionPatchIn, location="json")
@api.response(200, AuthoredQuestionOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def question_update(body: dict, question_id: int):
    """Edit a question; answers picked in past attempts must stay (reword them)."""
    question = _question(question_id)
    quiz = session().get(Quiz, question.quiz_id)
    service.save_question(
        quiz, _question_draft(body, question), question, actor=current_person()
    )
    session().commit()
    return question


@api.delete("/questions/<int:question_id>")
@policy(*ANALYSTS)
@api.response(204)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def question_delete(question_id: int):
    """Delete a question nobody has answered yet."""
    service.delete_question(_question(question_id), actor=current_person())
    session().commit()
