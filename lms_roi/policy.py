"""Access policy: who may use which endpoint, and who the current person is.

Every view of lms-roi is wrapped in :func:`policy`; a test walks the URL map
and fails on any endpoint without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user
from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.models import Learner, RoleGrant

PUBLIC = "public"
AUTHENTICATED = "authenticated"
ROLE_KEYS = ("learner", "tutor", "analyst", "hr", "admin")


@dataclass(frozen=True)
class Policy:
    """The declared audience of an endpoint."""

    roles: frozenset[str]

    @property
    def public(self) -> bool:
        return PUBLIC in self.roles

    def admits(self, person: Learner | None) -> bool:
        """Whether ``person`` (None when anonymous) may use the endpoint."""
        if self.public:
            return True
        if person is None or not person.active:
            return False
        return AUTHENTICATED in self.roles or bool(person.roles & self.roles)


def policy(*roles: str):
    """Declare and enforce who may call a view.

    ``policy("analyst", "admin")`` admits people holding either role,
    ``policy(AUTHENTICATED)`` any signed-in person, ``policy(PUBLIC)`` anyone.
    Anonymous visitors of a protected view go to the host's login view.
    """
    unknown = set(roles) - set(ROLE_KEYS) - {PUBLIC, AUTHENTICATED}
    if not roles or unknown:
        raise ValueError(f"policy needs roles among {ROLE_KEYS}, PUBLIC or AUTHENTICATED")
    declared = Policy(frozenset(roles))

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not declared.public:
                person = current_person()
                if person is None:
                    return _unauthorized()
                if not declared.admits(person):
                    abort(403)
            return view(*args, **kwargs)

        guarded.lms_roi_policy = declared
        return guarded

    return decorator


def _unauthorized():
    manager = getattr(current_app, "login_manager", None)
    if manager is not None and not wants_json():
        return manager.unauthorized()
    abort(401)


def wants_json() -> bool:
    """Whether the request is an API call (JSON errors, token auth, no login redirect)."""
    return bool(request.blueprint) and request.blueprint.endswith(".api")


def current_person() -> Learner | None:
    """The :class:`Learner` profile of the signed-in user, cached per request."""
    if "lms_roi_person" not in g:
        g.lms_roi_person = _load_person()
    return g.lms_roi_person


def _load_person() -> Learner | None:
    if wants_json():
        return _token_person()
    if not getattr(current_user, "is_authenticated", False):
        return None
    loader = current_app.config.get("LMS_ROI_LEARNER_LOADER") or default_learner_loader
    return loader(current_user._get_current_object())


def default_learner_loader(user) -> Learner | None:
    """Map a host user to a learner: ``user.get_id()`` == ``Learner.external_id``.

    Falls back to the user's ``email`` attribute (profiles imported from an HRIS
    by email), then, when ``LMS_ROI_AUTO_PROVISION`` is on, creates a learner
    profile so a host user can start learning at once.
    """
    external_id = str(user.get_id())
    db = session()
    learner = db.scalar(select(Learner).where(Learner.external_id == external_id))
    email = getattr(user, "email", None)
    if learner is None and email:
        learner = db.scalar(select(Learner).where(func.lower(Learner.email) == email.lower()))
    if learner is None and current_app.config.get("LMS_ROI_AUTO_PROVISION", True):
        name = getattr(user, "name", None) or getattr(user, "username", None) or email
        learner = Learner(
            external_id=external_id,
            email=email.lower() if email else None,
            display_name=name or external_id,
        )
        learner.role_grants.append(RoleGrant(role="learner"))
        db.add(learner)
        # Provisioning is its own unit of work, done before the view runs.
        db.commit()
    return learner


def _token_person() -> Learner | None:
    """API calls authenticate with ``Authorization: Bearer <token>`` only.

    The person acts with the token's roles only (see ``token_roles``), for this request:
    the API blueprint lifts the restriction when the request ends.
    """
    from lms_roi.services.tokens import authenticate_token, token_roles, touch_token

    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    token = authenticate_token(credentials.strip())
    if token is None:
        return None
    # Its own short unit of work before the view runs; never fails the request.
    touch_token(token)
    g.lms_roi_api_token = token
    learner = token.learner
    learner.api_token_roles = token_roles(token)
    return learner


def current_api_token():
    """The API token of this request once authenticated (None otherwise)."""
    current_person()
    return g.get("lms_roi_api_token")


def view_policy(view) -> Policy | None:
    """The policy declared on a view function, if any."""
    return getattr(view, "lms_roi_policy", None)
