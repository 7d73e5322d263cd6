"""Data desk (analysts): file imports with a checked preview, import history, KPI catalog.

The imports run the same importers as ``lms-roi import KIND FILE``: an upload is a dry
run (rolled back), the confirmation the real, all-or-nothing run.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

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
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.i18n import number
from lms_roi.importers import IMPORTERS, ImportRejected, ImportResult, import_file
from lms_roi.labels import label
from lms_roi.models import ImportBatch, Kpi, KpiValue, Learner
from lms_roi.policy import current_person, policy
from lms_roi.services import import_desk, kpi_catalog

from .forms import ConfirmImportForm, ImportUploadForm, KpiForm, NewKpiForm
from .paging import page_and_pages

desk = Blueprint("desk", __name__, url_prefix="/data")

KIND_LABELS = {
    "kpi-definitions": _l("KPI definitions"),
    "learners": _l("Learners and teams"),
    "modules": _l("Modules, their KPIs and costs"),
    "completions": _l("Completions"),
    "kpi-values": _l("KPI values"),
}
#: A file with thousands of bad rows is usually one systematic mistake: show the first ones.
ISSUES_SHOWN = 1000
#: Room for the multipart envelope and the other fields around the file itself.
FORM_OVERHEAD = 64 * 1024


@desk.url_value_preprocessor
def limit_request_size(_endpoint, _values):
    """Refuse a body far above the upload limit before it is read (answered by a 413 page).

    A URL value preprocessor runs before every ``before_request`` function, so the limit
    also holds when a host's CSRF protection reads the form first.
    """
    limit = import_desk.upload_max_bytes() + FORM_OVERHEAD
    current = request.max_content_length
    request.max_content_length = limit if current is None else min(current, limit)


@desk.errorhandler(413)
def upload_too_large(_error):
    # The body was refused unread, so no form on a page can be built from it: go back home.
    flash(
        _(
            "The file is larger than %(limit)s MB and cannot be imported. "
            "Split it into several files.",
            limit=number(import_desk.upload_max_bytes() / 1024 / 1024),
        ),
        "error",
    )
    return redirect(url_for(".home"), 303)


@desk.route("/")
@policy("analyst", "admin")
def home():
    kind = request.args.get("kind")
    return _home_page(ImportUploadForm(formdata=None, kind=kind if kind in IMPORTERS else None))


@desk.route("/upload", methods=["POST"])
@policy("analyst", "admin")
def upload():
    """Check an uploaded file exactly like a dry run, then keep it for confirmation."""
    form = ImportUploadForm()
    form.kind.choices = _kind_choices()
    if form.validate_on_submit():
        content = form.file.data.read()
        filename = _display_name(form.file.data.filename)
        problem = import_desk.upload_problem(filename, len(content))
        if problem:
            form.file.errors = [problem]
    if form.errors:
        return _home_page(form, 422)
    kind, person = form.kind.data, current_person()
    uploader_id = person.id
    try:
        # A dry run rolls back its own savepoint: the preview never writes, not even its
        # ImportBatch, and leaves the rest of the request's transaction alone.
        result = import_file(kind, content, filename, dry_run=True, actor=person)
    except ImportRejected as rejected:
        return _rejected_page(kind, filename, rejected)
    staged = import_desk.stage_upload(
        content, kind=kind, filename=filename, uploader_id=uploader_id
    )
    return render_template(
        "lms_roi/desk/preview.html",
        result=result,
        upload=staged,
        kind_label=KIND_LABELS.get(kind, kind),
        confirm_form=ConfirmImportForm(formdata=None),
        cancel_form=ConfirmImportForm(formdata=None, prefix="cancel"),
        minutes=import_desk.upload_ttl() // 60,
    )


@desk.route("/uploads/<token>/confirm", methods=["POST"])
@policy("analyst", "admin")
def confirm(token: str):
    """Import a checked upload for real, all or nothing, then show it in the history."""
    if not ConfirmImportForm().validate_on_submit():
        flash(_("This form has expired. Upload the file again."), "error")
        return redirect(url_for(".home"), 303)
    person = current_person()
    try:
        staged, content = import_desk.claim_upload(token, person.id)
    except import_desk.UploadUnavailable as error:
        flash(error.message, "error")
        return redirect(url_for(".home"), 303)
    db = session()
    try:
        result = import_file(staged.kind, content, staged.filename, actor=person)
    except ImportRejected as rejected:
        # The database changed since the preview (e.g. a KPI was removed).
        db.rollback()
        return _rejected_page(staged.kind, staged.filename, rejected)
    except BaseException:
        db.rollback()
        raise
    finally:
        import_desk.discard_upload(token)
    db.commit()
    flash(_imported_message(result), "success")
    return redirect(url_for(".home"), 303)


@desk.route("/uploads/<token>/cancel", methods=["POST"])
@policy("analyst", "admin")
def cancel(token: str):
    """Drop a checked upload without importing it."""
    if ConfirmImportForm(prefix="cancel").validate_on_submit():
        try:
            staged, _content = import_desk.claim_upload(token, current_person().id)
        except import_desk.UploadUnavailable:
            pass  # gone already: nothing to cancel
        else:
            import_desk.discard_upload(token)
            flash(_("%(file)s was not imported.", file=staged.filename), "info")
    return redirect(url_for(".home"), 303)


@desk.route("/templates/<kind>.csv")
@policy("analyst", "admin")
def template(kind: str):
    """The exact header of ``kind`` and one example row, as CSV for Excel."""
    if kind not in IMPORTERS:
        abort(404)
    return Response(
        import_desk.template_csv(kind),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )


@desk.route("/kpis")
@policy("analyst", "admin")
def kpi_list():
    counts = select(KpiValue.kpi_id, func.count().label("n")).group_by(KpiValue.kpi_id).subquery()
    rows = session().execute(
        select(Kpi, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.kpi_id == Kpi.id)
        .order_by(Kpi.key)
    )
    return render_template("lms_roi/desk/kpis.html", rows=rows.all(), label=label)


@desk.route("/kpis/new", methods=["GET", "POST"])
@policy("analyst", "admin")
def kpi_new():
    form = NewKpiForm(direction="higher", period="month")
    if form.validate_on_submit():
        try:
            kpi = kpi_catalog.create_kpi(form.data, actor=current_person())
            session().commit()
        except DomainError as error:
            session().rollback()
            _show_error(form, error)
        else:
            flash(_("The KPI %(key)s was added.", key=kpi.key), "success")
            return redirect(url_for(".kpi_list"), 303)
    return _kpi_page(form, None)


@desk.route("/kpis/<key>/edit", methods=["GET", "POST"])
@policy("analyst", "admin")
def kpi_edit(key: str):
    db = session()
    kpi = db.scalar(select(Kpi).where(Kpi.key == key))
    if kpi is None:
        abort(404)
    form = KpiForm(obj=kpi if request.method == "GET" else None)
    if request.method == "GET":
        form.value_per_unit.data = _plain(kpi.value_per_unit)
    if form.validate_on_submit():
        try:
            changed = kpi_catalog.update_kpi(kpi, form.data, actor=current_person())
            db.commit()
        except DomainError as error:
            db.rollback()
            _show_error(form, error)
        else:
            if changed:
                flash(_("The KPI %(key)s was saved.", key=key), "success")
            else:
                flash(_("Nothing changed in the KPI %(key)s.", key=key), "info")
            return redirect(url_for(".kpi_list"), 303)
    return _kpi_page(form, kpi)


def _kpi_page(form: KpiForm, kpi: Kpi | None):
    form.value_per_unit.label.text = _(
        "Value of one unit (%(currency)s)", currency=current_app.config["LMS_ROI_CURRENCY"]
    )
    return render_template("lms_roi/desk/kpi_form.html", form=form, kpi=kpi), (
        422 if form.errors else 200
    )


# -- helpers --------------------------------------------------------------------------


def _home_page(form: ImportUploadForm, status: int = 200):
    form.kind.choices = _kind_choices()
    size = current_app.config["LMS_ROI_PAGE_SIZE"]
    db = session()
    total = db.scalar(select(func.count(ImportBatch.id)))
    page, pages = page_and_pages(total, size)
    batches = db.execute(
        select(ImportBatch, Learner.display_name)
        .outerjoin(Learner, Learner.id == ImportBatch.actor_id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    kinds = [
        (kind, KIND_LABELS.get(kind, kind), *import_desk.columns(kind))
        for kind in import_desk.import_kinds()
    ]
    return render_template(
        "lms_roi/desk/home.html",
        form=form,
        kinds=kinds,
        kind_labels=KIND_LABELS,
        batches=batches,
        total=total,
        page=page,
        pages=pages,
        when=_local_time,
        max_mb=number(import_desk.upload_max_bytes() / 1024 / 1024),
    ), status


def _rejected_page(kind: str, filename: str, rejected: ImportRejected):
    form = ImportUploadForm(formdata=None, kind=kind)
    form.kind.choices = _kind_choices()
    return render_template(
        "lms_roi/desk/preview.html",
        issues=rejected.issues[:ISSUES_SHOWN],
        total_issues=len(rejected.issues),
        filename=filename,
        kind_label=KIND_LABELS.get(kind, kind),
        form=form,
        max_mb=number(import_desk.upload_max_bytes() / 1024 / 1024),
    ), 422


def _local_time(moment: datetime) -> str:
    """A moment in the organisation's time zone (where the people importing work)."""
    zone = ZoneInfo(current_app.config["LMS_ROI_TIMEZONE"])
    return format_datetime(moment.astimezone(zone), "short", rebase=False)


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind, KIND_LABELS.get(kind, kind)) for kind in import_desk.import_kinds()]


