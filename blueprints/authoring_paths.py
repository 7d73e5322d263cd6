"""Authoring pages of learning paths (programs): routes of ``authoring``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Module, Program, ProgramModule
from lms_roi.policy import current_person, policy
from lms_roi.services import path_authoring as service
from lms_roi.services.quiz_authoring import PROGRAM_TEST_KINDS, program_tests

from .authoring import authoring, show_problems
from .authoring_forms import QUIZ_KINDS as KIND_LABELS
from .authoring_forms import NewProgramForm, ProgramForm, int_or_none, pad_rows


@authoring.route("/authoring/paths")
@policy("analyst", "admin")
def path_list():
    counts = (
        select(ProgramModule.program_id, func.count().label("n"))
        .group_by(ProgramModule.program_id)
        .subquery()
    )
    rows = session().execute(
        select(Program, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.program_id == Program.id)
        .order_by(Program.title, Program.id)
    )
    return render_template("lms_roi/authoring/paths.html", rows=rows.all())


@authoring.route("/authoring/paths/new", methods=["GET", "POST"])
@policy("analyst", "admin")
def path_new():
    return _path_page(NewProgramForm(), None)


@authoring.route("/authoring/paths/<slug>/edit", methods=["GET", "POST"])
@policy("analyst", "admin")
def path_edit(slug: str):
    program = session().scalar(select(Program).where(Program.slug == slug))
    if program is None:
        abort(404)
    if request.method == "POST":
        return _path_page(ProgramForm(), program)
    form = ProgramForm(
        data={
            "title": program.title,
            "description": program.description,
            "steps": [
                {"position": step.position, "module": str(step.module_id)} for step in program.steps
            ],
        }
    )
    return _path_page(form, program)


def _path_page(form: ProgramForm, program: Program | None):
    db = session()
    if request.method == "GET":
        pad_rows(form.steps, len([row for row in form.steps if row.module.data]))
        for number, row in enumerate(form.steps, start=1):
            row.position.data = number if row.position.data is None else row.position.data
    modules = db.execute(select(Module.id, Module.title, Module.published).order_by(Module.title))
    choices = [("", _("(no module)"))] + [
        (str(m_id), title if published else _("%(title)s (draft)", title=title))
        for m_id, title, published in modules
    ]
    for row in form.steps:
        row.module.choices = choices
    list_errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        draft = service.ProgramDraft(
            title=form.title.data or "",
            description=form.description.data or "",
            module_ids=service.order_steps(
                [(row.position.data, int_or_none(row.module.data)) for row in form.steps]
            ),
        )
        try:
            if program is None:
                saved = service.create_program(form.slug.data, draft, actor=current_person())
                message = _("The path %(title)s was created.", title=saved.title)
            else:
                saved = program
                changed = service.update_program(program, draft, actor=current_person())
                message = (
                    _("The path %(title)s was saved.", title=saved.title)
                    if changed
                    else _("Nothing changed in the path %(title)s.", title=saved.title)
                )
            db.commit()
        except DomainError as error:
            db.rollback()
            list_errors = show_problems(form, error)
        else:
            flash(message, "success")
            return redirect(url_for(".path_edit", slug=saved.slug), 303)
    tests = program_tests(program) if program is not None else []
    return render_template(
        "lms_roi/authoring/path_form.html",
        form=form,
        program=program,
        list_errors=list_errors,
        tests=tests,
        free_test_kinds=[k for k in PROGRAM_TEST_KINDS if k not in {t.kind for t in tests}],
        kind_labels=KIND_LABELS,
    ), 422 if (form.errors or list_errors or form.form_errors) else 200


from . import authoring_path_tests  # noqa: E402, F401  (a path's own tests: same blueprint)
