"""Tutor pages: the tutor's home with their mentees."""

from __future__ import annotations

from flask import Blueprint

tutor = Blueprint("tutor", __name__, url_prefix="/tutor")
