"""Learning paths for learners: my paths and the others, a path's steps, enroll and withdraw."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Program
from lms_roi.policy import current_person, policy
from lms_roi.services import paths as path_service

paths = Blueprint("paths", __name__)


class PathActionForm(FlaskForm):
    """Enroll or withdraw: only carries the CSRF token."""


@paths.route("/paths")
@policy("learner")
def path_list():
    overview = path_service.paths_overview(current_person())
    return render_template("lms_roi/paths/list.html", overview=overview, form=PathActionForm())


@paths.route("/paths/<slug>")
@policy("learner")
def path_detail(slug: str):
    page = path_service.path_page(current_person(), _program(slug))
    return render_template(
        "lms_roi/paths/detail.html",
        progress=page.progress,
        tests=page.tests,
        form=PathActionForm(),
    )


@paths.route("/paths/<slug>/enroll", methods=["POST"])
@policy("learner")
def enroll(slug: str):
    program = _program(slug)
    if _apply(path_service.enroll, program):
        flash(_("You are enrolled in the path “%(path)s”.", path=program.title), "success")
    return redirect(url_for(".path_detail", slug=slug), 303)


@paths.route("/paths/<slug>/withdraw", methods=["POST"])
@policy("learner")
def withdraw(slug: str):
    program = _program(slug)
    if _apply(path_service.withdraw, program):
        flash(_("You left the path “%(path)s”.", path=program.title), "success")
    return redirect(url_for(".path_detail", slug=slug), 303)


def _program(slug: str) -> Program:
    program = path_service.find_program(slug)
    if program is None:
        abort(404)
    return program


def _apply(change, program: Program) -> bool:
    """Run ``change(person, program)`` and commit; flash why when it is refused."""
    if not PathActionForm().validate_on_submit():
        flash(_("This form has expired. Reload the page and try again."), "error")
        return False
    db = session()
    try:
        change(current_person(), program)
        db.commit()
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return False
    return True
