"""Teams and departments: create a team, rename it, move it under another one.

The learners import creates teams by name (``importers.learners``); these functions let
an analyst or admin shape the tree itself. A team's slug is its identity in files and
URLs, so it never changes once created.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import ConflictError, DomainError
from lms_roi.models import Learner, Team
from lms_roi.services.audit import record_audit
from lms_roi.services.authoring_checks import SLUG

SLUG_MAX = 80
NAME_MAX = 200
#: Deeper than any real organisation chart; a longer chain of parents is a data error.
MAX_DEPTH = 50


def team_by_slug(slug: str, field: str = "team") -> Team:
    """The team with this slug; :class:`DomainError` (400) naming ``field`` when unknown."""
    team = session().scalar(select(Team).where(Team.slug == slug))
    if team is None:
        raise DomainError("unknown_team", _("no team with slug %(slug)r", slug=slug), field)
    return team


def create_team(
    slug: str, name: str, *, parent: Team | None = None, actor: Learner | None = None
) -> Team:
    """Add a team (under ``parent`` when given); a slug in use raises :class:`ConflictError`."""
    slug = (slug or "").strip()
    if len(slug) > SLUG_MAX or not SLUG.fullmatch(slug):
        raise DomainError(
            "slug_invalid",
            _(
                "Use lower-case letters, digits and single hyphens, at most %(max)s "
                "characters (for example lead-qualification).",
                max=SLUG_MAX,
            ),
            "slug",
        )
    name = _checked_name(name)
    db = session()
    if db.scalar(select(Team.id).where(Team.slug == slug)) is not None:
        raise ConflictError(
            "team_exists", _("A team with the slug %(slug)s already exists.", slug=slug), "slug"
        )
    team = Team(slug=slug, name=name, parent_id=parent.id if parent else None)
    db.add(team)
    db.flush()
    record_audit(
        "team.created",
        actor=actor,
        target_type="team",
        target_id=slug,
        details={"name": name, "parent": parent.slug if parent else None},
    )
    return team


def update_team(
    team: Team,
    *,
    name: str | None = None,
    parent: Team | None = None,
    set_parent: bool = False,
    actor: Learner | None = None,
) -> list[str]:
    """Rename a team and/or move it (``set_parent``: ``parent`` None makes it top level).

    A team cannot sit under itself or under one of its own sub-teams. Returns the names
    of the fields that changed.
    """
    changes: dict[str, list] = {}
    if name is not None:
        name = _checked_name(name)
        if name != team.name:
            changes["name"] = [team.name, name]
    if set_parent and (parent.id if parent else None) != team.parent_id:
        if parent is not None and _is_within(parent, team):
            raise DomainError(
                "team_cycle",
                _("A team cannot be placed under itself or one of its own sub-teams."),
                "parent",
            )
        before = session().get(Team, team.parent_id) if team.parent_id else None
        changes["parent"] = [before.slug if before else None, parent.slug if parent else None]
    if "name" in changes:
        team.name = name
    if "parent" in changes:
        team.parent_id = parent.id if parent else None
    session().flush()
    if changes:
        record_audit(
            "team.updated",
            actor=actor,
            target_type="team",
            target_id=team.slug,
            details={"changes": changes},
        )
    return sorted(changes)


def _checked_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("give the team's name"), "name")
    if len(name) > NAME_MAX:
        raise DomainError(
            "name_too_long",
            _("%(field)s is longer than %(limit)d characters", field="name", limit=NAME_MAX),
            "name",
        )
    return name


def _is_within(candidate: Team, team: Team) -> bool:
    """Whether ``candidate`` is ``team`` or one of its descendants (walks up the parents)."""
    db = session()
    current: Team | None = candidate
    for _step in range(MAX_DEPTH):
        if current is None:
            return False
        if current.id == team.id:
            return True
        current = db.get(Team, current.parent_id) if current.parent_id else None
    return True  # a chain this long is already broken: refuse rather than deepen it
