"""Import of learners (see the README for the columns)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from lms_roi.db import session
from lms_roi.models import Learner, RoleGrant, Team

from . import fields as f
from .base import Counts, Importer, chunked


@dataclass
class LearnerRecord:
    row: int
    external_id: str
    email: str
    name: str
    team: str
    hourly_cost: Decimal
    manager_email: str
    timezone: str | None
    locale: str | None


def team_slug(name: str) -> str:
    """A URL-safe slug for a team name (accents folded: 'Équipe SEO' -> 'equipe-seo')."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:80] or "team"


class LearnerImporter(Importer):
    """Learner profiles upserted on ``external_id``; teams are created by name."""

    kind = "learners"
    required = ("external_id", "email", "name", "team", "hourly_cost")
    optional = ("manager_email", "timezone", "locale")
    unique = (("external_id",), ("email",))

    def parse_row(self, row, record):
        external_id = self.cell(row, "external_id", _external_id, record["external_id"])
        email = self.cell(row, "email", f.email, record["email"])
        name = self.cell(row, "name", f.required, record["name"], "name")
        cost = self.cell(row, "hourly_cost", f.money, record["hourly_cost"], "hourly_cost")
        manager = record.get("manager_email", "")
        if manager:
            manager = self.cell(row, "manager_email", f.email, manager, "manager_email")
        zone = record.get("timezone") or None
        if zone:
            zone = self.cell(row, "timezone", f.timezone_name, zone)
        locale = record.get("locale") or None
        if locale and not f.LOCALE_RE.match(locale):
            self.report(
                row,
                "locale",
                _("locale %(locale)r is not a language tag", locale=locale),
                _("write fr, en or fr_FR"),
            )
            locale = None
        return LearnerRecord(
            row, external_id, email, (name or "")[:200], record["team"], cost, manager, zone, locale
        )

    def check_records(self, records):
        by_external = {rec.external_id for rec in records if rec.external_id}
        by_email = {rec.email for rec in records if rec.email}
        db = session()
        self.existing: dict[str, Learner] = {}
        email_owner: dict[str, str] = {}
        for part in chunked(by_external):
            for learner in db.scalars(select(Learner).where(Learner.external_id.in_(part))):
                self.existing[learner.external_id] = learner
        managers = {rec.manager_email for rec in records if rec.manager_email}
        for part in chunked(by_email | managers):
            for ext, mail in db.execute(
                select(Learner.external_id, Learner.email).where(Learner.email.in_(part))
            ):
                email_owner[mail] = ext
        for rec in records:
            owner = email_owner.get(rec.email or "")
            if owner is not None and owner != rec.external_id and owner not in by_external:
                self.report(
                    rec.row,
                    "email",
                    _(
                        "%(email)s already belongs to learner %(owner)r",
                        email=rec.email,
                        owner=owner,
                    ),
                    _("use that learner's external_id, or another email"),
                )
            if (
                rec.manager_email
                and rec.manager_email not in by_email
                and rec.manager_email not in email_owner
            ):
                self.report(
                    rec.row,
                    "manager_email",
                    _("no learner with email %(email)s", email=rec.manager_email),
                    _("add the manager to this file or import them first"),
                )
            if rec.manager_email and rec.manager_email == rec.email:
                self.report(
                    rec.row,
                    "manager_email",
                    _("a learner cannot be their own manager"),
                    _("leave manager_email empty or write the manager's email"),
                )

    def check_header(self, header):
        super().check_header(header)
        # Without the column, managers are left alone; with it, an empty cell clears one.
        self.sets_managers = "manager_email" in header

    def apply(self, records, batch):
        db = session()
        teams = _ensure_teams({rec.team for rec in records if rec.team})
        managers_before = _ids_by_email({rec.manager_email for rec in records if rec.manager_email})
        counts = Counts()
        inserts, updates = [], []
        for rec in records:
            wanted = dict(
                email=rec.email,
                display_name=rec.name,
                team_id=teams[team_slug(rec.team)] if rec.team else None,
                hourly_cost=rec.hourly_cost,
            )
            if rec.timezone:
                wanted["timezone"] = rec.timezone
            if rec.locale:
                wanted["locale"] = rec.locale
            learner = self.existing.get(rec.external_id)
            if learner is None:
                inserts.append(dict(external_id=rec.external_id, **wanted))
            elif any(getattr(learner, k) != v for k, v in wanted.items()):
                updates.append(dict(id=learner.id, **wanted))
            elif (
                self.sets_managers and managers_before.get(rec.manager_email) != learner.manager_id
            ):
                counts.updated += 1
            else:
                counts.unchanged += 1
        # Emails may move between learners within one file: clear them first so
        # the unique constraint never sees a transient duplicate.
        if updates:
            db.execute(update(Learner), [dict(id=u["id"], email=None) for u in updates])
            db.execute(update(Learner), updates)
        for part in chunked(inserts, 2000):
            db.execute(insert(Learner), part)
        ids = _ids_by_external([rec.external_id for rec in records])
        for part in chunked([ids[item["external_id"]] for item in inserts], 2000):
            db.execute(insert(RoleGrant), [dict(learner_id=i, role="learner") for i in part])
        if self.sets_managers:
            _link_managers(records, ids, self.existing)
        counts.inserted += len(inserts)
        counts.updated += len(updates)
        db.expire_all()
        return counts


