"""Authoring (analysts): modules with a live lesson preview, their quizzes, learning paths.

Module pages live here; quizzes and paths in ``authoring_quizzes`` and
``authoring_paths``, which add their routes to the same blueprint.
"""

from __future__ import annotations

from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from wtforms import FieldList

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Kpi, Module, Quiz
from lms_roi.policy import current_person, policy
from lms_roi.services import authoring as service

from .authoring_forms import ModuleForm, NewModuleForm, int_or_none, pad_rows
from .forms import DeleteForm, csrf_header_ok
from .navigation import may_open

authoring = Blueprint("authoring", __name__)


@authoring.route("/authoring/")
@policy("analyst", "admin")
def module_list():
    quizzes = (
        select(Quiz.module_id, func.count().label("n"))
        .where(Quiz.module_id.is_not(None))
        .group_by(Quiz.module_id)
        .subquery()
    )
    rows = session().execute(
        select(Module, func.coalesce(quizzes.c.n, 0))
        .outerjoin(quizzes, quizzes.c.module_id == Module.id)
        .order_by(Module.title, Module.id)
    )
    return render_template("lms_roi/authoring/modules.html", rows=rows.all())


@authoring.route("/authoring/modules/new", methods=["GET", "POST"])
@policy("analyst", "admin")
def module_new():
    return _module_page(NewModuleForm(method="micro_learning"), None)


@authoring.route("/authoring/modules/<slug>/edit", methods=["GET", "POST"])
@policy("analyst", "admin")
def module_edit(slug: str):
    module = module_or_404(slug)
    if request.method == "POST":
        return _module_page(ModuleForm(), module)
    links = service.kpi_links(module)
    form = ModuleForm(
        data={
            "title": module.title,
            "summary": module.summary,
            "body_md": module.body_md,
            "method": module.method,
            "duration_minutes": module.duration_minutes,
            "tags": ", ".join(module.tag_names),
            "prerequisites": service.prerequisite_ids(module),
            "kpis": [{"kpi": str(k.kpi_id), "weight": Decimal(str(k.weight))} for k in links],
        }
    )
    return _module_page(form, module)


@authoring.route("/authoring/modules/<slug>/unpublish", methods=["POST"])
@policy("analyst", "admin")
def module_unpublish(slug: str):
    module = module_or_404(slug)
    if DeleteForm().validate_on_submit() and service.unpublish_module(
        module, actor=current_person()
    ):
        session().commit()
        flash(
            _(
                "%(title)s is unpublished: learners no longer see it in the catalog.",
                title=module.title,
            ),
            "success",
        )
    return redirect(url_for(".module_edit", slug=slug), 303)


@authoring.route("/authoring/preview", methods=["POST"])
@policy("analyst", "admin")
def preview():
    """The lesson steps of posted Markdown, rendered and sanitised by the server (JSON)."""
    if not csrf_header_ok():
        message = _("This page has expired. Reload it and try again.")
        return jsonify(code="csrf_invalid", message=message, field=None), 400
    payload = request.get_json(silent=True) if request.is_json else request.form
    markdown = (payload or {}).get("markdown", "") if hasattr(payload, "get") else None
    if not isinstance(markdown, str):
        message = _("Send the lesson's Markdown as text.")
        return jsonify(code="markdown_invalid", message=message, field="markdown"), 400
    if len(markdown) > service.BODY_MAX:
        message = _("The lesson is longer than %(max)s characters: split it.", max=service.BODY_MAX)
        return jsonify(code="body_too_long", message=message, field="markdown"), 400
    steps = _steps(markdown)
    return jsonify(
        html=render_template("lms_roi/authoring/_preview.html", steps=steps),
        steps=len(steps),
        summary=step_count(len(steps)),
    )


# -- shared by the authoring pages ---------------------------------------------------------


def module_or_404(slug: str) -> Module:
    module = session().scalar(select(Module).where(Module.slug == slug))
    if module is None:
        abort(404)
    return module


def show_problems(form, error: DomainError) -> dict[str, list[str]]:
    """Put each refused field's message under it; return those of row lists by list name."""
    problems = getattr(error, "problems", None) or [(error.field, error.code, error.message)]
    list_errors: dict[str, list[str]] = {}
    for name, _code, message in problems:
        field = form._fields.get(name or "")
        if isinstance(field, FieldList):
            list_errors.setdefault(name, []).append(message)
        elif field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
    return list_errors


