"""REST endpoints of SMART objectives (``/objectives``): the program page over the API.

Analysts and admins check an objective (the five SMART letters and the baseline it
would start from), save it when its Specific and Time-bound letters pass, list them
and follow one: the cohort's mean KPI level against the target, with a forecast.
Figures are sent unrounded.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Kpi, Objective, Program, Team
from lms_roi.policy import current_person, policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services.objectives import (
    ObjectiveDraft,
    check_objective,
    create_objective,
    objective_status,
)

from .api import api
from .api_base import NotFound
from .api_pages import PageQueryIn, page_body, page_schema, paginate

ANALYSTS = ("analyst", "admin")
TARGET_KINDS = ("percent", "absolute")


class ObjectiveQueryIn(PageQueryIn):
    """Query of ``GET /objectives``."""

    program = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    kpi = fields.String(load_default=None, validate=validate.Length(min=1, max=64))


class ObjectiveIn(LocalizedSchema):
    """Body of ``POST /objectives`` and ``POST /objectives/check``."""

    program = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kpi = fields.String(required=True, validate=validate.Length(min=1, max=64))
    team = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "Cohort team; omitted: the learners enrolled in the program"},
    )
    statement = fields.String(load_default="", validate=validate.Length(max=500))
    target_kind = fields.String(load_default="percent", validate=validate.OneOf(TARGET_KINDS))
    target_value = fields.Float(
        load_default=None, allow_nan=False, validate=validate.Range(min=-1e12, max=1e12)
    )
    deadline = fields.Date(load_default=None)


class ObjectiveOut(Schema):
    """A saved SMART objective."""

    id = fields.Integer()
    program = fields.String()
    kpi = fields.String()
    team = fields.String(allow_none=True)
    statement = fields.String()
    baseline = fields.Float(allow_none=True)
    target_kind = fields.String()
    target_value = fields.Float()
    deadline = fields.Date()
    created_at = fields.DateTime()


class ObjectiveStatusOut(Schema):
    """How the cohort stands: progress from baseline to target and a linear forecast."""

    baseline = fields.Float(allow_none=True)
    target = fields.Float(allow_none=True)
    current = fields.Float(allow_none=True)
    progress_pct = fields.Float(allow_none=True)
    forecast = fields.Float(allow_none=True)
    verdict = fields.String(metadata={"description": "on track, at risk or not enough data"})
    periods = fields.List(fields.String())
    means = fields.List(fields.Float())


class ObjectiveDetailOut(ObjectiveOut):
    """A saved objective and where its cohort stands today."""

    status = fields.Nested(ObjectiveStatusOut)


class SmartCheckOut(Schema):
    """One SMART letter: passed (true), a warning (null) or failed (false), and why."""

    letter = fields.String()
    word = fields.String()
    ok = fields.Boolean(allow_none=True)
    reason = fields.String()


class ObjectiveCheckOut(Schema):
    """The SMART checks of a draft objective and the baseline it would start from."""

    checks = fields.List(fields.Nested(SmartCheckOut))
    baseline = fields.Float(allow_none=True)
    savable = fields.Boolean(metadata={"description": "Specific and Time-bound both pass"})


def _objective_rows():
    return (
        select(
            Objective.id,
            Program.slug.label("program"),
            Kpi.key.label("kpi"),
            Team.slug.label("team"),
            Objective.statement,
            Objective.baseline,
            Objective.target_kind,
            Objective.target_value,
            Objective.deadline,
            Objective.created_at,
        )
        .join(Program, Program.id == Objective.program_id)
        .join(Kpi, Kpi.id == Objective.kpi_id)
        .outerjoin(Team, Team.id == Objective.cohort_team_id)
    )


def _by_slug(model, column, value: str, field: str):
    found = session().scalar(select(model).where(column == value))
    if found is None:
        messages = {
            "program": _("no program with slug %(slug)r", slug=value),
            "kpi": _("no KPI with key %(key)r", key=value),
            "team": _("no team with slug %(slug)r", slug=value),
        }
        raise DomainError(f"unknown_{field}", messages[field], field)
    return found


def _draft(body: dict) -> ObjectiveDraft:
    return ObjectiveDraft(
        program=_by_slug(Program, Program.slug, body["program"], "program"),
        kpi=_by_slug(Kpi, Kpi.key, body["kpi"], "kpi"),
        team=_by_slug(Team, Team.slug, body["team"], "team") if body["team"] else None,
        statement=body["statement"],
        target_kind=body["target_kind"],
        target_value=body["target_value"],
        deadline=body["deadline"],
    )


@api.get("/objectives")
@policy(*ANALYSTS)
@api.arguments(ObjectiveQueryIn, location="query")
@api.response(200, page_schema(ObjectiveOut))
def objectives_list(query: dict):
    """Saved objectives, oldest first, filtered by ``program`` and ``kpi``."""
    stmt = _objective_rows()
    if query["program"]:
        program = _by_slug(Program, Program.slug, query["program"], "program")
        stmt = stmt.where(Objective.program_id == program.id)
    if query["kpi"]:
        stmt = stmt.where(Objective.kpi_id == _by_slug(Kpi, Kpi.key, query["kpi"], "kpi").id)
    return page_body(paginate(stmt, Objective.id, query, scalars=False))


@api.get("/objectives/<int:objective_id>")
@policy(*ANALYSTS)
@api.no_query()
@api.response(200, ObjectiveDetailOut)
@api.alt_response(404, response="NOT_FOUND")
def objective_show(objective_id: int):
    """One objective and its cohort's progress towards the target."""
    db = session()
    objective = db.get(Objective, objective_id)
    if objective is None:
        raise NotFound(
            "objective_not_found", _("no objective with id %(id)s", id=objective_id), "id"
        )
    row = db.execute(_objective_rows().where(Objective.id == objective_id)).one()
    return {**row._asdict(), "status": objective_status(objective, date.today())}


@api.post("/objectives/check")
@policy(*ANALYSTS)
@api.arguments(ObjectiveIn, location="json")
@api.response(200, ObjectiveCheckOut)
def objective_check(body: dict):
    """Check a draft objective against SMART without saving it."""
    checks, base = check_objective(_draft(body), date.today())
    savable = all(c.ok is not False for c in checks if c.letter in ("S", "T"))
    return {"checks": checks, "baseline": base, "savable": savable}


@api.post("/objectives")
@policy(*ANALYSTS)
@api.arguments(ObjectiveIn, location="json")
@api.response(201, ObjectiveOut)
def objective_create(body: dict):
    """Save an objective whose Specific and Time-bound checks pass (the others may warn)."""
    objective = create_objective(_draft(body), today=date.today(), actor=current_person())
    session().commit()
    return session().execute(_objective_rows().where(Objective.id == objective.id)).one()
