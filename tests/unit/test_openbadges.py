"""Open Badges 2.0: the JSON-LD documents checked against the spec, baking, badge images."""

from __future__ import annotations

import hashlib
import io
import struct
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from PIL import Image

from badge_factories import AT, jpeg_bytes, make_badge, png_bytes
from factories import make_person
from lms_roi.gamification import badge_images, badges, openbadges

CONTEXT = "https://w3id.org/openbadges/v2"
BASE = "https://learn.example.com"

# Required properties of each class in Open Badges 2.0 (IMS Final, 2018): Assertion,
# BadgeClass and the issuer Profile; the issuer's email is required by this product.
REQUIRED = {
    "Assertion": ("id", "type", "recipient", "badge", "verification", "issuedOn"),
    "BadgeClass": ("id", "type", "name", "description", "image", "criteria", "issuer"),
    "Issuer": ("id", "type", "name", "url", "email"),
}


def check_ob2(document: dict, kind: str) -> None:
    """Fail unless ``document`` is a valid OB 2.0 ``kind`` with absolute IRIs."""
    assert document["@context"] == CONTEXT
    assert document["type"] == kind
    missing = [name for name in REQUIRED[kind] if document.get(name) in (None, "", {})]
    assert missing == [], f"{kind} lacks {missing}"
    assert _absolute(document["id"])
    if kind == "Assertion":
        recipient = document["recipient"]
        assert recipient["type"] in ("email", "url", "telephone")
        assert isinstance(recipient["hashed"], bool) and recipient["identity"]
        if recipient["hashed"]:
            algorithm, _, digest = recipient["identity"].partition("$")
            assert algorithm in ("sha256", "md5") and digest
        assert _absolute(document["badge"])
        assert document["verification"]["type"] == "hosted"
        issued = datetime.fromisoformat(document["issuedOn"].replace("Z", "+00:00"))
        assert issued.tzinfo is not None
    if kind == "BadgeClass":
        assert _absolute(document["image"]) and _absolute(document["issuer"])
        criteria = document["criteria"]
        assert criteria.get("narrative") or _absolute(criteria.get("id", ""))
    if kind == "Issuer":
        assert _absolute(document["url"]) and "@" in document["email"]


def _absolute(iri: str) -> bool:
    parts = urlsplit(iri)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@pytest.fixture
def issued(app, ctx, monkeypatch):
    """An award of ``micro-master`` to Ana, in a request to https://learn.example.com."""
    monkeypatch.setitem(app.config, "LMS_ROI_BADGE_ISSUER_NAME", "Acme Learning")
    monkeypatch.setitem(app.config, "LMS_ROI_BADGE_ISSUER_EMAIL", "badges@acme.example")
    ana = make_person("Ana@Example.com", name="Ana")
    badge = make_badge(
        "micro-master",
        {"kind": "method_completed", "method": "micro_learning", "min": 5},
        name="Micro master",
    )
    award = badges.award_badge(ana.id, badge, AT)
    with app.test_request_context("/", base_url=BASE):
        yield award, badge, ana


def test_issuer_badge_class_and_assertion_pass_the_ob2_check(issued):
    award, badge, ana = issued
    issuer = openbadges.issuer()
    check_ob2(issuer, "Issuer")
    assert issuer["name"] == "Acme Learning" and issuer["url"] == f"{BASE}/roi/"
    badge_class = openbadges.badge_class(badge)
    check_ob2(badge_class, "BadgeClass")
    assert badge_class["issuer"] == issuer["id"]
    assert badge_class["criteria"]["narrative"] == (
        "Complete 5 different modules of the method “micro-learning”."
    )
    assertion = openbadges.assertion(award, badge, ana)
    check_ob2(assertion, "Assertion")
    assert assertion["id"] == f"{BASE}/roi/openbadges/assertions/{award.uid}"
    assert assertion["badge"] == badge_class["id"]
    assert assertion["issuedOn"] == "2026-03-10T12:00:00Z"
    # Hosted verification: the assertion lives on the issuer's origin.
    assert urlsplit(assertion["id"]).netloc == urlsplit(issuer["id"]).netloc
    assert "revoked" not in assertion


