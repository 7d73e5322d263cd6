"""REST endpoints of the game: leaderboards and a learner's XP.

Routes live on the ``api`` blueprint (``/api/v1``), with its token auth and error shape.
"""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate, validates
from sqlalchemy import select

from lms_roi.db import session, utcnow
from lms_roi.gamification.leaderboards import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    WINDOWS,
    Row,
    board,
    parse_scope,
)
from lms_roi.gamification.periods import period_keys
from lms_roi.gamification.profile import figures
from lms_roi.models import Learner
from lms_roi.models._types import ROLES
from lms_roi.policy import current_person, policy
from lms_roi.schemas import LocalizedSchema

from .api import api
from .api_learning import ANALYSTS, _may_see_progress, _NotFound
from .api_out import LeaderboardOut, LearnerXpOut


class LeaderboardQueryIn(LocalizedSchema):
    """Query of ``GET /leaderboards``."""

    scope = fields.String(load_default="org")
    window = fields.String(load_default="all", validate=validate.OneOf(WINDOWS))
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT)
    )

    @validates("scope")
    def _scope(self, value: str, **_kwargs) -> None:
        kind, _sep, slug = value.partition(":")
        if value != "org" and not (kind in ("team", "program") and slug):
            raise ValidationError(_("use org, team:<slug> or program:<slug>"))


def _row_json(row: Row) -> dict:
    return {"rank": row.rank, "display_name": row.display_name, "xp": row.xp}


@api.get("/leaderboards")
@policy(*ROLES)
@api.arguments(LeaderboardQueryIn, location="query")
@api.response(200, LeaderboardOut)
@api.alt_response(404, response="NOT_FOUND")
def leaderboard_show(query: dict):
    """Top ``limit`` of a board and the caller's own rank with two neighbours each side.

    Hidden learners are never listed; a hidden caller gets ``me.hidden`` true and the
    rank they would take if shown.
    """
    result = board(parse_scope(query["scope"]), query["window"], current_person(), query["limit"])
    me = result.me
    return jsonify(
        {
            "scope": result.scope.key,
            "window": result.window,
            "period": result.period_key,
            "rows": [_row_json(row) for row in result.rows],
            "me": None
            if me is None
            else {
                "rank": me.rank,
                "xp": me.xp,
                "hidden": me.hidden,
                "neighbours": [_row_json(row) for row in me.neighbours],
            },
        }
    )


@api.get("/learners/<external_id>/xp")
@policy("learner", "tutor", *ANALYSTS)
@api.no_query()
@api.response(200, LearnerXpOut)
@api.alt_response(404, response="NOT_FOUND")
def learner_xp(external_id: str):
    """A learner's XP (all time, this month, this week), level and streak.

    Readable by the learner themself, their active tutor or an analyst.
    """
    person = current_person()
    learner = session().scalar(select(Learner).where(Learner.external_id == external_id))
    if learner is None or not _may_see_progress(person, learner):
        # Same answer for "absent" and "not yours": no probing of who exists.
        raise _NotFound(
            "learner_not_found", _("no learner with external id %(id)r", id=external_id), "id"
        )
    now = utcnow()
    game = figures(learner, now)
    keys = period_keys(now)
    level = game.level
    return jsonify(
        {
            "learner": learner.external_id,
            "xp": {"all": game.xp, "month": game.xp_month, "week": game.xp_week},
            "periods": {"month": keys["month"], "week": keys["week"]},
            "level": {
                "level": level.level,
                "xp": level.xp,
                "floor_xp": level.floor_xp,
                "next_xp": level.next_xp,
                "progress": round(level.progress, 4),
            },
            "streak": {"current": game.streak, "longest": game.longest_streak},
        }
    )
