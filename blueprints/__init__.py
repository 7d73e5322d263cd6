"""HTTP layer of lms-roi (installed as ``lms_roi.blueprints``).

One parent blueprint, ``lms_roi``, carries the namespaced templates and static
files; each area is a nested blueprint (endpoints ``lms_roi.<area>.<view>``).
"""

from pathlib import Path

from flask import Blueprint, current_app, g, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import DataError

import lms_roi
import lms_roi.templates
from lms_roi.db import session
from lms_roi.errors import DomainError, number_out_of_range
from lms_roi.i18n import LANGUAGES, current_locale
from lms_roi.models import Kpi
from lms_roi.policy import current_person

from . import (  # noqa: F401  (routes on the api blueprint)
    api_badge_admin,
    api_badges,
    api_catalog,
    api_costs,
    api_docs,
    api_gamification,
    api_history,
    api_imports,
    api_kpis,
    api_learning,
    api_objectives,
    api_people,
    api_quizzes,
    api_tutoring,
    api_tutoring_manage,
    api_tutoring_pairs,
)
from .admin import admin
from .analytics import analytics
from .analytics_tutoring import analytics_tutoring
from .api import api
from .authoring import authoring
from .badges import badges
from .challenges import challenges
from .desk import desk
from .forms import LanguageForm, LogoutForm
from .hr import hr
from .leaderboards import leaderboards
from .learner import learner
from .mentoring import mentoring
from .navigation import home_endpoint, may_open, navigation, visible_areas
from .objectives import objectives
from .paths import paths
from .quiz import quiz
from .settings_page import settings_page
from .tutor import tutor
from .tutoring_pairs import tutoring_pairs
from .tutoring_requests import tutoring_requests
from .xapi import xapi
from .xapi_activities import xapi_activities

plugin = Blueprint(
    "lms_roi",
    __name__,
    template_folder=str(Path(lms_roi.templates.__file__).parent),
    static_folder=str(Path(lms_roi.__file__).parent / "static"),
    static_url_path="/static",
)
plugin.register_blueprint(navigation)
plugin.register_blueprint(learner)
plugin.register_blueprint(quiz)
plugin.register_blueprint(paths)
plugin.register_blueprint(authoring)
plugin.register_blueprint(leaderboards)
plugin.register_blueprint(badges)
plugin.register_blueprint(settings_page)
plugin.register_blueprint(challenges)
plugin.register_blueprint(tutor)
plugin.register_blueprint(mentoring)
plugin.register_blueprint(tutoring_pairs)
plugin.register_blueprint(tutoring_requests)
plugin.register_blueprint(hr)
plugin.register_blueprint(desk)
plugin.register_blueprint(admin)
plugin.register_blueprint(analytics)
plugin.register_blueprint(analytics_tutoring)
plugin.register_blueprint(objectives)
plugin.register_blueprint(xapi_activities)
plugin.register_blueprint(api)
plugin.register_blueprint(xapi)


@plugin.app_context_processor
def template_helpers() -> dict:
    """Helpers for lms-roi templates, prefixed so they never shadow a host's names."""
    return {
        "lms_roi_person": current_person,
        "lms_roi_endpoints": lambda: current_app.view_functions,
        "lms_roi_logout_form": LogoutForm,
        "lms_roi_language_form": LanguageForm,
        "lms_roi_areas": visible_areas,
        "lms_roi_home": lambda person: url_for(home_endpoint(person)),
        "lms_roi_may": may_open,
        "lms_roi_languages": LANGUAGES,
        "lms_roi_locale": current_locale,
        "lms_roi_kpi_name": kpi_name,
    }


def kpi_name(key: str) -> str:
    """A KPI's name for pages (its key when unknown); one query per request."""
    if "lms_roi_kpi_names" not in g:
        g.lms_roi_kpi_names = dict(session().execute(select(Kpi.key, Kpi.name)).all())
    return g.lms_roi_kpi_names.get(key, key)


def _error_page(status: int, title: str, message: str):
    return render_template("lms_roi/error.html", title=title, message=message), status


@plugin.errorhandler(DomainError)
def refused(exc: DomainError):
    """A refused change reached a page: nothing of it is kept, and the page says why."""
    session().rollback()
    return _error_page(exc.status, _("This cannot be done"), exc.message)


@plugin.errorhandler(403)
def forbidden(_error):
    return _error_page(403, _("Not allowed"), _("Your roles do not give access to this page."))


@plugin.errorhandler(404)
def not_found(_error):
    return _error_page(404, _("Not found"), _("There is nothing at this address."))


@plugin.errorhandler(OverflowError)
@plugin.errorhandler(DataError)
def out_of_range(exc: Exception):
    if not number_out_of_range(exc):
        raise exc
    session().rollback()
    return not_found(exc)
