"""Stable pseudonyms for the leaderboards: "Calm Otter 417".

A pseudonym is drawn from an HMAC of the learner's id under the application's secret
(``LMS_ROI_PSEUDONYM_SECRET``, else ``SECRET_KEY``), so nobody can recompute who hides
behind one, and is stored once in ``Learner.pseudonym`` (unique): it never changes
afterwards, even if the secret does. Pseudonyms are names, so they are not translated.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms_roi.db import session
from lms_roi.models import Learner

ADJECTIVES = (
    "Agile", "Amber", "Bold", "Brave", "Bright", "Brisk", "Calm", "Candid",
    "Clever", "Cosmic", "Curious", "Daring", "Dapper", "Eager", "Fearless", "Fierce",
    "Gentle", "Gleaming", "Golden", "Graceful", "Happy", "Hardy", "Humble", "Jolly",
    "Keen", "Kind", "Lively", "Lucky", "Merry", "Mighty", "Nimble", "Noble",
    "Patient", "Plucky", "Polite", "Proud", "Quick", "Quiet", "Radiant", "Rapid",
    "Serene", "Sharp", "Shiny", "Silent", "Sly", "Smart", "Snappy", "Spry",
    "Steady", "Stellar", "Sunny", "Swift", "Tidy", "Tireless", "Trusty", "Valiant",
    "Vivid", "Wise", "Witty", "Zany", "Zealous", "Zesty", "Breezy", "Cheerful",
)  # fmt: skip
ANIMALS = (
    "Albatross", "Badger", "Beaver", "Bison", "Bobcat", "Buffalo", "Camel", "Caribou",
    "Cheetah", "Condor", "Coyote", "Crane", "Dolphin", "Eagle", "Falcon", "Ferret",
    "Finch", "Fox", "Gazelle", "Gecko", "Giraffe", "Heron", "Hedgehog", "Ibex",
    "Jaguar", "Kestrel", "Koala", "Lemur", "Leopard", "Llama", "Lynx", "Magpie",
    "Marmot", "Meerkat", "Mongoose", "Moose", "Narwhal", "Ocelot", "Orca", "Osprey",
    "Otter", "Owl", "Panda", "Panther", "Pelican", "Penguin", "Puffin", "Quokka",
    "Raccoon", "Raven", "Salmon", "Seal", "Sparrow", "Squirrel", "Stork", "Swan",
    "Tapir", "Tiger", "Toucan", "Walrus", "Weasel", "Whale", "Wolf", "Yak",
)  # fmt: skip

#: Give up after this many taken candidates (64 x 64 x 900 names: never reached in practice).
MAX_ATTEMPTS = 50


def _secret() -> bytes:
    config = current_app.config
    secret = config.get("LMS_ROI_PSEUDONYM_SECRET") or config.get("SECRET_KEY") or "lms-roi"
    return secret if isinstance(secret, bytes) else str(secret).encode()


def candidate(learner_id: int, attempt: int = 0) -> str:
    """The ``attempt``-th pseudonym candidate of a learner (deterministic)."""
    message = f"lms-roi pseudonym {learner_id} {attempt}".encode()
    digest = hmac.new(_secret(), message, hashlib.sha256).digest()
    adjective = ADJECTIVES[int.from_bytes(digest[0:4], "big") % len(ADJECTIVES)]
    animal = ANIMALS[int.from_bytes(digest[4:8], "big") % len(ANIMALS)]
    number = 100 + int.from_bytes(digest[8:12], "big") % 900
    return f"{adjective} {animal} {number}"


def _taken(name: str, learner_id: int) -> bool:
    return (
        session().scalar(
            select(Learner.id).where(Learner.pseudonym == name, Learner.id != learner_id).limit(1)
        )
        is not None
    )


def preview(learner: Learner) -> str:
    """The learner's pseudonym: the stored one, else the one they would get now."""
    if learner.pseudonym:
        return learner.pseudonym
    for attempt in range(MAX_ATTEMPTS):
        name = candidate(learner.id, attempt)
        if not _taken(name, learner.id):
            return name
    return candidate(learner.id)


def ensure_pseudonym(learner: Learner) -> str:
    """Give the learner their pseudonym once (only flushes); returns it.

    Two learners racing for the same candidate: the loser's unique violation is caught
    inside a savepoint and the next candidate is tried.
    """
    if learner.pseudonym:
        return learner.pseudonym
    db = session()
    for attempt in range(MAX_ATTEMPTS):
        name = candidate(learner.id, attempt)
        if _taken(name, learner.id):
            continue
        try:
            with db.begin_nested():
                learner.pseudonym = name
                db.flush()
        except IntegrityError:
            learner.pseudonym = None
            continue
        return name
    raise RuntimeError("no free pseudonym")  # 3.7 million names: unreachable


def shown_name(visibility: str, display_name: str, pseudonym: str | None, learner_id: int) -> str:
    """The name a board shows for a learner it may show (named or pseudonymous).

    A pseudonymous learner whose pseudonym was never stored (visibility set by an import
    or an admin) shows their first candidate, the one :func:`ensure_pseudonym` would
    most likely store.
    """
    if visibility == "pseudonymous":
        return pseudonym or candidate(learner_id)
    return display_name