def _external_id(value: str) -> str:
    if not value or len(value) > 191:
        raise f.FieldError(
            _("external_id is empty or longer than 191 characters"),
            _("write the learner's stable id from your HR system"),
        )
    return value


def _ensure_teams(names: set[str]) -> dict[str, int]:
    """Team ids by the slug of each name in the file, creating the teams not known yet.

    A name matches an existing team by its name (case folded) first, then by slug,
    so a team created elsewhere with another slug is never duplicated.
    """
    db = session()
    slugs = {team_slug(name): name for name in names}
    # Teams are few (hundreds): reading them all lets names be case-folded in Python,
    # which SQLite's ASCII-only lower() cannot do for accented names.
    rows = db.execute(select(Team.id, Team.slug, Team.name)).all()
    by_name = {name.casefold(): team_id for team_id, _, name in rows}
    by_slug = {slug: team_id for team_id, slug, _ in rows}
    known = {
        slug: by_name.get(name.casefold()) or by_slug[slug]
        for slug, name in slugs.items()
        if name.casefold() in by_name or slug in by_slug
    }
    missing = [dict(slug=slug, name=name) for slug, name in slugs.items() if slug not in known]
    if missing:
        db.execute(insert(Team), missing)
        known.update(
            db.execute(
                select(Team.slug, Team.id).where(Team.slug.in_([m["slug"] for m in missing]))
            ).all()
        )
    return known


def _ids_by_external(external_ids: list[str]) -> dict[str, int]:
    db = session()
    ids: dict[str, int] = {}
    for part in chunked(external_ids):
        ids.update(
            db.execute(
                select(Learner.external_id, Learner.id).where(Learner.external_id.in_(part))
            ).all()
        )
    return ids


def _ids_by_email(emails: set[str]) -> dict[str, int]:
    db = session()
    ids: dict[str, int] = {}
    for part in chunked(emails):
        ids.update(
            db.execute(select(Learner.email, Learner.id).where(Learner.email.in_(part))).all()
        )
    return ids


def _link_managers(records, ids, existing) -> None:
    """Point each learner at their manager (or none), touching only rows that change."""
    manager_ids = _ids_by_email({rec.manager_email for rec in records if rec.manager_email})
    changes = []
    for rec in records:
        manager_id = manager_ids[rec.manager_email] if rec.manager_email else None
        learner = existing.get(rec.external_id)
        current = learner.manager_id if learner is not None else None
        if manager_id != current:
            changes.append(dict(id=ids[rec.external_id], manager_id=manager_id))
    if changes:
        session().execute(update(Learner), changes)
