"""People and roles: create and update learner profiles, grant roles, set passwords."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from lms_roi.db import session
from lms_roi.errors import ConflictError, DomainError
from lms_roi.models import Account, Learner, RoleGrant, Team
from lms_roi.models._types import ROLES
from lms_roi.services.audit import record_audit

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8
MAX_EXTERNAL_ID_LENGTH = 191


def normalise_email(email: str | None) -> str | None:
    """Lower-cased, trimmed email, or None for an empty value."""
    email = (email or "").strip().lower()
    return email or None


def create_person(
    *,
    email: str | None,
    display_name: str,
    roles: list[str] | tuple[str, ...] = ("learner",),
    external_id: str | None = None,
    team: Team | None = None,
    hourly_cost: Decimal | float = 0,
    password: str | None = None,
    actor: Learner | None = None,
) -> Learner:
    """Create a learner profile with roles (and a login account when a password is given).

    ``external_id`` defaults to the email. Raises :class:`ConflictError` when
    the email or external id is taken and :class:`DomainError` on bad input.
    """
    email = normalise_email(email)
    if email and not EMAIL_RE.match(email):
        raise DomainError(
            "invalid_email", _("%(email)r is not an email address", email=email), "email"
        )
    external_id = (external_id or email or "").strip()
    if not external_id:
        raise DomainError(
            "external_id_required", _("give an external id or an email"), "external_id"
        )
    if not display_name.strip():
        raise DomainError("name_required", _("give the person's name"), "display_name")
    _check_roles(roles)
    db = session()
    if email and db.scalar(select(Learner.id).where(func.lower(Learner.email) == email)):
        raise ConflictError(
            "email_taken", _("%(email)s already belongs to someone", email=email), "email"
        )
    if db.scalar(select(Learner.id).where(Learner.external_id == external_id)):
        raise ConflictError(
            "external_id_taken", _("%(id)r already exists", id=external_id), "external_id"
        )
    learner = Learner(
        external_id=external_id,
        email=email,
        display_name=display_name.strip(),
        team=team,
        hourly_cost=Decimal(str(hourly_cost)),
        role_grants=[RoleGrant(role=role) for role in sorted(set(roles))],
    )
    db.add(learner)
    if password:
        set_password(learner, password)
    db.flush()
    record_audit(
        "person.created",
        actor=actor,
        target_type="learner",
        target_id=external_id,
        details={"roles": sorted(set(roles))},
    )
    return learner


def set_roles(learner: Learner, roles: list[str], *, actor: Learner | None = None) -> None:
    """Replace a person's roles; an admin cannot remove their own admin role."""
    _check_roles(roles)
    wanted = set(roles)
    if actor is not None and actor.id == learner.id and "admin" not in wanted:
        raise DomainError(
            "own_admin_role",
            _("you cannot remove your own admin role; ask another admin"),
            "roles",
        )
    if "admin" in learner.roles and "admin" not in wanted:
        _ensure_another_admin(learner)
    before = learner.roles
    for grant in list(learner.role_grants):
        if grant.role not in wanted:
            learner.role_grants.remove(grant)
    for role in sorted(wanted - before):
        learner.role_grants.append(RoleGrant(role=role))
    session().flush()
    if before != wanted:
        record_audit(
            "person.roles_changed",
            actor=actor,
            target_type="learner",
            target_id=learner.external_id,
            details={"before": sorted(before), "after": sorted(wanted)},
        )


def update_profile(
    learner: Learner,
    *,
    display_name: str,
    email: str | None,
    team: Team | None,
    hourly_cost: Decimal | float,
    active: bool,
    actor: Learner | None = None,
) -> None:
    """Change a person's profile fields; nobody can deactivate themselves."""
    email = normalise_email(email)
    if email and not EMAIL_RE.match(email):
        raise DomainError(
            "invalid_email", _("%(email)r is not an email address", email=email), "email"
        )
    if not active and actor is not None and actor.id == learner.id:
        raise DomainError("deactivate_self", _("you cannot deactivate your own profile"), "active")
    db = session()
    if email and email != learner.email:
        clash = db.scalar(
            select(Learner.id).where(func.lower(Learner.email) == email, Learner.id != learner.id)
        )
        if clash:
            raise ConflictError(
                "email_taken", _("%(email)s already belongs to someone", email=email), "email"
            )
    learner.display_name = display_name.strip() or learner.display_name
    learner.email = email
    learner.team = team
    learner.hourly_cost = Decimal(str(hourly_cost))
    learner.active = active
    if learner.account is not None and email:
        learner.account.email = email
    db.flush()


def change_external_id(
    learner: Learner, external_id: str, *, actor: Learner | None = None
) -> bool:
    """Give a person another external id (e.g. the platform user id xAPI statements
    name); False when it is already theirs. Raises :class:`ConflictError` when taken."""
    external_id = (external_id or "").strip()
    if not external_id:
        raise DomainError(
            "external_id_required", _("give an external id or an email"), "external_id"
        )
    if len(external_id) > MAX_EXTERNAL_ID_LENGTH:
        raise DomainError(
            "external_id_too_long",
            _("an external id has at most %(num)s characters", num=MAX_EXTERNAL_ID_LENGTH),
            "external_id",
        )
    before = learner.external_id
    if external_id == before:
        return False
    db = session()
    if db.scalar(
        select(Learner.id).where(Learner.external_id == external_id, Learner.id != learner.id)
    ):
        raise ConflictError(
            "external_id_taken", _("%(id)r already exists", id=external_id), "external_id"
        )
    learner.external_id = external_id
    db.flush()
    record_audit(
        "person.external_id_changed",
        actor=actor,
        target_type="learner",
        target_id=external_id,
        details={"before": before, "after": external_id},
    )
    return True


def set_password(learner: Learner, password: str) -> Account:
    """Set the standalone login password, creating the account if needed."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            "password_too_short",
            _("a password needs at least %(num)s characters", num=MIN_PASSWORD_LENGTH),
            "password",
        )
    if not learner.email:
        raise DomainError("email_required", _("a login account needs an email"), "email")
    account = learner.account
    if account is None:
        account = Account(email=learner.email, learner=learner)
        session().add(account)
    account.password_hash = generate_password_hash(password)
    return account


def _check_roles(roles) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise DomainError(
            "unknown_role",
            _(
                "unknown role(s) %(unknown)s; use %(roles)s",
                unknown=", ".join(sorted(unknown)),
                roles=", ".join(ROLES),
            ),
            "roles",
        )


def _ensure_another_admin(learner: Learner) -> None:
    others = session().scalar(
        select(func.count(RoleGrant.id)).where(
            RoleGrant.role == "admin", RoleGrant.learner_id != learner.id
        )
    )
    if not others:
        raise DomainError(
            "last_admin", _("this is the last admin; grant admin to someone first"), "roles"
        )
