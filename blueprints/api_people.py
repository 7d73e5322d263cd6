"""REST endpoints of people and teams: ``/learners`` and ``/teams`` (routes on ``api``).

The rules are the web pages' ones: admins manage profiles and roles (``/admin/people``);
analysts read profiles (to find the external ids they post KPI values for); a learner
reads their own profile and chooses their own leaderboard visibility
(``/settings``); analysts and admins shape teams (the learners import creates them too);
HR reads teams, which carry no individual data.
"""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.gamification.leaderboards import choose_visibility
from lms_roi.models import Learner, RoleGrant, Team
from lms_roi.models._types import ROLES, VISIBILITIES
from lms_roi.policy import current_person, policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services import people, teams

from .api import api
from .api_base import NotFound
from .api_pages import PageQueryIn, page_body, page_schema, paginate

#: Profile fields only an admin changes (the admin people page's form).
ADMIN_FIELDS = (
    "external_id",
    "display_name",
    "email",
    "team",
    "hourly_cost",
    "active",
    "roles",
    "password",
)


#: Who reads every profile (admins change them; analysts look up external ids).
READERS = ("analyst", "admin")


class Forbidden(DomainError):
    """The caller's roles do not allow this field (403 ``forbidden`` naming it)."""

    status = 403


class LearnerQueryIn(PageQueryIn):
    """Query of ``GET /learners``."""

    q = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Part of the name, email or external id"},
    )
    role = fields.String(load_default=None, validate=validate.OneOf(ROLES))
    team = fields.String(load_default=None, validate=validate.Length(min=1, max=80))
    active = fields.Boolean(load_default=None)


class LearnerIn(LocalizedSchema):
    """Body of ``POST /learners`` (``external_id`` defaults to the email)."""

    external_id = fields.String(load_default=None, validate=validate.Length(min=1, max=191))
    email = fields.String(load_default=None, validate=validate.Length(max=254))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    team = fields.String(load_default=None, validate=validate.Length(min=1, max=80))
    hourly_cost = fields.Float(
        load_default=0, allow_nan=False, validate=validate.Range(min=0, max=99_999_999)
    )
    roles = fields.List(
        fields.String(validate=validate.OneOf(ROLES)),
        load_default=lambda: ["learner"],
        validate=validate.Length(max=len(ROLES)),
    )
    password = fields.String(load_default=None, validate=validate.Length(min=8, max=200))


class LearnerPatchIn(LocalizedSchema):
    """Body of ``PATCH /learners/{external_id}``: only the fields to change."""

    external_id = fields.String(
        validate=validate.Length(min=1, max=191),
        metadata={"description": "A new external id, e.g. the platform user id xAPI names"},
    )
    email = fields.String(allow_none=True, validate=validate.Length(max=254))
    display_name = fields.String(validate=validate.Length(min=1, max=200))
    team = fields.String(allow_none=True, validate=validate.Length(min=1, max=80))
    hourly_cost = fields.Float(allow_nan=False, validate=validate.Range(min=0, max=99_999_999))
    active = fields.Boolean()
    roles = fields.List(
        fields.String(validate=validate.OneOf(ROLES)), validate=validate.Length(max=len(ROLES))
    )
    password = fields.String(validate=validate.Length(min=8, max=200))
    leaderboard_visibility = fields.String(validate=validate.OneOf(VISIBILITIES))


class LearnerProfileOut(Schema):
    """A person's profile (never a password)."""

    external_id = fields.String()
    email = fields.String(allow_none=True)
    display_name = fields.String()
    team = fields.Function(lambda p: p.team.slug if p.team else None, allow_none=True)
    hourly_cost = fields.Float()
    active = fields.Boolean()
    # The grants themselves: ``Learner.roles`` is narrowed to the caller's token.
    roles = fields.Function(lambda p: sorted(grant.role for grant in p.role_grants))
    leaderboard_visibility = fields.String()
    timezone = fields.String()
    locale = fields.String(allow_none=True)
    has_login = fields.Function(lambda p: p.account is not None)
    created_at = fields.DateTime()


