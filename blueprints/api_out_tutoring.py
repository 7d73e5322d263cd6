"""Output schemas of the tutoring views that build their JSON by hand (``jsonify``).

Documentation only, like :mod:`.api_out`: the bodies stay what the views write.
"""

from __future__ import annotations

from marshmallow import Schema, fields

_Iso = fields.String  # a date or date-time as ISO 8601 text


class PairPersonOut(Schema):
    """A tutor or mentee of a pair."""

    external_id = fields.String()
    display_name = fields.String()


class PairListItemOut(Schema):
    """A tutoring pair with its sessions so far."""

    id = fields.Integer()
    tutor = fields.Nested(PairPersonOut)
    mentee = fields.Nested(PairPersonOut)
    program = fields.String(allow_none=True)
    status = fields.String()
    active = fields.Boolean()
    goals = fields.String(allow_none=True)
    starts_on = _Iso(allow_none=True)
    ends_on = _Iso(allow_none=True)
    requested_by = fields.String(allow_none=True)
    request_note = fields.String(allow_none=True)
    decided_at = _Iso(allow_none=True)
    ended_at = _Iso(allow_none=True)
    reason = fields.String(allow_none=True)
    created_at = _Iso(allow_none=True)
    sessions = fields.Integer()
    minutes = fields.Integer()


class PairListOut(Schema):
    """A page of pairs: ``total`` matches, at most ``limit`` from ``offset``."""

    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()
    pairs = fields.List(fields.Nested(PairListItemOut))


class SessionActionOut(Schema):
    """An action agreed in a session."""

    id = fields.Integer()
    position = fields.Integer()
    text = fields.String()
    done_at = _Iso(allow_none=True)
    done_by = fields.String(allow_none=True)


class TutoringSessionOut(Schema):
    """A logged tutoring session with its agreed actions (people by external id)."""

    id = fields.Integer()
    pair_id = fields.Integer()
    held_on = _Iso()
    minutes = fields.Integer()
    notes = fields.String()
    next_meeting_on = _Iso(allow_none=True)
    logged_by = fields.String(allow_none=True)
    created_at = _Iso()
    actions = fields.List(fields.Nested(SessionActionOut))


class MenteePathOut(Schema):
    """How far the mentee is along the program of one of the pairs."""

    program = fields.String()
    title = fields.String()
    done = fields.Integer()
    total = fields.Integer()
    expected = fields.Integer(allow_none=True)
    schedule_start = _Iso(allow_none=True)
    due = _Iso(allow_none=True)
    enrollment = fields.String(allow_none=True)


class MenteeQuizzesOut(Schema):
    """Quizzes attempted and passed."""

    attempted = fields.Integer()
    passed = fields.Integer()


class MenteeFollowUpsOut(Schema):
    """Follow-up questions answered, and whether the learning was applied."""

    answered = fields.Integer()
    applied = fields.Integer()
    not_applied = fields.Integer()


class MenteeSessionsOut(Schema):
    """Sessions held with the mentee."""

    count = fields.Integer()
    minutes = fields.Integer()
    last = _Iso(allow_none=True)


class AlertActionOut(Schema):
    """What resolves an alert, and where it leads."""

    kind = fields.String()
    label = fields.String()
    url = fields.String()


class MenteeAlertOut(Schema):
    """A reason to worry about the mentee (urgency 1 is the most urgent)."""

    kind = fields.String()
    urgency = fields.Integer()
    message = fields.String()
    figures = fields.Dict()
    action = fields.Nested(AlertActionOut)


class MenteeOut(Schema):
    """An active mentee of the calling tutor, with figures and alerts."""

    mentee = fields.String(metadata={"description": "External id"})
    name = fields.String()
    email = fields.String(allow_none=True)
    team = fields.String(allow_none=True)
    since = _Iso()
    goals = fields.List(fields.String())
    today = _Iso(metadata={"description": "The mentee's today"})
    last_activity = _Iso(allow_none=True)
    paths = fields.List(fields.Nested(MenteePathOut))
    modules_completed = fields.Integer()
    average_score = fields.Float(allow_none=True)
    quizzes = fields.Nested(MenteeQuizzesOut)
    streak = fields.Integer()
    reviews_due = fields.Integer()
    follow_ups = fields.Nested(MenteeFollowUpsOut)
    sessions = fields.Nested(MenteeSessionsOut)
    alerts = fields.List(fields.Nested(MenteeAlertOut))
