"""REST endpoints of tutoring: a tutor's mentees (with alerts) and logging a session.

Routes live on the ``api`` blueprint (``/api/v1``), with its token auth and error shape.
Figures are unrounded; dates are ISO 8601.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import jsonify, request
from flask_babel import gettext as _
from marshmallow import fields, validate
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.models import Learner, TutoringPair, TutoringSession
from lms_roi.policy import current_person, policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services.mentees import MenteeRow, active_mentees, organisation_today
from lms_roi.services.tutoring_sessions import MAX_ACTIONS, is_analyst, log_session

from .api import api
from .api_learning import ANALYSTS, _NotFound
from .api_out_tutoring import MenteeOut, TutoringSessionOut
from .tutor import alert_action


class SessionIn(LocalizedSchema):
    """Body of ``POST /tutoring/sessions`` (the rules are the service's: 422 with a field)."""

    pair_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))
    held_on = fields.Date(required=True)
    minutes = fields.Integer(required=True)
    notes = fields.String(load_default="")
    actions = fields.List(
        fields.String(), load_default=list, validate=validate.Length(max=MAX_ACTIONS * 5)
    )
    next_meeting_on = fields.Date(load_default=None, allow_none=True)


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _row_json(row: MenteeRow) -> dict:
    return {
        "mentee": row.external_id,
        "name": row.name,
        "email": row.email,
        "team": row.team,
        "since": row.since.isoformat(),
        "goals": row.goals,
        "today": row.today.isoformat(),
        "last_activity": _plain(row.last_activity),
        "paths": [
            {
                "program": path.slug,
                "title": path.program,
                "done": path.done,
                "total": path.total,
                "expected": path.expected,
                "schedule_start": _plain(path.start),
                "due": _plain(path.due),
                "enrollment": path.enrollment,
            }
            for path in row.paths
        ],
        "modules_completed": row.modules_completed,
        "average_score": row.average_score,
        "quizzes": {"attempted": row.quizzes_attempted, "passed": row.quizzes_passed},
        "streak": row.streak,
        "reviews_due": row.reviews_due,
        "follow_ups": {
            "answered": row.follow_ups_answered,
            "applied": row.follow_ups_applied,
            "not_applied": row.follow_ups_not_applied,
        },
        "sessions": {
            "count": row.sessions,
            "minutes": row.minutes,
            "last": _plain(row.last_session),
        },
        "alerts": [
            {
                "kind": alert.kind,
                "urgency": alert.urgency,
                "message": alert.sentence,
                "figures": {key: _plain(value) for key, value in alert.figures.items()},
                "action": alert_action(alert, row.email, external=True),
            }
            for alert in row.alerts
        ],
    }


@api.get("/tutors/me/mentees")
@policy("tutor")
@api.no_query()
@api.response(200, MenteeOut(many=True))
def my_mentees():
    """The calling tutor's active mentees today, at-risk ones first, with their alerts."""
    rows = active_mentees(current_person().id, organisation_today())
    return jsonify([_row_json(row) for row in rows])


def session_json(logged: TutoringSession) -> dict:
    """A session with its agreed actions (people by external id)."""
    ids = {logged.logged_by_id} | {a.done_by_id for a in logged.actions}
    ids.discard(None)
    people = (
        dict(
            session()
            .execute(select(Learner.id, Learner.external_id).where(Learner.id.in_(ids)))
            .all()
        )
        if ids
        else {}
    )
    return {
        "id": logged.id,
        "pair_id": logged.pair_id,
        "held_on": logged.held_on.isoformat(),
        "minutes": logged.minutes,
        "notes": logged.notes,
        "next_meeting_on": _plain(logged.next_meeting_on),
        "logged_by": people.get(logged.logged_by_id),
        "created_at": logged.created_at.isoformat(),
        "actions": [
            {
                "id": action.id,
                "position": action.position,
                "text": action.text,
                "done_at": _plain(action.done_at),
                "done_by": people.get(action.done_by_id),
            }
            for action in logged.actions
        ],
    }


@api.post("/tutoring/sessions")
@policy("learner", "tutor", *ANALYSTS)
@api.arguments(SessionIn, location="json")
@api.response(201, TutoringSessionOut)
@api.alt_response(200, schema=TutoringSessionOut, description="Idempotency-Key seen: first one")
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(409, response="CONFLICT")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def session_create(body: dict):
    """Log a session of a pair: its tutor or mentee (pair active today), or an analyst.

    201 with the session; 200 with the first one when an ``Idempotency-Key`` header
    repeats one of the caller's last 24 hours. 403 outside the pair, 409 when the
    pair is not active, 422 when a value breaks a rule.
    """
    pair = session().get(TutoringPair, body["pair_id"])
    me = current_person()
    # Someone outside the pair learns nothing, not even that the pair exists.
    if pair is None or not (is_analyst(me) or me.id in (pair.tutor_id, pair.mentee_id)):
        raise _NotFound(
            "pair_not_found", _("no tutoring pair with id %(id)s", id=body["pair_id"]), "pair_id"
        )
    key = (request.headers.get("Idempotency-Key") or "").strip()[:150] or None
    result = log_session(
        pair,
        by=me,
        held_on=body["held_on"],
        minutes=body["minutes"],
        notes=body["notes"],
        actions=body["actions"],
        next_meeting_on=body["next_meeting_on"],
        idempotency_key=key,
    )
    session().commit()
    return jsonify(session_json(result.session)), 201 if result.created else 200