def _display_name(filename: str | None) -> str:
    """The file's own name (some browsers send a whole path); only ever displayed."""
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1][-200:] or "upload"


def _imported_message(result: ImportResult) -> str:
    return ngettext(
        "%(file)s imported: %(rows)s row, %(inserted)s added, %(updated)s updated, "
        "%(unchanged)s unchanged.",
        "%(file)s imported: %(rows)s rows, %(inserted)s added, %(updated)s updated, "
        "%(unchanged)s unchanged.",
        result.rows,
        file=result.filename,
        rows=number(result.rows),
        inserted=number(result.inserted),
        updated=number(result.updated),
        unchanged=number(result.unchanged),
    )


def _show_error(form, error: DomainError) -> None:
    """Put a refused KPI's problems under the fields they concern."""
    issues = getattr(error, "issues", None)
    problems = (
        [(i.column, _("%(message)s (fix: %(fix)s)", message=i.message, fix=i.fix)) for i in issues]
        if issues
        else [(error.field, error.message)]
    )
    for field_name, text in problems:
        field = form._fields.get(field_name or "")
        if field is not None:
            field.errors = [*field.errors, text]
        else:
            form.form_errors.append(text)


def _plain(value: Decimal) -> str:
    """``120.0000`` -> ``120``: the value as a person would type it."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
