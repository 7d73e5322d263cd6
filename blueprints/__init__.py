"""HTTP layer of lms-roi (installed as ``lms_roi.blueprints``).

One parent blueprint, ``lms_roi``, carries the namespaced templates and static
files; each area is a nested blueprint (endpoints ``lms_roi.<area>.<view>``).
"""

from pathlib import Path

from flask import Blueprint, current_app, render_template

import lms_roi
import lms_roi.templates
from lms_roi.policy import current_person

from .admin import admin
from .analytics import analytics
from .api import api
from .forms import LogoutForm
from .learner import learner
from .objectives import objectives

plugin = Blueprint(
    "lms_roi",
    __name__,
    template_folder=str(Path(lms_roi.templates.__file__).parent),
    static_folder=str(Path(lms_roi.__file__).parent / "static"),
    static_url_path="/static",
)
plugin.register_blueprint(learner)
plugin.register_blueprint(admin)
plugin.register_blueprint(analytics)
plugin.register_blueprint(objectives)
plugin.register_blueprint(api)


@plugin.app_context_processor
def template_helpers() -> dict:
    """Helpers for lms-roi templates, prefixed so they never shadow a host's names."""
    return {
        "lms_roi_person": current_person,
        "lms_roi_endpoints": lambda: current_app.view_functions,
        "lms_roi_logout_form": LogoutForm,
    }


@plugin.app_template_filter("lms_roi_number")
def readable_number(value) -> str:
    """Thousands separated, no exponent, about four significant digits."""
    from lms_roi.charts import number

    return number(float(value)) if value is not None else "–"


@plugin.app_template_filter("lms_roi_money")
def money(value, currency: str = "") -> str:
    """Format an amount with thousands separators and two decimals."""
    if value is None:
        return "–"
    return f"{float(value):,.2f} {currency}".strip()


def _error_page(status: int, title: str, message: str):
    return render_template("lms_roi/error.html", title=title, message=message), status


@plugin.errorhandler(403)
def forbidden(_error):
    return _error_page(403, "Not allowed", "Your roles do not give access to this page.")


@plugin.errorhandler(404)
def not_found(_error):
    return _error_page(404, "Not found", "There is nothing at this address.")
