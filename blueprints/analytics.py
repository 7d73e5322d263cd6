"""L&D analyst pages: ROI dashboard, module detail, exports, printable report, costs."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms_roi import charts, exports
from lms_roi.analytics import RoiParams, roi_report, roi_reports
from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.i18n import percent
from lms_roi.labels import label
from lms_roi.models import CostItem, Module, Program
from lms_roi.policy import current_person, policy
from lms_roi.schemas import RoiQueryIn, first_error
from lms_roi.services.audit import record_audit
from lms_roi.services.costs import add_cost_item, delete_cost_item

from .forms import CostItemForm, DeleteForm
from .module_page import PLANNER_FIELDS, kpi_sections, planner_state

analytics = Blueprint("analytics", __name__, url_prefix="/analytics")

LABELS = {
    "module": "module",
    "method": "method",
    "program": "program",
    "version": "module",
    "team": "team",
    "learner": "learner",
}


def _query(args=None) -> dict:
    try:
        return RoiQueryIn().load(request.args if args is None else args)
    except ValidationError as error:
        path, message = first_error(error)
        if path:
            message = _("%(field)s: %(message)s", field=".".join(path), message=message)
        abort(
            Response(
                render_template(
                    "lms_roi/error.html", title=_("Invalid report settings"), message=message
                ),
                status=400,
            )
        )


def _report(query: dict):
    params = {k: v for k, v in query.items() if k != "by"}
    report = roi_report(query["by"], RoiParams(**params))
    if query["by"] in ("learner", "team"):
        # Individual KPI data: every read is audited.
        record_audit(
            "report.roi_read",
            actor=current_person(),
            target_type="report",
            target_id=query["by"],
            details={"rows": len(report.rows), "via": "web"},
        )
        session().commit()
    return report


def _label(row: dict, by: str) -> str:
    """The name of a report row in a chart (methods by their translated label)."""
    name = str(row[LABELS[by]])
    if by == "method":
        return label(name, "method")
    if by == "team" and name == "(no team)":  # the report's key for learners without a team
        return _("(no team)")
    return (
        _("%(name)s v%(version)s", name=name, version=row["version"]) if by == "version" else name
    )


def _roi_chart(report, by: str):
    return charts.bar_chart(
        [_label(r, by) for r in report.rows],
        [r["roi_pct"] for r in report.rows],
        title=_("ROI %% by %(by)s", by=label(by, "report")),
        value_format=percent,
    )


@analytics.route("/")
@policy("analyst", "admin")
def dashboard():
    query = _query()
    report = _report(query)
    by = query["by"]
    chart = _roi_chart(report, by)
    totals = {
        "cost": sum(r["cost"] for r in report.rows),
        "benefit": sum(r["benefit"] for r in report.rows),
    }
    if by in ("learner", "team"):  # shares of module totals, not extra money
        totals = None
    return render_template(
        "lms_roi/analytics/dashboard.html",
        report=report,
        query=query,
        chart=chart,
        totals=totals,
        rows=list(zip(report.rows, report.levels, strict=True)),
    )


@analytics.route("/export.<fmt>")
@policy("analyst", "admin")
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    query = _query()
    report = _report(query)
    name = f"lms-roi-{query['by']}-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        body, mimetype = exports.to_csv(report, labels=True), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(report, labels=True)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@analytics.route("/print")
@policy("analyst", "admin")
def printable():
    query = _query()
    params = RoiParams(**{k: v for k, v in query.items() if k != "by"})
    sections = []
    for by, report in roi_reports(["method", "program", "module"], params).items():
        sections.append(
            (
                by,
                report,
                list(zip(report.rows, report.levels, strict=True)),
                _roi_chart(report, by),
            )
        )
    return render_template(
        "lms_roi/analytics/print.html",
        sections=sections,
        params=params,
        today=date.today(),
        currency=current_app.config["LMS_ROI_CURRENCY"],
    )


@analytics.route("/modules/<slug>")
@policy("analyst", "admin")
def module_view(slug: str):
    module = session().scalar(select(Module).where(Module.slug == slug))
    if module is None:
        abort(404)
    settings = {k: v for k, v in request.args.items() if k not in PLANNER_FIELDS}
    query = _query(settings)
    sections = kpi_sections(module.id, RoiParams(**{k: v for k, v in query.items() if k != "by"}))
    planner, status = planner_state(request.args, sections)
    return render_template(
        "lms_roi/analytics/module.html",
        module=module,
        sections=sections,
        settings=settings,
        planner=planner,
    ), status


@analytics.route("/costs", methods=["GET", "POST"])
@policy("analyst", "admin")
def costs():
    db = session()
    modules = db.scalars(select(Module).order_by(Module.title)).all()
    programs = db.scalars(select(Program).order_by(Program.title)).all()
    form = CostItemForm()
    form.target.choices = [
        SelectChoice(f"program:{p.slug}", _("Program — %(title)s", title=p.title)) for p in programs
    ] + [SelectChoice(f"module:{m.slug}", _("Module — %(title)s", title=m.title)) for m in modules]
    if form.validate_on_submit():
        kind, _sep, slug = form.target.data.partition(":")
        target = next(t for t in (programs if kind == "program" else modules) if t.slug == slug)
        try:
            add_cost_item(
                target=target,
                category=form.category.data,
                basis=form.basis.data,
                amount=form.amount.data,
                description=form.description.data or "",
                actor=current_person(),
            )
            db.commit()
        except DomainError as error:
            db.rollback()
            flash(error.message, "error")
        else:
            flash(_("The cost was added."), "success")
            return redirect(url_for(".costs"))
    items = db.execute(
        select(CostItem, Module.title, Program.title)
        .outerjoin(Module, Module.id == CostItem.module_id)
        .outerjoin(Program, Program.id == CostItem.program_id)
        .order_by(Program.title, Module.title, CostItem.category)
    ).all()
    return render_template(
        "lms_roi/analytics/costs.html",
        form=form,
        items=items,
        delete_form=DeleteForm(),
        currency=current_app.config["LMS_ROI_CURRENCY"],
    ), (422 if form.errors else 200)


@analytics.post("/costs/<int:item_id>/delete")
@policy("analyst", "admin")
def cost_delete(item_id: int):
    item = session().get(CostItem, item_id)
    if item is None:
        abort(404)
    if DeleteForm().validate_on_submit():
        delete_cost_item(item, actor=current_person())
        session().commit()
        flash(_("The cost was removed."), "success")
    return redirect(url_for(".costs"))


@analytics.route("/recommend")
@policy("analyst", "admin")
def recommend():
    from lms_roi.analytics.recommender import CATEGORIES, recommend_kpis

    objective = request.args.get("objective", "").strip()[:500]
    category = request.args.get("category", "")
    results = recommend_kpis(objective, category) if objective or category else None
    return render_template(
        "lms_roi/analytics/recommend.html",
        objective=objective,
        category=category,
        # English labels are kept for matching; the list shows them translated.
        categories=[(key, _(name)) for key, (name, *_rest) in CATEGORIES.items()],
        results=results,
    )
