"""Authoring of modules by analysts: content, KPIs, prerequisites and versions.

Versioning rule (what ROI by version relies on): a draft nobody could take yet is
corrected in place (its version 1 row follows it); once a module is published, or
learners started or completed it, a change to what learners take (title, body or
duration) creates the next :class:`ModuleVersion`, with a change note. Tags, KPIs,
prerequisites, summary and method describe the module without changing the lesson,
so they never create a version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import exists, select

from lms_roi.db import session, utcnow
from lms_roi.lessons import split_steps
from lms_roi.models import (
    Completion,
    Kpi,
    Learner,
    Module,
    ModuleKpi,
    ModulePrerequisite,
    ModuleProgress,
    ModuleTag,
    ModuleVersion,
)
from lms_roi.services.audit import record_audit
from lms_roi.services.authoring_checks import (  # noqa: F401 (the authoring API)
    BODY_MAX,
    SLUG_MAX,
    TITLE_MAX,
    AuthoringInvalid,
    check_module,
    check_slug,
    clean_body,
    prerequisite_cycle,
)

#: The fields whose change is a change of what learners take: a new version.
CONTENT_FIELDS = ("title", "body_md", "duration_minutes")


@dataclass
class ModuleDraft:
    """What the analyst typed for a module, before it is checked and saved."""

    title: str
    body_md: str = ""
    summary: str = ""
    method: str = "online"
    duration_minutes: int | None = None
    tags: list[str] = field(default_factory=list)
    prerequisite_ids: list[int] = field(default_factory=list)
    #: ``(kpi_id, weight)`` rows in the order typed; a missing weight means 1.
    kpi_weights: list[tuple[int | None, float | None]] = field(default_factory=list)
    change_note: str = ""


@dataclass(frozen=True)
class SavedModule:
    """The outcome of a save: what changed, the version created, whether it went live."""

    module: Module
    changed: tuple[str, ...]
    new_version: int | None
    published_now: bool


@dataclass(frozen=True)
class PreviewStep:
    """One lesson step as a learner will see it."""

    title: str
    html: Markup


def parse_tags(text: str) -> list[str]:
    """``"SEO, content,seo"`` -> ``["content", "seo"]``: lower-case, unique, sorted."""
    return sorted({tag.strip().lower() for tag in (text or "").split(",") if tag.strip()})


def preview_steps(markdown: str) -> list[PreviewStep]:
    """The lesson steps of ``markdown``, rendered and sanitised exactly as learners see them."""
    return [PreviewStep(step.title, step.html()) for step in split_steps(clean_body(markdown))]


def versions_frozen(module: Module) -> bool:
    """Whether learners may have taken the module's current version (edits then version it)."""
    if module.published or module.current_version > 1:
        return True
    if module.id is None:
        return False
    db = session()
    return bool(
        db.scalar(select(exists().where(Completion.module_id == module.id)))
        or db.scalar(select(exists().where(ModuleProgress.module_id == module.id)))
    )


def create_module(
    slug: str,
    draft: ModuleDraft,
    *,
    publish: bool = False,
    actor: Learner | None = None,
    now: datetime | None = None,
) -> SavedModule:
    """Add a module as a draft (version 1), published at once when ``publish``."""
    now = now or utcnow()
    slug = (slug or "").strip()
    problems = check_slug(slug, Module) + check_module(draft, None)
    if problems:
        raise AuthoringInvalid(problems)
    body = clean_body(draft.body_md)
    module = Module(
        slug=slug,
        title=draft.title.strip(),
        summary=draft.summary.strip(),
        body_md=body,
        method=draft.method,
        duration_minutes=draft.duration_minutes,
        published=publish,
        current_version=1,
    )
    module.tags = [ModuleTag(tag=tag) for tag in draft.tags]
    module.versions = [
        ModuleVersion(
            version=1,
            title=module.title,
            body_md=body,
            duration_minutes=module.duration_minutes,
            change_note=draft.change_note.strip(),
            published_at=now,
        )
    ]
    db = session()
    db.add(module)
    db.flush()
    _sync_kpis(module, draft.kpi_weights)
    _sync_prerequisites(module, draft.prerequisite_ids)
    db.flush()
    record_audit(
        "module.created",
        actor=actor,
        target_type="module",
        target_id=slug,
        details={"published": publish},
    )
    return SavedModule(module, ("created",), 1, publish)


