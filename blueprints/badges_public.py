"""Open Badges 2.0 hosted verification: public JSON-LD documents and badge images.

Anyone holding a link (a verifier, an employer, a backpack) can read these: the
issuer profile, each badge class, each assertion (410 Gone once revoked), the badge
images and the baked PNG of an assertion. Nothing else about the learner is shown:
the recipient is a salted hash.
"""

from __future__ import annotations

import hashlib
import json

from flask import Response, abort, request
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.gamification import badge_images, openbadges
from lms_roi.models import Badge, BadgeAward, Learner
from lms_roi.policy import PUBLIC, policy

from .badges import badge_or_404, badges

#: Seconds a badge image may be reused before it is revalidated.
IMAGE_MAX_AGE = 300


def _json_ld(document: dict, status: int = 200) -> Response:
    response = Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        status=status,
        mimetype=openbadges.MEDIA_TYPE,
    )
    # Verifiers and backpacks read these from other origins.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _png(content: bytes, filename: str | None = None) -> Response:
    response = Response(content, mimetype="image/png")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Backpacks and pages showing a badge fetch its image often: let them keep it a few
    # minutes, then revalidate by ETag (304 without the body) so an edited image shows.
    response.set_etag(hashlib.sha256(content).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = IMAGE_MAX_AGE
    return response.make_conditional(request)


@badges.route("/openbadges/issuer")
@policy(PUBLIC)
def ob_issuer():
    return _json_ld(openbadges.issuer())


@badges.route("/openbadges/badges/<slug>")
@policy(PUBLIC)
def ob_badge_class(slug: str):
    return _json_ld(openbadges.badge_class(badge_or_404(slug)))


@badges.route("/openbadges/badges/<slug>/image.png")
@policy(PUBLIC)
def badge_image(slug: str):
    badge = badge_or_404(slug)
    return _png(badge_images.image_bytes(badge.slug, badge.name, badge.image))


def _award(uid: str) -> tuple[BadgeAward, Badge, Learner]:
    row = (
        session()
        .execute(
            select(BadgeAward, Badge, Learner)
            .join(Badge, Badge.id == BadgeAward.badge_id)
            .join(Learner, Learner.id == BadgeAward.learner_id)
            .where(BadgeAward.uid == uid)
        )
        .first()
    )
    if row is None:
        abort(404)
    award, badge, learner = row
    return award, badge, learner


@badges.route("/openbadges/assertions/<uid>")
@policy(PUBLIC)
def ob_assertion(uid: str):
    """The hosted assertion; once revoked, 410 Gone with ``revoked`` and the reason."""
    award, badge, learner = _award(uid)
    if award.revoked:
        return _json_ld(openbadges.revoked_assertion(award), 410)
    return _json_ld(openbadges.assertion(award, badge, learner))


@badges.route("/openbadges/assertions/<uid>/badge.png")
@policy(PUBLIC)
def ob_baked(uid: str):
    """The badge image baked with the assertion's URL (a revoked one is gone)."""
    award, badge, _learner = _award(uid)
    if award.revoked:
        abort(410)
    image = badge_images.image_bytes(badge.slug, badge.name, badge.image)
    return _png(openbadges.baked_png(image, openbadges.assertion_url(award)), f"{badge.slug}.png")
