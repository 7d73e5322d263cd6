"""HR pages: engagement aggregates (never an individual KPI, small cells suppressed)."""

from __future__ import annotations

from flask import Blueprint

hr = Blueprint("hr", __name__, url_prefix="/hr")