def update_module(
    module: Module,
    draft: ModuleDraft,
    *,
    publish: bool = False,
    actor: Learner | None = None,
    now: datetime | None = None,
) -> SavedModule:
    """Save an edit of ``module`` under the versioning rule; publish it when ``publish``.

    Raises :class:`AuthoringInvalid` (nothing changed) when a field is refused, and
    asks for a ``change_note`` when the edit creates a new version.
    """
    now = now or utcnow()
    problems = check_module(draft, module)
    frozen = versions_frozen(module)
    content = {
        "title": draft.title.strip(),
        "body_md": clean_body(draft.body_md),
        "duration_minutes": draft.duration_minutes,
    }
    content_changed = [
        name
        for name, value in content.items()
        if (clean_body(module.body_md) if name == "body_md" else getattr(module, name)) != value
    ]
    note = draft.change_note.strip()
    if frozen and content_changed and not note:
        problems.append(
            (
                "change_note",
                "change_note_required",
                _(
                    "Describe the change: editing the title, lesson or duration of a "
                    "published module creates version %(version)s, and the note tells "
                    "whoever compares versions what changed.",
                    version=module.current_version + 1,
                ),
            )
        )
    if problems:
        raise AuthoringInvalid(problems)

    changed = list(content_changed)
    for name in content_changed:  # blank edges and line ends alone are no change
        setattr(module, name, content[name])
    for name, value in (("summary", draft.summary.strip()), ("method", draft.method)):
        if getattr(module, name) != value:
            setattr(module, name, value)
            changed.append(name)
    if set(module.tag_names) != set(draft.tags):
        kept = [t for t in module.tags if t.tag in draft.tags]
        added = [ModuleTag(tag=tag) for tag in draft.tags if tag not in module.tag_names]
        module.tags = sorted(kept + added, key=lambda t: t.tag)
        changed.append("tags")
    if _sync_kpis(module, draft.kpi_weights):
        changed.append("kpis")
    if _sync_prerequisites(module, draft.prerequisite_ids):
        changed.append("prerequisites")

    new_version = None
    if frozen and content_changed:
        module.current_version += 1
        new_version = module.current_version
        module.versions.append(
            ModuleVersion(version=new_version, change_note=note, published_at=now, **content)
        )
    elif not frozen:
        row = _draft_version(module)
        row.title, row.body_md = content["title"], content["body_md"]
        row.duration_minutes = content["duration_minutes"]
        if note:
            row.change_note = note
    published_now = publish and not module.published
    if published_now:
        module.published = True
        if not frozen:
            _draft_version(module).published_at = now  # its first publication
    session().flush()
    if changed or published_now:
        record_audit(
            "module.updated",
            actor=actor,
            target_type="module",
            target_id=module.slug,
            details={"changed": changed, "new_version": new_version, "published": published_now},
        )
    return SavedModule(module, tuple(changed), new_version, published_now)


def unpublish_module(module: Module, *, actor: Learner | None = None) -> bool:
    """Hide ``module`` from the catalog (its versions and completions stay); True if it was live."""
    if not module.published:
        return False
    module.published = False
    session().flush()
    record_audit("module.unpublished", actor=actor, target_type="module", target_id=module.slug)
    return True


def prerequisite_ids(module: Module) -> list[int]:
    """The ids of the modules ``module`` requires."""
    return list(
        session().scalars(
            select(ModulePrerequisite.required_module_id).where(
                ModulePrerequisite.module_id == module.id
            )
        )
    )


def kpi_links(module: Module) -> list[ModuleKpi]:
    """The module's KPI links, by KPI name."""
    return list(
        session().scalars(
            select(ModuleKpi)
            .join(Kpi, Kpi.id == ModuleKpi.kpi_id)
            .where(ModuleKpi.module_id == module.id)
            .order_by(Kpi.name)
        )
    )


# -- writes ---------------------------------------------------------------------------


def _draft_version(module: Module) -> ModuleVersion:
    """The row of the module's current version (created for modules made without one)."""
    for row in module.versions:
        if row.version == module.current_version:
            return row
    row = ModuleVersion(
        version=module.current_version,
        title=module.title,
        body_md=module.body_md,
        duration_minutes=module.duration_minutes,
    )
    module.versions.append(row)
    return row


def _sync_kpis(module: Module, rows: list[tuple[int | None, float | None]]) -> bool:
    db = session()
    wanted = {kpi_id: 1.0 if weight is None else float(weight) for kpi_id, weight in rows}
    changed = False
    for link in db.scalars(select(ModuleKpi).where(ModuleKpi.module_id == module.id)):
        if link.kpi_id not in wanted:
            db.delete(link)
            changed = True
        else:
            weight = wanted.pop(link.kpi_id)
            if link.weight != weight:
                link.weight, changed = weight, True
    for kpi_id, weight in wanted.items():
        db.add(ModuleKpi(module_id=module.id, kpi_id=kpi_id, weight=weight))
        changed = True
    return changed


def _sync_prerequisites(module: Module, required_ids: list[int]) -> bool:
    db = session()
    wanted = set(required_ids)
    changed = False
    for link in db.scalars(
        select(ModulePrerequisite).where(ModulePrerequisite.module_id == module.id)
    ):
        if link.required_module_id in wanted:
            wanted.discard(link.required_module_id)
        else:
            db.delete(link)
            changed = True
    for required in sorted(wanted):
        db.add(ModulePrerequisite(module_id=module.id, required_module_id=required))
        changed = True
    return changed
