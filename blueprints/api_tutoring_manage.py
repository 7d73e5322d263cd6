"""REST management of tutoring: pairs, requests and tutors' capacity (routes on ``api``).

The tutoring pages' rules through :mod:`lms_roi.services.tutoring_pairs`: analysts and
admins pair a tutor with a mentee and set tutors' capacity; a learner asks a tutor; the
tutor accepts or declines; an analyst or the pair's own tutor ends a pair (the tutor's
access to the mentee ends at once). Reading pairs is ``GET /tutoring/pairs``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Learner, Program
from lms_roi.policy import current_person, policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services import tutoring_pairs as service
from lms_roi.services.mentees import organisation_today
from lms_roi.services.tutoring_pair_lists import pair_rows, tutor_loads

from .api import api
from .api_base import NotFound
from .api_pages import Page, PageQueryIn, decode_cursor, encode_cursor, page_body, page_schema

ANALYSTS = ("analyst", "admin")
TEXT_MAX = service.MAX_TEXT


class PairCreateIn(LocalizedSchema):
    """Body of ``POST /tutoring/pairs`` (people by external id, the program by slug)."""

    tutor = fields.String(required=True, validate=validate.Length(min=1, max=191))
    mentee = fields.String(required=True, validate=validate.Length(min=1, max=191))
    program = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    goals = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX))
    starts_on = fields.Date(load_default=None, metadata={"description": "Default: today"})
    ends_on = fields.Date(load_default=None, metadata={"description": "Omitted: open-ended"})


class TutorRequestIn(LocalizedSchema):
    """Body of ``POST /tutoring/requests``: the caller asks a tutor."""

    tutor = fields.String(required=True, validate=validate.Length(min=1, max=191))
    program = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    note = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX))


class PairReasonIn(LocalizedSchema):
    """Body of ending a pair or declining a request: why."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=TEXT_MAX))


class TutorCapacityIn(LocalizedSchema):
    """Body of ``PATCH /tutoring/tutors/{external_id}`` (null: the default capacity)."""

    capacity = fields.Integer(required=True, allow_none=True)


class ManagedPairOut(Schema):
    """A tutoring pair after a change."""

    id = fields.Integer(attribute="TutoringPair.id")
    tutor = fields.String(attribute="tutor_key")
    mentee = fields.String(attribute="mentee_key")
    program = fields.String(attribute="program_slug", allow_none=True)
    status = fields.String(attribute="TutoringPair.status")
    active = fields.Boolean(attribute="TutoringPair.active")
    goals = fields.String(attribute="TutoringPair.goals")
    starts_on = fields.Date(attribute="TutoringPair.starts_on", allow_none=True)
    ends_on = fields.Date(attribute="TutoringPair.ends_on", allow_none=True)
    requested_by = fields.String(attribute="asker_key", allow_none=True)
    request_note = fields.String(attribute="TutoringPair.request_note")
    reason = fields.String(attribute="TutoringPair.reason")


class TutorLoadOut(Schema):
    """A tutor's capacity, places taken and requests waiting."""

    tutor = fields.String()
    display_name = fields.String()
    team = fields.String(allow_none=True)
    capacity = fields.Integer()
    default_capacity = fields.Boolean(metadata={"description": "No capacity of their own"})
    taken = fields.Integer()
    pending = fields.Integer()


def _person_id(external_id: str, field: str) -> int:
    found = session().scalar(select(Learner.id).where(Learner.external_id == external_id))
    if found is None:
        raise DomainError(
            "unknown_learner", _("no learner with external id %(id)r", id=external_id), field
        )
    return found


def _program_id(slug: str | None) -> int | None:
    if slug is None:
        return None
    found = session().scalar(select(Program.id).where(Program.slug == slug))
    if found is None:
        raise DomainError(
            "unknown_program", _("no program with slug %(slug)r", slug=slug), "program"
        )
    return found


def _pair(pair_id: int):
    return pair_rows(pair_id=pair_id)[0]


def _page_of(rows: list, key, query: dict) -> Page:
    """A page of a short list read whole (tutors, one tutor's requests), by a unique key."""
    rows = sorted(rows, key=key)
    if query["cursor"]:
        after = decode_cursor(query["cursor"], type(key(rows[0])) if rows else None)
        rows = [row for row in rows if key(row) > after]
    items = rows[: query["limit"]]
    more = len(rows) > query["limit"]
    return Page(items, encode_cursor(key(items[-1])) if more else None)


