"""Data desk (analysts): file imports with a checked preview, import history, KPI catalog."""

from __future__ import annotations

from flask import Blueprint

desk = Blueprint("desk", __name__, url_prefix="/data")
