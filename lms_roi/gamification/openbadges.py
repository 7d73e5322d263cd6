"""Open Badges 2.0 hosted verification: Issuer, BadgeClass and Assertion JSON-LD, baking.

Each document is served at its own ``id`` (absolute URL), so a verifier fetches the
assertion, follows ``badge`` to the BadgeClass and ``issuer`` to the issuer profile.
The recipient is an email hashed with a salt derived from the app's secret key and
the assertion's uid: stable for one assertion, different between assertions.

Issuer settings (optional): ``LMS_ROI_BADGE_ISSUER_NAME`` (default: the app's name
"lms-roi"), ``LMS_ROI_BADGE_ISSUER_URL`` (default: the site's home page) and
``LMS_ROI_BADGE_ISSUER_EMAIL``.
"""

from __future__ import annotations

import hashlib
import hmac
import io

from flask import current_app, url_for
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from lms_roi.models import Badge, BadgeAward, Learner

from . import criteria

CONTEXT = "https://w3id.org/openbadges/v2"
MEDIA_TYPE = "application/ld+json"
BAKED_KEYWORD = "openbadges"


def issuer() -> dict:
    """The issuer profile (``type`` Issuer)."""
    config = current_app.config
    profile = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": url_for("lms_roi.badges.ob_issuer", _external=True),
        "name": config.get("LMS_ROI_BADGE_ISSUER_NAME") or "lms-roi",
        "url": config.get("LMS_ROI_BADGE_ISSUER_URL")
        or url_for("lms_roi.navigation.home", _external=True),
    }
    if config.get("LMS_ROI_BADGE_ISSUER_EMAIL"):
        profile["email"] = config["LMS_ROI_BADGE_ISSUER_EMAIL"]
    return profile


def badge_class(badge: Badge) -> dict:
    """A BadgeClass: name, description, image, criteria narrative and issuer."""
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": url_for("lms_roi.badges.ob_badge_class", slug=badge.slug, _external=True),
        "name": badge.name,
        "description": badge.description or criteria.sentence(badge.criteria),
        "image": url_for("lms_roi.badges.badge_image", slug=badge.slug, _external=True),
        "criteria": {"narrative": criteria.sentence(badge.criteria)},
        "issuer": url_for("lms_roi.badges.ob_issuer", _external=True),
    }


def assertion(award: BadgeAward, badge: Badge, learner: Learner) -> dict:
    """The Assertion of one award (``revoked`` and its reason once revoked)."""
    salt = recipient_salt(award.uid)
    document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award),
        "recipient": recipient(learner, salt),
        "badge": url_for("lms_roi.badges.ob_badge_class", slug=badge.slug, _external=True),
        "verification": {"type": "hosted"},
        "issuedOn": award.issued_on.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "image": url_for("lms_roi.badges.ob_baked", uid=award.uid, _external=True),
    }
    narrative = (award.evidence or {}).get("narrative")
    if narrative:
        document["evidence"] = {"narrative": narrative}
    if award.revoked:
        document["revoked"] = True
        document["revocationReason"] = award.revocation_reason
    return document


def revoked_assertion(award: BadgeAward) -> dict:
    """What a revoked hosted assertion answers (with HTTP 410): its id and the reason."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award),
        "revoked": True,
        "revocationReason": award.revocation_reason,
    }


def assertion_url(award: BadgeAward) -> str:
    return url_for("lms_roi.badges.ob_assertion", uid=award.uid, _external=True)


def recipient_salt(uid: str) -> str:
    """A salt per assertion, reproducible from the secret key (nothing extra stored)."""
    key = str(current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(key, f"openbadges-salt:{uid}".encode(), hashlib.sha256).hexdigest()[:16]


def hashed_identity(identity: str, salt: str) -> str:
    """``sha256$`` + hex SHA-256 of the identity followed by the salt (OB 2.0)."""
    return "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest()


def recipient(learner: Learner, salt: str) -> dict:
    """The hashed recipient: the learner's email (lower case), else a URN of their id."""
    if learner.email:
        kind, identity = "email", learner.email.strip().lower()
    else:
        kind, identity = "url", f"urn:lms-roi:learner:{learner.external_id}"
    return {
        "type": kind,
        "hashed": True,
        "salt": salt,
        "identity": hashed_identity(identity, salt),
    }


def baked_png(image_png: bytes, assertion_id: str) -> bytes:
    """The badge image with an ``openbadges`` iTXt chunk holding the assertion URL.

    The hosted URL (not a copy of the JSON) is baked, so a verifier always reads the
    assertion's current state, revocation included.
    """
    info = PngInfo()
    info.add_itxt(BAKED_KEYWORD, assertion_id, lang="", tkey="", zip=False)
    buffer = io.BytesIO()
    with Image.open(io.BytesIO(image_png)) as picture:
        picture.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def baked_assertion_id(png: bytes) -> str | None:
    """The ``openbadges`` text of a baked PNG (None when absent)."""
    with Image.open(io.BytesIO(png)) as picture:
        picture.load()
        value = picture.text.get(BAKED_KEYWORD)
    return str(value) if value is not None else None
