"""REST authoring of modules (``POST /modules``, ``PATCH /modules/{slug}``), for analysts.

The authoring pages' rules through :mod:`lms_roi.services.authoring`: a published (or
started) module's title, lesson or duration change creates the next version and needs a
``change_note``; tags, KPIs, prerequisites, summary and method never create one.
Modules are unpublished (``"published": false``), never deleted: their completions and
versions carry the ROI history. Reading modules is ``api_learning`` (``GET /modules``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import ConflictError, DomainError
from lms_roi.models import Kpi, Module
from lms_roi.models._types import METHODS
from lms_roi.policy import current_person, policy
from lms_roi.schemas import LocalizedSchema
from lms_roi.services import authoring
from lms_roi.services.authoring_checks import BODY_MAX, SLUG_MAX, TAG_MAX, TITLE_MAX

from .api import api
from .api_base import NotFound

ANALYSTS = ("analyst", "admin")
#: Codes of refused authoring input that mean "this already exists" (409, not 422).
DUPLICATE_CODES = ("slug_taken", "quiz_kind_taken")


class ModuleKpiIn(LocalizedSchema):
    """One KPI a module targets, with its weight (above 0, at most 1; default 1)."""

    kpi = fields.String(required=True, validate=validate.Length(min=1, max=64))
    weight = fields.Float(load_default=None, allow_nan=False)


class ModulePatchIn(LocalizedSchema):
    """Body of ``PATCH /modules/{slug}``: only the fields to change."""

    title = fields.String(validate=validate.Length(min=1, max=TITLE_MAX))
    summary = fields.String(validate=validate.Length(max=2000))
    body_md = fields.String(
        validate=validate.Length(max=BODY_MAX),
        metadata={"description": "The lesson in Markdown; each '## ' heading starts a step"},
    )
    method = fields.String(validate=validate.OneOf(METHODS))
    duration_minutes = fields.Integer(validate=validate.Range(min=1, max=10_000))
    tags = fields.List(
        fields.String(validate=validate.Length(min=1, max=TAG_MAX)),
        validate=validate.Length(max=50),
    )
    prerequisites = fields.List(
        fields.String(validate=validate.Length(min=1, max=SLUG_MAX)),
        validate=validate.Length(max=100),
        metadata={"description": "Slugs of the modules to complete first"},
    )
    kpis = fields.List(fields.Nested(ModuleKpiIn), validate=validate.Length(max=50))
    change_note = fields.String(
        validate=validate.Length(max=500),
        metadata={"description": "Required when the change creates a new version"},
    )
    published = fields.Boolean(
        metadata={"description": "true publishes; false takes it out of the catalog"}
    )


class ModuleIn(ModulePatchIn):
    """Body of ``POST /modules``: a new module (a draft unless ``published``)."""

    slug = fields.String(required=True, validate=validate.Length(min=1, max=SLUG_MAX))
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    duration_minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=10_000))
    method = fields.String(load_default="micro_learning", validate=validate.OneOf(METHODS))
    published = fields.Boolean(load_default=False)


class AuthoredModuleKpiOut(Schema):
    """A KPI the module targets and its weight."""

    kpi = fields.String()
    weight = fields.Float()


class ModuleSavedOut(Schema):
    """What a save did."""

    changed = fields.List(fields.String())
    new_version = fields.Integer(allow_none=True)
    published_now = fields.Boolean()


@dataclass
class AuthoredModule:
    """A saved module and what its save did (the shape :class:`AuthoredModuleOut` dumps)."""

    module: Module
    saved: dict


class AuthoredModuleOut(Schema):
    """A module as its author sees it (the whole lesson), and what the save did."""

    slug = fields.String(attribute="module.slug")
    title = fields.String(attribute="module.title")
    summary = fields.String(attribute="module.summary")
    body_md = fields.String(attribute="module.body_md")
    method = fields.String(attribute="module.method")
    duration_minutes = fields.Integer(attribute="module.duration_minutes")
    version = fields.Integer(attribute="module.current_version")
    published = fields.Boolean(attribute="module.published")
    tags = fields.List(fields.String(), attribute="module.tag_names")
    prerequisites = fields.Method("_prerequisites")
    kpis = fields.Method("_kpis")
    saved = fields.Nested(ModuleSavedOut)

    def _prerequisites(self, authored: AuthoredModule) -> list[str]:
        ids = authoring.prerequisite_ids(authored.module)
        if not ids:
            return []
        return list(
            session().scalars(select(Module.slug).where(Module.id.in_(ids)).order_by(Module.slug))
        )

    def _kpis(self, authored: AuthoredModule) -> list[dict]:
        return [
            {"kpi": link.kpi.key, "weight": float(link.weight)}
            for link in sorted(authoring.kpi_links(authored.module), key=lambda k: k.kpi.key)
        ]


def _module(slug: str) -> Module:
    module = session().scalar(select(Module).where(Module.slug == slug))
    if module is None:
        raise NotFound("module_not_found", _("no module with slug %(slug)r", slug=slug), "slug")
    return module


def refuse_duplicates(error: DomainError) -> None:
    """Re-raise a refused save whose first problem is a duplicate as 409 ``ConflictError``."""
    if error.code in DUPLICATE_CODES:
        raise ConflictError(error.code, error.message, error.field) from error
    raise error


def _prerequisite_ids(slugs: list[str]) -> list[int]:
    found = dict(
        session().execute(select(Module.slug, Module.id).where(Module.slug.in_(slugs))).all()
    )
    for slug in slugs:
        if slug not in found:
            raise DomainError(
                "unknown_module", _("no module with slug %(slug)r", slug=slug), "prerequisites"
            )
    return [found[slug] for slug in slugs]


def _kpi_weights(rows: list[dict]) -> list[tuple[int, float | None]]:
    keys = [row["kpi"] for row in rows]
    found = dict(session().execute(select(Kpi.key, Kpi.id).where(Kpi.key.in_(keys))).all())
    for key in keys:
        if key not in found:
            raise DomainError("unknown_kpi", _("no KPI with key %(key)r", key=key), "kpis")
    return [(found[row["kpi"]], row["weight"]) for row in rows]


def _draft(body: dict, module: Module | None) -> authoring.ModuleDraft:
    """The draft the service checks: the fields sent, the module's own for the others."""
    current = {}
    if module is not None:
        current = {
            "title": module.title,
            "body_md": module.body_md,
            "summary": module.summary,
            "method": module.method,
            "duration_minutes": module.duration_minutes,
            "tags": module.tag_names,
            "prerequisite_ids": authoring.prerequisite_ids(module),
            "kpi_weights": [(k.kpi_id, k.weight) for k in authoring.kpi_links(module)],
        }
    if "prerequisites" in body:
        current["prerequisite_ids"] = _prerequisite_ids(body["prerequisites"])
    if "kpis" in body:
        current["kpi_weights"] = _kpi_weights(body["kpis"])
    for name in ("title", "body_md", "summary", "method", "duration_minutes", "change_note"):
        if name in body:
            current[name] = body[name]
    if "tags" in body:
        current["tags"] = authoring.parse_tags(", ".join(body["tags"]))
    return authoring.ModuleDraft(**current)


