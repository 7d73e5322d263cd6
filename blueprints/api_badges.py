"""REST endpoints of badges: the badge classes, and a learner's badges with progress.

Routes live on the ``api`` blueprint (``/api/v1``), with its token auth and error shape.
"""

from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.gamification import criteria
from lms_roi.gamification.badges import learner_badges
from lms_roi.models import Badge, Learner
from lms_roi.policy import AUTHENTICATED, current_person, policy

from .api import api
from .api_learning import ANALYSTS, _may_see_progress, _NotFound
from .api_out import BadgeOfferOut, LearnerBadgesOut


def _badge_json(badge: Badge) -> dict:
    return {
        "slug": badge.slug,
        "name": badge.name,
        "description": badge.description,
        "xp": badge.xp,
        "active": badge.active,
        "criteria": badge.criteria,
        "criteria_text": criteria.sentence(badge.criteria),
        "image": url_for("lms_roi.badges.badge_image", slug=badge.slug, _external=True),
        "badge_class": url_for("lms_roi.badges.ob_badge_class", slug=badge.slug, _external=True),
    }


@api.get("/badges")
@policy(AUTHENTICATED)
@api.no_query()
@api.response(200, BadgeOfferOut(many=True))
def badges_list():
    """The badges on offer with their criteria (analysts also see inactive ones)."""
    stmt = select(Badge).order_by(Badge.slug)
    if not current_person().roles & set(ANALYSTS):
        stmt = stmt.where(Badge.active.is_(True))
    return jsonify([_badge_json(badge) for badge in session().scalars(stmt)])


@api.get("/learners/<external_id>/badges")
@policy(AUTHENTICATED)
@api.no_query()
@api.response(200, LearnerBadgesOut)
@api.alt_response(404, response="NOT_FOUND")
def learner_badges_view(external_id: str):
    """A learner's badges (the learner, their active tutor or an analyst): the ones held,
    revoked ones included, and progress towards the others."""
    person = current_person()
    learner = session().scalar(select(Learner).where(Learner.external_id == external_id))
    if learner is None or not _may_see_progress(person, learner):
        raise _NotFound(
            "learner_not_found", _("no learner with external id %(id)r", id=external_id), "id"
        )
    statuses = learner_badges(learner)
    return jsonify(
        {
            "learner": learner.external_id,
            "earned": [_held_json(s) for s in statuses if s.award is not None],
            "to_earn": [
                {
                    "badge": s.badge.slug,
                    "name": s.badge.name,
                    "criteria_text": s.sentence,
                    "count": s.count,
                    "goal": s.goal,
                }
                for s in statuses
                if s.award is None
            ],
        }
    )


def _held_json(status) -> dict:
    award = status.award
    body = {
        "badge": status.badge.slug,
        "name": status.badge.name,
        "issued_on": award.issued_on.isoformat(),
        "revoked": award.revoked,
        "assertion": url_for("lms_roi.badges.ob_assertion", uid=award.uid, _external=True),
    }
    if award.revoked:
        body["revoked_at"] = award.revoked_at.isoformat() if award.revoked_at else None
        body["revocation_reason"] = award.revocation_reason
    else:
        body["baked_image"] = url_for("lms_roi.badges.ob_baked", uid=award.uid, _external=True)
    return body
