"""REST authoring and awards of badges, for analysts (reading them is ``api_badges``).

The badge pages' rules through :mod:`lms_roi.gamification.badges`: a badge's slug is its
public Open Badges address and never changes; its criterion is checked like the form's;
awards are revoked with a reason, never deleted (their assertions then say "revoked").
Badges created here use the generated image (uploads are on the badge page).
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.gamification import badges as service
from lms_roi.gamification import criteria
from lms_roi.models import Badge, BadgeAward, Learner
from lms_roi.policy import AUTHENTICATED, current_person, policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services.authoring_checks import AuthoringInvalid

from .api import api
from .api_base import NotFound
from .api_catalog import refuse_duplicates
from .api_pages import PageQueryIn, page_body, page_schema, paginate

ANALYSTS = ("analyst", "admin")
#: Fields of a criterion: a refusal about one of them names ``criteria`` in the API.
CRITERIA_FIELDS = ("kind", "min", "method", "program", "kpi", "challenge")


class BadgeCriteriaIn(LocalizedSchema):
    """A badge criterion, e.g. ``{"kind": "modules_completed", "min": 5}``."""

    kind = fields.String(required=True, validate=validate.OneOf(tuple(criteria.KINDS)))
    min = fields.Integer(load_default=None)
    method = fields.String(load_default=None)
    program = fields.String(load_default=None)
    kpi = fields.String(load_default=None)
    challenge = fields.String(load_default=None)


class BadgePatchIn(LocalizedSchema):
    """Body of ``PATCH /badges/{slug}``: only the fields to change."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=2000))
    xp = fields.Integer(validate=validate.Range(min=0, max=1_000_000))
    criteria = fields.Nested(BadgeCriteriaIn)
    active = fields.Boolean()


class BadgeIn(BadgePatchIn):
    """Body of ``POST /badges``."""

    slug = fields.String(required=True, validate=validate.Length(min=1, max=120))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    xp = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))
    criteria = fields.Nested(BadgeCriteriaIn, required=True)
    active = fields.Boolean(load_default=True)