def step_count(count: int) -> str:
    return ngettext("%(num)d lesson step detected.", "%(num)d lesson steps detected.", count)


# -- module page -------------------------------------------------------------------------


def _module_page(form: ModuleForm, module: Module | None):
    db = session()
    kpis = db.execute(select(Kpi.id, Kpi.name).order_by(Kpi.name)).all()
    kpi_choices = [("", _("(no KPI)"))] + [(str(kpi_id), name) for kpi_id, name in kpis]
    others = select(Module.id, Module.title).order_by(Module.title)
    if module is not None:
        others = others.where(Module.id != module.id)
    form.prerequisites.choices = [(m_id, title) for m_id, title in db.execute(others)]
    if request.method == "GET":
        pad_rows(form.kpis, len([row for row in form.kpis if row.kpi.data]))
    for row in form.kpis:
        row.kpi.choices = kpi_choices
    list_errors: dict[str, list[str]] = {}
    action = request.form.get("action")
    if request.method == "POST" and action != "preview" and form.validate_on_submit():
        try:
            saved = _save(form, module, publish=action == "publish")
            db.commit()
        except DomainError as error:
            db.rollback()
            list_errors = show_problems(form, error)
        else:
            for message, category in _saved_messages(saved):
                flash(message, category)
            return redirect(url_for(".module_edit", slug=saved.module.slug), 303)
    steps = _steps(form.body_md.data or "")
    status = 422 if (form.errors or list_errors or form.form_errors) else 200
    return render_template(
        "lms_roi/authoring/module_form.html",
        form=form,
        module=module,
        list_errors=list_errors,
        steps=steps,
        step_summary=step_count(len(steps)),
        frozen=module is not None and service.versions_frozen(module),
        unpublish_form=DeleteForm(formdata=None),
        previewed=action == "preview",
        learner_view=_learner_view(module),
    ), status


def _save(form: ModuleForm, module: Module | None, *, publish: bool) -> service.SavedModule:
    draft = service.ModuleDraft(
        title=form.title.data or "",
        body_md=form.body_md.data or "",
        summary=form.summary.data or "",
        method=form.method.data,
        duration_minutes=form.duration_minutes.data,
        tags=service.parse_tags(form.tags.data or ""),
        prerequisite_ids=list(form.prerequisites.data or []),
        kpi_weights=[
            (int_or_none(row.kpi.data), None if row.weight.data is None else float(row.weight.data))
            for row in form.kpis
            if row.kpi.data or row.weight.data is not None
        ],
        change_note=form.change_note.data or "",
    )
    actor = current_person()
    if module is None:
        return service.create_module(form.slug.data, draft, publish=publish, actor=actor)
    return service.update_module(module, draft, publish=publish, actor=actor)


def _saved_messages(saved: service.SavedModule) -> list[tuple[str, str]]:
    title = saved.module.title
    if "created" in saved.changed:
        if saved.published_now:
            return [
                (
                    _("%(title)s is published: learners see it in the catalog.", title=title),
                    "success",
                )
            ]
        return [(_("%(title)s was saved as a draft.", title=title), "success")]
    messages = []
    if saved.new_version:
        messages.append(
            (
                _(
                    "%(title)s: version %(version)s was created.",
                    title=title,
                    version=saved.new_version,
                ),
                "success",
            )
        )
    elif saved.changed:
        messages.append((_("%(title)s was saved.", title=title), "success"))
    if saved.published_now:
        messages.append(
            (_("%(title)s is published: learners see it in the catalog.", title=title), "success")
        )
    return messages or [(_("Nothing changed in %(title)s.", title=title), "info")]


def _steps(markdown: str) -> list[service.PreviewStep]:
    """The preview's steps (none for a blank lesson)."""
    return service.preview_steps(markdown) if service.clean_body(markdown) else []


def _learner_view(module: Module | None) -> str | None:
    """The learner's page of a published module, when the viewer may open it."""
    endpoint = "lms_roi.learner.module_detail"
    if module is None or not module.published or not may_open(endpoint):
        return None
    return url_for(endpoint, slug=module.slug)


# The quiz and path pages add their routes to this blueprint.
from . import authoring_paths, authoring_quizzes  # noqa: E402, F401