class TeamQueryIn(PageQueryIn):
    """Query of ``GET /teams``."""

    parent = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "Only the direct sub-teams of this team"},
    )


class TeamIn(LocalizedSchema):
    """Body of ``POST /teams``."""

    slug = fields.String(required=True, validate=validate.Length(min=1, max=80))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    parent = fields.String(load_default=None, validate=validate.Length(min=1, max=80))


class TeamPatchIn(LocalizedSchema):
    """Body of ``PATCH /teams/{slug}``: a new name, another parent (null: top level)."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    parent = fields.String(allow_none=True, validate=validate.Length(min=1, max=80))


class TeamOut(Schema):
    """A team and how many active people it has."""

    slug = fields.String()
    name = fields.String()
    parent = fields.String(allow_none=True)
    members = fields.Integer(metadata={"description": "Active people in this very team"})
    created_at = fields.DateTime()


def _learner_options():
    return (
        selectinload(Learner.team),
        selectinload(Learner.role_grants),
        selectinload(Learner.account),
    )


def _learner(external_id: str) -> Learner:
    learner = session().scalar(
        select(Learner).where(Learner.external_id == external_id).options(*_learner_options())
    )
    if learner is None:
        raise NotFound(
            "learner_not_found", _("no learner with external id %(id)r", id=external_id), "id"
        )
    return learner


def _readable(external_id: str, readers: tuple[str, ...] = ("admin",)) -> Learner:
    """The profile if the caller has one of ``readers``' roles or owns it; else the same
    404 as absent."""
    person = current_person()
    learner = _learner(external_id)
    if learner.id != person.id and not person.roles & set(readers):
        raise NotFound(
            "learner_not_found", _("no learner with external id %(id)r", id=external_id), "id"
        )
    return learner


@api.get("/learners")
@policy("analyst", "admin")
@api.arguments(LearnerQueryIn, location="query")
@api.response(200, page_schema(LearnerProfileOut))
def learners_list(query: dict):
    """People, oldest first, filtered by ``q``, ``role``, ``team`` and ``active``.

    Analysts read them too: an integration looks up the external ids it posts values for.
    """
    stmt = select(Learner).options(*_learner_options())
    if query["q"]:
        like = f"%{query['q'].lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Learner.display_name).like(like),
                func.lower(Learner.email).like(like),
                func.lower(Learner.external_id).like(like),
            )
        )
    if query["role"]:
        granted = select(RoleGrant.learner_id).where(RoleGrant.role == query["role"])
        stmt = stmt.where(Learner.id.in_(granted))
    if query["team"]:
        stmt = stmt.where(Learner.team_id == teams.team_by_slug(query["team"]).id)
    if query["active"] is not None:
        stmt = stmt.where(Learner.active.is_(query["active"]))
    return page_body(paginate(stmt, Learner.id, query))


@api.get("/learners/<external_id>")
@policy("learner", "analyst", "admin")
@api.no_query()
@api.response(200, LearnerProfileOut)
@api.alt_response(404, response="NOT_FOUND")
def learner_show(external_id: str):
    """One profile: any for an admin or an analyst, one's own for everyone else."""
    return _readable(external_id, READERS)


@api.post("/learners")
@policy("admin")
@api.arguments(LearnerIn, location="json")
@api.response(201, LearnerProfileOut)
@api.alt_response(409, response="CONFLICT")
def learner_create(body: dict):
    """Create a person with roles (and a login when a password is given); 409 if taken."""
    slug = body.pop("team")
    team = teams.team_by_slug(slug) if slug else None
    learner = people.create_person(**body, team=team, actor=current_person())
    session().commit()
    return learner


