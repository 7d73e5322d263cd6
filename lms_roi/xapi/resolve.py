"""Who and what an xAPI statement is about: actor -> learner, activity -> module, and
what its verb and result say, for a whole batch at once.

Actors (xAPI 1.0.3 §2.4.2.3, inverse functional identifiers):

==========================  ===============================================================
``account{homePage,name}``  ``Learner.external_id == name`` when ``homePage`` is one of
                            ``LMS_ROI_XAPI_HOME_PAGES`` (``"*"``: any home page)
``mbox`` ``mailto:x``       ``Learner.email == x`` (emails are kept lower-cased)
``mbox_sha1sum``            SHA-1 of ``"mailto:" + Learner.email``
``openid``, groups          no learner (``unknown_actor``)
==========================  ===============================================================

With ``LMS_ROI_XAPI_CREATE_LEARNERS`` an unknown account (of a configured home page) or
mailbox becomes a new learner named after ``actor.name``.

Activities: an explicit :class:`~lms_roi.models.XapiActivityMap` row first, else the
first of ``LMS_ROI_XAPI_ACTIVITY_PATTERNS`` that matches (``{host}`` any host, ``{slug}``
a module slug; default: this application's own module pages,
``https://{host}<prefix>/modules/{slug}``), else unmapped. One query each per batch.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError

from lms_roi.db import IN_CHUNK, chunked, session
from lms_roi.models import Learner, Module, RoleGrant, XapiActivityMap
from lms_roi.sql_lists import one_of

ANY_HOME_PAGE = "*"


@dataclass(frozen=True)
class ModuleRef:
    """The module an activity maps to (what processing needs of it)."""

    id: int
    slug: str
    current_version: int


# --- actors -------------------------------------------------------------------------------


def actor_key(actor: dict | None) -> tuple[str, str] | None:
    """The actor's identifier as ``(kind, value)``: ``("account", name)``,
    ``("mbox", email)``, ``("sha1", hex)``; None when it names no single learner."""
    if not isinstance(actor, dict) or actor.get("objectType") == "Group":
        return None
    account = actor.get("account")
    if isinstance(account, dict):
        if not _home_page_accepted(account.get("homePage")) or not account.get("name"):
            return None
        return ("account", str(account["name"]))
    mbox = actor.get("mbox")
    if isinstance(mbox, str) and mbox.lower().startswith("mailto:"):
        return ("mbox", mbox[len("mailto:") :].strip().lower())
    sha1 = actor.get("mbox_sha1sum")
    if isinstance(sha1, str) and sha1:
        return ("sha1", sha1.strip().lower())
    return None


def resolve_learners(actors: Sequence[dict | None]) -> list[int | None]:
    """The learner id of each actor (None: unknown), creating learners when configured."""
    keys = [actor_key(actor) for actor in actors]
    found = _find_learners({key for key in keys if key is not None})
    if current_app.config.get("LMS_ROI_XAPI_CREATE_LEARNERS"):
        missing = {}
        for key, actor in zip(keys, actors, strict=True):
            if key is not None and key not in found and key[0] != "sha1":
                missing.setdefault(key, actor.get("name"))
        if missing:
            found.update(_create_learners(missing))
    return [found.get(key) if key is not None else None for key in keys]


def _home_page_accepted(home_page) -> bool:
    accepted = _home_pages(tuple(current_app.config.get("LMS_ROI_XAPI_HOME_PAGES") or ()))
    return ANY_HOME_PAGE in accepted or _normal_url(home_page) in accepted


@lru_cache(maxsize=8)
def _home_pages(configured: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        value if value == ANY_HOME_PAGE else _normal_url(value) for value in configured
    )


def _normal_url(value) -> str:
    return str(value or "").strip().rstrip("/").lower()


def _find_learners(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    db = session()
    found: dict[tuple[str, str], int] = {}
    names = sorted(value for kind, value in keys if kind == "account")
    emails = sorted(value for kind, value in keys if kind == "mbox")
    for part_names, part_emails in _paired_chunks(names, emails):
        rows = db.execute(
            select(Learner.id, Learner.external_id, Learner.email).where(
                or_(one_of(Learner.external_id, part_names), one_of(Learner.email, part_emails))
            )
        )
        wanted_names, wanted_emails = set(part_names), set(part_emails)
        for learner_id, external_id, email in rows:
            if external_id in wanted_names:
                found[("account", external_id)] = learner_id
            if email in wanted_emails:
                found[("mbox", email)] = learner_id
    hashes = {value for kind, value in keys if kind == "sha1"}
    if hashes:
        # SHA-1 is not an SQL function on SQLite nor (without pgcrypto) on PostgreSQL:
        # hash the learners' mailboxes here, only for batches that need it.
        for learner_id, email in db.execute(
            select(Learner.id, Learner.email).where(Learner.email.is_not(None))
        ):
            digest = hashlib.sha1(f"mailto:{email}".encode(), usedforsecurity=False).hexdigest()
            if digest in hashes:
                found[("sha1", digest)] = learner_id
    return found


def _paired_chunks(names: list[str], emails: list[str]):
    name_parts = list(chunked(names, IN_CHUNK)) or [[]]
    email_parts = list(chunked(emails, IN_CHUNK)) or [[]]
    for index in range(max(len(name_parts), len(email_parts))):
        yield (
            name_parts[index] if index < len(name_parts) else [],
            email_parts[index] if index < len(email_parts) else [],
        )


def _create_learners(missing: dict[tuple[str, str], str | None]) -> dict[tuple[str, str], int]:
    """New learners (role ``learner``) for unknown actors; bulk, race-safe."""
    db = session()
    rows = []
    for (kind, value), name in sorted(missing.items()):
        display = (str(name).strip() if name else "") or value
        rows.append(
            dict(
                external_id=value,
                email=value if kind == "mbox" else None,
                display_name=display[:200],
            )
        )
    try:
        with db.begin_nested():
            db.execute(insert(Learner), rows)
    except IntegrityError:
        # Someone created one of them meanwhile (or an email is taken): one by one.
        for row in rows:
            try:
                with db.begin_nested():
                    db.execute(insert(Learner), [row])
            except IntegrityError:
                continue
    created = _find_learners(set(missing))
    fresh = sorted(set(created.values()))
    held = set(
        db.scalars(
            select(RoleGrant.learner_id).where(
                RoleGrant.learner_id.in_(fresh), RoleGrant.role == "learner"
            )
        )
    )
    grants = [dict(learner_id=lid, role="learner") for lid in fresh if lid not in held]
    if grants:
        db.execute(insert(RoleGrant), grants)
    return created


# --- activities ---------------------------------------------------------------------------


def resolve_modules(iris: Iterable[str]) -> dict[str, ModuleRef]:
    """The module each activity IRI maps to (unmapped IRIs are absent)."""
    iris = set(iris)
    db = session()
    out: dict[str, ModuleRef] = {}
    for part in chunked(sorted(iris), IN_CHUNK):
        rows = db.execute(
            select(XapiActivityMap.activity_iri, Module.id, Module.slug, Module.current_version)
            .join(Module, Module.id == XapiActivityMap.module_id)
            .where(XapiActivityMap.activity_iri.in_(part))
        )
        out.update({iri: ModuleRef(mid, slug, version) for iri, mid, slug, version in rows})
    by_slug: dict[str, list[str]] = {}
    for iri in iris - set(out):
        slug = slug_from_iri(iri)
        if slug is not None:
            by_slug.setdefault(slug, []).append(iri)
    for part in chunked(sorted(by_slug), IN_CHUNK):
        for mid, slug, version in db.execute(
            select(Module.id, Module.slug, Module.current_version).where(Module.slug.in_(part))
        ):
            for iri in by_slug[slug]:
                out[iri] = ModuleRef(mid, slug, version)
    return out


def slug_from_iri(iri: str) -> str | None:
    """The module slug a configured IRI pattern reads from ``iri`` (None: no pattern)."""
    for pattern in _compiled(_patterns()):
        match = pattern.match(iri)
        if match:
            return match.group("slug")
    return None


def _patterns() -> tuple[str, ...]:
    configured = current_app.config.get("LMS_ROI_XAPI_ACTIVITY_PATTERNS")
    if configured:
        return (configured,) if isinstance(configured, str) else tuple(configured)
    prefix = (current_app.config.get("LMS_ROI_URL_PREFIX") or "").rstrip("/")
    return (
        f"https://{{host}}{prefix}/modules/{{slug}}",
        f"http://{{host}}{prefix}/modules/{{slug}}",
    )


@lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """``https://{host}/roi/modules/{slug}`` -> a regex (a trailing slash is allowed)."""
    out = []
    for pattern in patterns:
        parts = re.split(r"(\{host\}|\{slug\})", pattern)
        body = "".join(
            r"[^/?#]+"
            if part == "{host}"
            else r"(?P<slug>[A-Za-z0-9_.\-]+)"
            if part == "{slug}"
            else re.escape(part)
            for part in parts
        )
        if "(?P<slug>" in body:
            out.append(re.compile(rf"^{body}/?$", re.IGNORECASE))
    return tuple(out)


__all__ = [
    "ModuleRef",
    "actor_key",
    "resolve_learners",
    "resolve_modules",
    "slug_from_iri",
]