def _saved(saved: authoring.SavedModule) -> dict:
    return {
        "changed": list(saved.changed),
        "new_version": saved.new_version,
        "published_now": saved.published_now,
    }


@api.post("/modules")
@policy(*ANALYSTS)
@api.arguments(ModuleIn, location="json")
@api.response(201, AuthoredModuleOut)
@api.alt_response(409, response="CONFLICT")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def module_create(body: dict):
    """Add a module (version 1): a draft, or published at once with ``"published": true``."""
    try:
        saved = authoring.create_module(
            body["slug"], _draft(body, None), publish=body["published"], actor=current_person()
        )
    except authoring.AuthoringInvalid as error:
        refuse_duplicates(error)
    session().commit()
    return AuthoredModule(saved.module, _saved(saved))


@api.patch("/modules/<slug>")
@policy(*ANALYSTS)
@api.arguments(ModulePatchIn, location="json")
@api.response(200, AuthoredModuleOut)
@api.alt_response(404, response="NOT_FOUND")
@api.alt_response(422, response="UNPROCESSABLE_ENTITY")
def module_update(body: dict, slug: str):
    """Edit a module under the versioning rule; publish or unpublish it with ``published``."""
    module = _module(slug)
    actor = current_person()
    saved = authoring.update_module(
        module, _draft(body, module), publish=body.get("published") is True, actor=actor
    )
    result = _saved(saved)
    if body.get("published") is False and authoring.unpublish_module(module, actor=actor):
        result["changed"].append("published")
    session().commit()
    return AuthoredModule(module, result)
