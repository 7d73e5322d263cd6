"""REST ``GET /api/v1/tutoring/pairs``: tutoring pairs for analysts.

Routes live on the ``api`` blueprint (``/api/v1``), with its token auth and error shape
(``{"code", "message", "field"}``). Numbers are sent as stored, never rounded.
"""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from marshmallow import fields, validate
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.models import Learner
from lms_roi.models.tutoring import PAIR_STATUSES
from lms_roi.policy import policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services.tutoring_pair_lists import count_pairs, pair_rows

from .api import api
from .api_learning import ANALYSTS, _NotFound
from .api_out_tutoring import PairListOut

MAX_LIMIT = 1000


class PairsQueryIn(LocalizedSchema):
    """Query of ``GET /tutoring/pairs``: filters (learners by external id) and a page."""

    status = fields.String(load_default=None, validate=validate.OneOf(PAIR_STATUSES))
    tutor = fields.String(load_default=None, validate=validate.Length(min=1, max=191))
    mentee = fields.String(load_default=None, validate=validate.Length(min=1, max=191))
    limit = fields.Integer(load_default=MAX_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))


def _learner_id(external_id: str | None, field: str) -> int | None:
    if external_id is None:
        return None
    found = session().scalar(select(Learner.id).where(Learner.external_id == external_id))
    if found is None:
        raise _NotFound(
            "learner_not_found", _("no learner with external id %(id)r", id=external_id), field
        )
    return found


def _iso(value):
    return None if value is None else value.isoformat()


def _pair_json(row) -> dict:
    pair = row.TutoringPair
    return {
        "id": pair.id,
        "tutor": {"external_id": row.tutor_key, "display_name": row.tutor_name},
        "mentee": {"external_id": row.mentee_key, "display_name": row.mentee_name},
        "program": row.program_slug,
        "status": pair.status,
        "active": pair.active,
        "goals": pair.goals,
        "starts_on": _iso(pair.starts_on),
        "ends_on": _iso(pair.ends_on),
        "requested_by": row.asker_key,
        "request_note": pair.request_note,
        "decided_at": _iso(pair.decided_at),
        "ended_at": _iso(pair.ended_at),
        "reason": pair.reason,
        "created_at": _iso(pair.created_at),
        "sessions": row.sessions,
        "minutes": row.minutes,
    }


@api.get("/tutoring/pairs")
@policy(*ANALYSTS)
@api.arguments(PairsQueryIn, location="query")
@api.response(200, PairListOut)
@api.alt_response(404, response="NOT_FOUND")
def tutoring_pairs_list(query: dict):
    """Pairs filtered by ``status``, ``tutor`` and ``mentee`` (external ids), oldest first.

    ``total`` counts every match; ``pairs`` holds at most ``limit`` from ``offset``.
    """
    filters = (
        query["status"],
        _learner_id(query["tutor"], "tutor"),
        _learner_id(query["mentee"], "mentee"),
    )
    rows = pair_rows(*filters, offset=query["offset"], limit=query["limit"])
    return jsonify(
        {
            "total": count_pairs(*filters),
            "limit": query["limit"],
            "offset": query["offset"],
            "pairs": [_pair_json(row) for row in rows],
        }
    )