@api.post("/tutoring/pairs")
@policy(*ANALYSTS)
@api.arguments(PairCreateIn, location="json")
@api.response(201, ManagedPairOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(409, response="CONFLICT")
def tutoring_pair_create(body: dict):
    """Pair a tutor with a mentee (409 when already paired or the tutor is full)."""
    pair = service.create_pair(
        current_person(),
        tutor_id=_person_id(body["tutor"], "tutor"),
        mentee_id=_person_id(body["mentee"], "mentee"),
        program_id=_program_id(body["program"]),
        goals=body["goals"],
        starts_on=body["starts_on"],
        ends_on=body["ends_on"],
    )
    session().commit()
    return _pair(pair.id)


@api.post("/tutoring/pairs/<int:pair_id>/end")
@policy("tutor", *ANALYSTS)
@api.arguments(PairReasonIn, location="json")
@api.response(200, ManagedPairOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(409, response="CONFLICT")
def tutoring_pair_end(body: dict, pair_id: int):
    """End an active pair (an analyst, or the pair's own tutor), saying why."""
    service.end_pair(current_person(), pair_id, body["reason"])
    session().commit()
    return _pair(pair_id)


@api.get("/tutoring/requests")
@policy("tutor")
@api.arguments(PageQueryIn, location="query")
@api.response(200, page_schema(ManagedPairOut))
def tutoring_requests_list(query: dict):
    """Requests waiting for the caller's answer, oldest first."""
    rows = pair_rows(status="requested", tutor_id=current_person().id)
    return page_body(_page_of(rows, lambda row: row.TutoringPair.id, query))


@api.post("/tutoring/requests")
@policy("learner")
@api.arguments(TutorRequestIn, location="json")
@api.response(201, ManagedPairOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(409, response="CONFLICT")
def tutoring_request_create(body: dict):
    """Ask a tutor to tutor the caller (409 when already asked, paired, or the tutor is full)."""
    pair = service.request_tutor(
        current_person(),
        _person_id(body["tutor"], "tutor"),
        program_id=_program_id(body["program"]),
        note=body["note"],
    )
    session().commit()
    return _pair(pair.id)


@api.post("/tutoring/requests/<int:pair_id>/accept")
@policy("tutor")
@api.no_body()
@api.response(200, ManagedPairOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(409, response="CONFLICT")
def tutoring_request_accept(pair_id: int):
    """Accept a request made to the caller: the pair is active from today."""
    service.accept_request(current_person(), pair_id)
    session().commit()
    return _pair(pair_id)


@api.post("/tutoring/requests/<int:pair_id>/decline")
@policy("tutor")
@api.arguments(PairReasonIn, location="json")
@api.response(200, ManagedPairOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(409, response="CONFLICT")
def tutoring_request_decline(body: dict, pair_id: int):
    """Decline a request made to the caller, saying why."""
    service.decline_request(current_person(), pair_id, body["reason"])
    session().commit()
    return _pair(pair_id)


def _load_json(row, external_ids: dict[int, str]) -> dict:
    return {
        "tutor": external_ids[row.id],
        "display_name": row.display_name,
        "team": row.team,
        "capacity": row.capacity,
        "default_capacity": row.stored is None,
        "taken": row.taken,
        "pending": row.pending,
    }


@api.get("/tutoring/tutors")
@policy(*ANALYSTS)
@api.arguments(PageQueryIn, location="query")
@api.response(200, page_schema(TutorLoadOut))
def tutoring_tutors_list(query: dict):
    """Active tutors with their capacity, places taken and requests waiting, oldest first."""
    page = _page_of(tutor_loads(organisation_today()), lambda row: row.id, query)
    ids = [row.id for row in page.items]
    external = dict(
        session().execute(select(Learner.id, Learner.external_id).where(Learner.id.in_(ids))).all()
    )
    page.items = [_load_json(row, external) for row in page.items]
    return page_body(page)


@api.patch("/tutoring/tutors/<external_id>")
@policy(*ANALYSTS)
@api.arguments(TutorCapacityIn, location="json")
@api.response(200, TutorLoadOut)
@api.alt_response(404, response="NOT_FOUND")
def tutoring_tutor_update(body: dict, external_id: str):
    """Set how many mentees a tutor follows at once (null: the default)."""
    tutor_id = session().scalar(select(Learner.id).where(Learner.external_id == external_id))
    if tutor_id is None:
        raise NotFound(
            "learner_not_found", _("no learner with external id %(id)r", id=external_id), "id"
        )
    service.set_tutor_capacity(current_person(), tutor_id, body["capacity"])
    session().commit()
    row = next(row for row in tutor_loads(organisation_today()) if row.id == tutor_id)
    return _load_json(row, {tutor_id: external_id})