@api.patch("/learners/<external_id>")
@policy("learner", "admin")
@api.arguments(LearnerPatchIn, location="json")
@api.response(200, LearnerProfileOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(409, response="CONFLICT")
def learner_update(body: dict, external_id: str):
    """Change a profile (admins: ``external_id`` too) or one's own leaderboard visibility.

    409 when the new ``external_id`` or email belongs to someone else.
    """
    person = current_person()
    learner = _readable(external_id)
    is_admin = "admin" in person.roles
    for name in body:
        mine = name == "leaderboard_visibility" and learner.id == person.id
        if not mine and not (is_admin and name in ADMIN_FIELDS):
            raise Forbidden("forbidden", _("your roles do not allow changing this field"), name)
    if "leaderboard_visibility" in body:
        choose_visibility(learner, body["leaderboard_visibility"])
    if set(body) & set(ADMIN_FIELDS):
        _update_profile(learner, body, person)
    session().commit()
    return learner


def _update_profile(learner: Learner, body: dict, actor: Learner) -> None:
    if "external_id" in body:
        people.change_external_id(learner, body["external_id"], actor=actor)
    team = learner.team
    if "team" in body:
        team = teams.team_by_slug(body["team"]) if body["team"] else None
    people.update_profile(
        learner,
        display_name=body.get("display_name", learner.display_name),
        email=body.get("email", learner.email),
        team=team,
        hourly_cost=body.get("hourly_cost", learner.hourly_cost),
        active=body.get("active", learner.active),
        actor=actor,
    )
    if "roles" in body:
        people.set_roles(learner, body["roles"], actor=actor)
    if "password" in body:
        people.set_password(learner, body["password"])


def _team_rows():
    parent = Team.__table__.alias("parent")
    members = (
        select(func.count(Learner.id))
        .where(Learner.team_id == Team.id, Learner.active.is_(True))
        .scalar_subquery()
    )
    return select(
        Team.id,
        Team.slug,
        Team.name,
        parent.c.slug.label("parent"),
        members.label("members"),
        Team.created_at,
    ).outerjoin(parent, parent.c.id == Team.parent_id)


def _team_row(slug: str):
    row = session().execute(_team_rows().where(Team.slug == slug)).one_or_none()
    if row is None:
        raise NotFound("team_not_found", _("no team with slug %(slug)r", slug=slug), "slug")
    return row


@api.get("/teams")
@policy("analyst", "admin", "hr")
@api.arguments(TeamQueryIn, location="query")
@api.response(200, page_schema(TeamOut))
def teams_list(query: dict):
    """Teams, oldest first (``parent``: only that team's direct sub-teams)."""
    stmt = _team_rows()
    if query["parent"]:
        stmt = stmt.where(Team.parent_id == teams.team_by_slug(query["parent"], "parent").id)
    return page_body(paginate(stmt, Team.id, query, scalars=False))


@api.get("/teams/<slug>")
@policy("analyst", "admin", "hr")
@api.no_query()
@api.response(200, TeamOut)
@api.alt_response(404, response="NOT_FOUND")
def team_show(slug: str):
    """One team."""
    return _team_row(slug)


@api.post("/teams")
@policy("analyst", "admin")
@api.arguments(TeamIn, location="json")
@api.response(201, TeamOut)
@api.alt_response(409, response="CONFLICT")
def team_create(body: dict):
    """Create a team, top level or under ``parent``; 409 when the slug is taken."""
    parent = teams.team_by_slug(body["parent"], "parent") if body["parent"] else None
    team = teams.create_team(body["slug"], body["name"], parent=parent, actor=current_person())
    session().commit()
    return _team_row(team.slug), 201


@api.patch("/teams/<slug>")
@policy("analyst", "admin")
@api.arguments(TeamPatchIn, location="json")
@api.response(200, TeamOut)
@api.alt_response(404, response="NOT_FOUND")
def team_update(body: dict, slug: str):
    """Rename a team or move it under another one (``parent``: null for the top level)."""
    team = session().scalar(select(Team).where(Team.slug == slug))
    if team is None:
        raise NotFound("team_not_found", _("no team with slug %(slug)r", slug=slug), "slug")
    parent = None
    if body.get("parent"):
        parent = teams.team_by_slug(body["parent"], "parent")
    teams.update_team(
        team,
        name=body.get("name"),
        parent=parent,
        set_parent="parent" in body,
        actor=current_person(),
    )
    session().commit()
    return _team_row(slug)
