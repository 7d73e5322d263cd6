"""Where each person lands and what their header shows, derived from the roles they hold."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l

from lms_roi.db import session as db_session
from lms_roi.i18n import SESSION_KEY
from lms_roi.models import Learner
from lms_roi.policy import PUBLIC, current_person, policy, view_policy

navigation = Blueprint("navigation", __name__)


@dataclass(frozen=True)
class Area:
    """One header link: an endpoint and its label."""

    endpoint: str
    label: object


#: Header areas in display order; each shows when its view's policy admits the person.
AREAS = (
    Area("lms_roi.learner.home", _l("My learning")),
    Area("lms_roi.learner.catalog", _l("Modules")),
    Area("lms_roi.paths.path_list", _l("Paths")),
    Area("lms_roi.quiz.daily_review", _l("Review")),
    Area("lms_roi.leaderboards.board_page", _l("Leaderboard")),
    Area("lms_roi.tutor.home", _l("My mentees")),
    Area("lms_roi.mentoring.home", _l("My tutoring")),
    Area("lms_roi.tutoring_requests.requests", _l("Tutoring requests")),
    Area("lms_roi.analytics.dashboard", _l("ROI")),
    Area("lms_roi.analytics_tutoring.overview", _l("Does tutoring pay?")),
    Area("lms_roi.objectives.program_list", _l("Objectives")),
    Area("lms_roi.tutoring_pairs.pair_list", _l("Tutoring pairs")),
    Area("lms_roi.authoring.module_list", _l("Authoring")),
    Area("lms_roi.badges.manage", _l("Badges")),
    Area("lms_roi.desk.home", _l("Data desk")),
    Area("lms_roi.desk.kpi_list", _l("KPI catalog")),
    Area("lms_roi.xapi_activities.overview", _l("xAPI activities")),
    Area("lms_roi.hr.home", _l("Engagement")),
    Area("lms_roi.admin.people_list", _l("People")),
)

#: A person's main role decides their home: the most specific role they hold wins.
HOMES = (
    ("admin", "lms_roi.admin.people_list"),
    ("analyst", "lms_roi.analytics.dashboard"),
    ("hr", "lms_roi.hr.home"),
    ("tutor", "lms_roi.tutor.home"),
    ("learner", "lms_roi.learner.home"),
)


def visible_areas(person: Learner | None) -> list[Area]:
    """The header links ``person`` may follow (none when signed out)."""
    if person is None:
        return []
    views = current_app.view_functions
    return [
        area
        for area in AREAS
        if area.endpoint in views and view_policy(views[area.endpoint]).admits(person)
    ]


def may_open(endpoint: str, person: Learner | None = None) -> bool:
    """Whether the person (the current one by default) may open ``endpoint``'s page."""
    view = current_app.view_functions.get(endpoint)
    policy_of = view_policy(view) if view is not None else None
    return policy_of is not None and policy_of.admits(person or current_person())


def home_endpoint(person: Learner | None) -> str:
    """The endpoint of ``person``'s home page, from their main role."""
    roles = person.roles if person is not None else set()
    views = current_app.view_functions
    for role, endpoint in HOMES:
        if role in roles and endpoint in views:
            return endpoint
    return "lms_roi.learner.home"


@navigation.route("/")
@policy(PUBLIC)
def home():
    """Send each person to the home of their main role (signed-out visitors to sign in)."""
    person = current_person()
    if person is None:
        manager = getattr(current_app, "login_manager", None)
        if manager is not None:
            return manager.unauthorized()
    return redirect(url_for(home_endpoint(person)))


@navigation.route("/language", methods=["POST"])
@policy(PUBLIC)
def set_language():
    """Remember the language picked in the header (on the profile when signed in)."""
    from .forms import LanguageForm

    form = LanguageForm()
    if not form.validate_on_submit():
        return redirect(url_for(".home"))  # a forged or stale form goes nowhere it names
    choice = form.locale.data
    session[SESSION_KEY] = choice
    person = current_person()
    if person is not None:
        person.locale = choice
        db_session().commit()
    return redirect(local_path(request.form.get("next")) or url_for(".home"))


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (no open redirect).

    Browsers drop tabs and newlines and read ``\\`` as ``/``, so ``/\t/evil`` or
    ``/\\evil`` would leave the site: such targets are refused outright.
    """
    if not target or not target.startswith("/"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target