def test_the_recipient_is_the_lower_case_email_hashed_with_a_per_assertion_salt(issued, app):
    award, badge, ana = issued
    recipient = openbadges.assertion(award, badge, ana)["recipient"]
    salt = recipient["salt"]
    expected = "sha256$" + hashlib.sha256(("ana@example.com" + salt).encode()).hexdigest()
    assert recipient == {"type": "email", "hashed": True, "salt": salt, "identity": expected}
    assert "ana@example.com" not in str(openbadges.assertion(award, badge, ana)).lower()
    assert openbadges.recipient_salt(award.uid) == salt  # stable for one assertion
    assert openbadges.recipient_salt("another-uid") != salt


def test_a_revoked_assertion_says_so_with_its_reason(issued):
    award, badge, ana = issued
    badges.revoke(award, "Shared account", actor=None)
    document = openbadges.assertion(award, badge, ana)
    assert document["revoked"] is True and document["revocationReason"] == "Shared account"
    gone = openbadges.revoked_assertion(award)
    assert gone["revoked"] is True and gone["id"] == document["id"]


def _itxt_chunks(png: bytes) -> list[tuple[str, int, str]]:
    """(keyword, compression flag, text) of every iTXt chunk, read from the raw bytes."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    found, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        data = png[offset + 8 : offset + 8 + length]
        if kind == b"iTXt":
            keyword, rest = data.split(b"\0", 1)
            compressed = rest[0]
            _language, _translated, text = rest[2:].split(b"\0", 2)
            found.append((keyword.decode(), compressed, text.decode()))
        offset += 12 + length
    return found


def test_the_baked_png_holds_the_assertion_url_in_one_openbadges_itxt_chunk(issued):
    award, badge, _ana = issued
    url = openbadges.assertion_url(award)
    image = badge_images.image_bytes(badge.slug, badge.name, badge.image)
    baked = openbadges.baked_png(image, url)
    assert _itxt_chunks(baked) == [("openbadges", 0, url)]
    assert openbadges.baked_assertion_id(baked) == url
    with Image.open(io.BytesIO(baked)) as picture:
        assert picture.size == (400, 400)


def test_uploads_are_recognised_by_content_and_re_encoded_as_400_px_png(ctx):
    for upload in (png_bytes((120, 80)), jpeg_bytes()):
        checked = badge_images.checked_image(upload)
        with Image.open(io.BytesIO(checked)) as picture:
            assert (picture.format, picture.size) == ("PNG", (400, 400))


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"not really an image" * 20, "image_type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "image_type"),
        (png_bytes()[:60], "image_type"),  # truncated
        (png_bytes() + b"\0" * (512 * 1024), "image_too_large"),
    ],
)
def test_fake_truncated_svg_and_oversized_uploads_are_refused(ctx, content, code):
    with pytest.raises(badge_images.ImageRefused) as refused:
        badge_images.checked_image(content)
    assert (refused.value.code, refused.value.field) == (code, "image")


def test_a_gif_is_refused_though_pillow_reads_it(ctx):
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buffer, format="GIF")
    with pytest.raises(badge_images.ImageRefused, match="PNG or JPEG"):
        badge_images.checked_image(buffer.getvalue())


def test_the_generated_image_is_deterministic(ctx):
    first = badge_images.default_image("micro-master", "Micro master")
    assert first == badge_images.default_image("micro-master", "Micro master")
    assert first != badge_images.default_image("on-a-roll", "On a roll")
    with Image.open(io.BytesIO(first)) as picture:
        assert picture.size == (400, 400)
        assert picture.getpixel((0, 0))[3] == 0  # transparent outside the disc
    assert badge_images.initials("Micro master") == "MM"
    assert badge_images.initials("  perfectionist ") == "P"
