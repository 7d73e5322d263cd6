"""Badge pages: the learner's badges, analysts' authoring with uploads, revocation, Open Badges."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from badge_factories import AT, make_badge, png_bytes
from conftest import login
from factories import make_completion, make_module, make_person
from lms_roi.db import session
from lms_roi.gamification import badges, openbadges
from lms_roi.models import Badge, BadgeAward


@pytest.fixture
def analyst(app, db, client):
    with app.app_context():
        make_person("nadia@example.com", roles=("analyst",))
        db.session.commit()
    login(client, "nadia@example.com")


@pytest.fixture
def ana_awards(app, db):
    """Ana holds "first" and a revoked "cheat"; "three" asks for 3 modules, she has 1."""
    with app.app_context():
        ana = make_person("ana@example.com", name="Ana", external_id="E1")
        make_completion(ana, make_module("m-one"), AT - timedelta(days=1))
        first = make_badge("first", name="First steps", xp=10)
        cheat = make_badge("cheat", name="Cheat sheet")
        make_badge("three", {"kind": "modules_completed", "min": 3}, name="Three in a row")
        make_badge("retired", name="Retired badge", active=False)
        kept = badges.award_badge(ana.id, first, AT)
        revoked = badges.award_badge(ana.id, cheat, AT)
        badges.revoke(revoked, "Awarded by mistake", actor=None)
        db.session.commit()
        return {"kept": kept.uid, "revoked": revoked.uid}


def _form(**changes) -> dict:
    values = {
        "slug": "micro-master",
        "name": "Micro master",
        "description": "Five micro-learning modules.",
        "xp": "25",
        "kind": "method_completed",
        "min": "5",
        "method": "micro_learning",
        "program": "",
        "kpi": "",
        "challenge": "",
        "active": "y",
    }
    return {**values, **changes}


def test_the_learner_sees_held_revoked_and_to_earn_badges_with_progress(client, ana_awards):
    login(client, "ana@example.com")
    page = client.get("/roi/badges", headers={"Accept-Language": "en"}).get_data(as_text=True)
    held, to_earn = page.split('id="to-earn"')
    assert "2 badges earned" in held and "First steps" in held
    assert "Earned on" in held and "+10 XP" in held
    assert f'/roi/openbadges/assertions/{ana_awards["kept"]}"' in held
    assert f'/roi/openbadges/assertions/{ana_awards["kept"]}/badge.png" download' in held
    assert "Revoked on" in held and "Reason: Awarded by mistake" in held
    assert f"/roi/openbadges/assertions/{ana_awards['revoked']}/badge.png" not in held
    assert "Three in a row" in to_earn and "Complete 3 different modules." in to_earn
    assert 'max="3" value="1"' in to_earn and "1 of 3" in to_earn
    assert "Retired badge" not in page


def test_the_learner_page_is_in_french(client, ana_awards):
    login(client, "ana@example.com")
    page = client.get("/roi/badges", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in page


def test_an_analyst_creates_a_badge_with_an_uploaded_image(app, client, analyst):
    page = client.post(
        "/roi/badges/manage/new",
        data={**_form(), "image": (io.BytesIO(png_bytes((640, 320))), "logo.png")},
        content_type="multipart/form-data",
    )
    assert (
        page.status_code == 303
        and page.headers["Location"] == "/roi/badges/manage/micro-master/edit"
    )
    with app.app_context():
        badge = session().scalar(select(Badge).where(Badge.slug == "micro-master"))
        assert badge.criteria == {"kind": "method_completed", "method": "micro_learning", "min": 5}
        assert (badge.xp, badge.active, badge.image) == (25, True, "micro-master.png")
    image = client.get("/roi/openbadges/badges/micro-master/image.png")
    assert image.mimetype == "image/png"
    with Image.open(io.BytesIO(image.data)) as picture:
        assert picture.size == (400, 400)
        assert picture.getpixel((200, 200))[:3] == (200, 40, 40)  # the upload, not the default
    # Cached a few minutes, then revalidated: the same image answers 304 without a body.
    assert image.headers["Cache-Control"] == "public, max-age=300"
    again = client.get(
        "/roi/openbadges/badges/micro-master/image.png",
        headers={"If-None-Match": image.headers["ETag"]},
    )
    assert (again.status_code, again.data) == (304, b"")
    listing = client.get("/roi/badges/manage/").get_data(as_text=True)
    assert "Micro master" in listing
    assert "Complete 5 different modules of the method “micro-learning”." in listing


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"<?php echo 1; ?>" * 10, "Upload a PNG or JPEG image"),
        (png_bytes() + b"\0" * (600 * 1024), "larger than 512 KB"),
    ],
)
def test_a_fake_or_oversized_image_saves_nothing(app, client, analyst, upload, message):
    # Encoded in memory: the test client would spool a large body to an unclosed file.
    boundary, body = encode_multipart(
        {**_form(), "image": FileStorage(io.BytesIO(upload), "badge.png", "image/png")}
    )
    page = client.post(
        "/roi/badges/manage/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nothing was saved" in body and message in body
    with app.app_context():
        assert session().scalar(select(Badge.id)) is None


def test_criterion_parameters_are_checked_on_the_form(app, client, analyst):
    body = client.post(
        "/roi/badges/manage/new", data=_form(kind="program_completed", program="")
    ).get_data(as_text=True)
    assert "Choose one in the list." in body and 'href="#program"' in body
    body = client.post("/roi/badges/manage/new", data=_form(min="0")).get_data(as_text=True)
    assert "Enter a whole number from 1 to 10,000." in body


def test_editing_keeps_the_slug_and_can_return_to_the_generated_image(app, client, analyst):
    client.post(
        "/roi/badges/manage/new",
        data={**_form(), "image": (io.BytesIO(png_bytes()), "logo.png")},
        content_type="multipart/form-data",
    )
    form = client.get("/roi/badges/manage/micro-master/edit").get_data(as_text=True)
    assert 'name="slug"' not in form and 'value="Micro master"' in form
    changed = _form(name="Micro champion", kind="streak", min="10", generated_image="y")
    changed.pop("slug")
    client.post("/roi/badges/manage/micro-master/edit", data=changed)
    with app.app_context():
        badge = session().scalar(select(Badge).where(Badge.slug == "micro-master"))
        assert (badge.name, badge.criteria, badge.image) == (
            "Micro champion",
            {"kind": "streak", "min": 10},
            "",
        )
    image = client.get("/roi/openbadges/badges/micro-master/image.png").data
    with app.app_context():
        from lms_roi.gamification.badge_images import default_image

        assert image == default_image("micro-master", "Micro champion")


def test_learners_cannot_author_badges(client, ana_awards):
    login(client, "ana@example.com")
    assert client.get("/roi/badges/manage/").status_code == 403
    assert client.post("/roi/badges/manage/new", data=_form()).status_code == 403


def test_revocation_needs_a_reason_then_the_assertion_is_gone(app, client, analyst, ana_awards):
    uid = ana_awards["kept"]
    assert client.get(f"/roi/openbadges/assertions/{uid}").status_code == 200
    refused = client.post(f"/roi/badges/awards/{uid}/revoke", data={"reason": "  "})
    assert refused.status_code == 303
    awards = client.get("/roi/badges/manage/first/awards").get_data(as_text=True)
    assert "Give the reason for the revocation." in awards
    client.post(f"/roi/badges/awards/{uid}/revoke", data={"reason": "Shared account"})
    with app.app_context():
        award = session().scalar(select(BadgeAward).where(BadgeAward.uid == uid))
        assert award.revoked and award.revocation_reason == "Shared account"
    gone = client.get(f"/roi/openbadges/assertions/{uid}")
    assert gone.status_code == 410 and gone.mimetype == "application/ld+json"
    assert json.loads(gone.data) == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": f"http://localhost/roi/openbadges/assertions/{uid}",
        "revoked": True,
        "revocationReason": "Shared account",
    }
    assert client.get(f"/roi/openbadges/assertions/{uid}/badge.png").status_code == 410


def test_open_badges_documents_are_public_json_ld(app, client, ana_awards):
    uid = ana_awards["kept"]
    assertion = client.get(f"/roi/openbadges/assertions/{uid}")
    assert assertion.status_code == 200 and assertion.mimetype == "application/ld+json"
    document = json.loads(assertion.data)
    assert document["type"] == "Assertion" and document["verification"] == {"type": "hosted"}
    badge_class = json.loads(client.get("/roi/openbadges/badges/first").data)
    assert document["badge"] == badge_class["id"] == "http://localhost/roi/openbadges/badges/first"
    issuer = client.get("/roi/openbadges/issuer")
    assert json.loads(issuer.data)["id"] == badge_class["issuer"]
    assert issuer.headers["Access-Control-Allow-Origin"] == "*"
    baked = client.get(f"/roi/openbadges/assertions/{uid}/badge.png")
    assert baked.mimetype == "image/png"
    assert openbadges.baked_assertion_id(baked.data) == document["id"]
    assert client.get("/roi/openbadges/assertions/no-such-uid").status_code == 404


def test_award_now_gives_the_badge_to_everyone_who_meets_it(app, client, analyst):
    with app.app_context():
        module = make_module("m-one")
        for name in ("ana", "bob"):
            make_completion(make_person(f"{name}@example.com"), module, AT)
        make_badge("first", name="First steps")
        session().commit()
    page = client.post("/roi/badges/manage/first/award-now", follow_redirects=True)
    body = page.get_data(as_text=True)
    assert "2 learners received the badge." in body
    assert body.count("/revoke") == 2