class RevocationIn(LocalizedSchema):
    """Body of ``POST /badge-awards/{uid}/revoke``."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class AuthoredBadgeOut(Schema):
    """A badge as saved, with its criterion in words and its Open Badges class."""

    slug = fields.String()
    name = fields.String()
    description = fields.String()
    xp = fields.Integer()
    active = fields.Boolean()
    criteria = fields.Dict()
    criteria_text = fields.Function(lambda badge: criteria.sentence(badge.criteria))
    badge_class = fields.Function(
        lambda badge: url_for("lms_roi.badges.ob_badge_class", slug=badge.slug, _external=True)
    )


class BadgeAwardRecordOut(Schema):
    """One award of a badge to a learner."""

    uid = fields.String()
    learner = fields.String()
    issued_on = fields.DateTime()
    revoked = fields.Boolean()
    revoked_at = fields.DateTime(allow_none=True)
    revocation_reason = fields.String()
    evidence = fields.Dict()


class BadgeAwardedOut(Schema):
    """Who received a badge just now."""

    awarded = fields.Integer()
    learners = fields.List(fields.String())


def _badge(slug: str) -> Badge:
    badge = session().scalar(select(Badge).where(Badge.slug == slug))
    if badge is None:
        raise NotFound("badge_not_found", _("no badge with slug %(slug)r", slug=slug), "slug")
    return badge


def _draft(body: dict, badge: Badge | None) -> service.BadgeDraft:
    current = {}
    if badge is not None:
        current = {
            "name": badge.name,
            "description": badge.description,
            "xp": badge.xp,
            "criteria": dict(badge.criteria),
            "active": badge.active,
        }
    merged = {**current, **{k: v for k, v in body.items() if k != "slug"}}
    return service.BadgeDraft(**merged)


def _saved(save) -> Badge:
    """Run a badge save; a refused criterion names ``criteria``, a taken slug is a 409."""
    try:
        badge = save()
    except AuthoringInvalid as error:
        if error.field in CRITERIA_FIELDS:
            raise DomainError(error.code, error.message, "criteria") from error
        refuse_duplicates(error)
    session().commit()
    return badge


@api.get("/badges/<slug>")
@policy(AUTHENTICATED)
@api.no_query()
@api.response(200, AuthoredBadgeOut)
@api.alt_response(404, response="NOT_FOUND")
def badge_show(slug: str):
    """One badge (an inactive one only for analysts and admins)."""
    badge = _badge(slug)
    if not badge.active and not current_person().roles & set(ANALYSTS):
        raise NotFound("badge_not_found", _("no badge with slug %(slug)r", slug=slug), "slug")
    return badge


@api.post("/badges")
@policy(*ANALYSTS)
@api.arguments(BadgeIn, location="json")
@api.response(201, AuthoredBadgeOut)
@api.alt_response(409, response="CONFLICT")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def badge_create(body: dict):
    """Create a badge (awarded from the next event on; ``POST .../awards`` awards it now)."""
    return _saved(lambda: service.create_badge(body["slug"], _draft(body, None), current_person()))


@api.patch("/badges/<slug>")
@policy(*ANALYSTS)
@api.arguments(BadgePatchIn, location="json")
@api.response(200, AuthoredBadgeOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def badge_update(body: dict, slug: str):
    """Change a badge; awards already issued stay."""
    badge = _badge(slug)
    return _saved(lambda: service.update_badge(badge, _draft(body, badge), current_person()))


@api.get("/badges/<slug>/awards")
@policy(*ANALYSTS)
@api.arguments(PageQueryIn, location="query")
@api.response(200, page_schema(BadgeAwardRecordOut))
@api.alt_response(404, response="NOT_FOUND")
def badge_awards_list(query: dict, slug: str):
    """Who holds (or held) a badge, in the order awarded."""
    stmt = (
        select(
            BadgeAward.id,
            BadgeAward.uid,
            Learner.external_id.label("learner"),
            BadgeAward.issued_on,
            BadgeAward.revoked,
            BadgeAward.revoked_at,
            BadgeAward.revocation_reason,
            BadgeAward.evidence,
        )
        .join(Learner, Learner.id == BadgeAward.learner_id)
        .where(BadgeAward.badge_id == _badge(slug).id)
    )
    return page_body(paginate(stmt, BadgeAward.id, query, scalars=False))


@api.post("/badges/<slug>/awards")
@policy(*ANALYSTS)
@api.no_body()
@api.response(200, BadgeAwardedOut)
@api.alt_response(404, response="NOT_FOUND")
def badge_award_now(slug: str):
    """Award the badge now to everyone who already meets its criterion (idempotent)."""
    awarded = service.award_now(_badge(slug))
    session().commit()
    ids = [award.learner_id for award in awarded]
    learners = session().scalars(
        select(Learner.external_id).where(Learner.id.in_(ids)).order_by(Learner.external_id)
    )
    return {"awarded": len(awarded), "learners": list(learners)}


@api.post("/badge-awards/<uid>/revoke")
@policy(*ANALYSTS)
@api.arguments(RevocationIn, location="json")
@api.response(200, BadgeAwardRecordOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(409, response="CONFLICT")
def badge_award_revoke(body: dict, uid: str):
    """Revoke an award with a reason; its Open Badges assertion then says so."""
    award = session().scalar(select(BadgeAward).where(BadgeAward.uid == uid))
    if award is None:
        raise NotFound("award_not_found", _("no badge award %(uid)r", uid=uid), "uid")
    service.revoke(award, body["reason"], current_person())
    session().commit()
    learner = session().get(Learner, award.learner_id)
    return {
        "uid": award.uid,
        "learner": learner.external_id,
        "issued_on": award.issued_on,
        "revoked": award.revoked,
        "revoked_at": award.revoked_at,
        "revocation_reason": award.revocation_reason,
        "evidence": award.evidence,
    }
