"""Checks of what an analyst typed: every problem named with its field, nothing written.

Each check returns ``(field, code, message)`` problems; the authoring services raise
them together as :class:`AuthoringInvalid` before they change anything.
"""

from __future__ import annotations

import re
from collections import deque
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Kpi, Module, ModulePrerequisite
from lms_roi.models._types import METHODS

if TYPE_CHECKING:
    from lms_roi.services.authoring import ModuleDraft

Problems = list[tuple[str, str, str]]

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 120
TITLE_MAX = 200
TAG_MAX = 60
BODY_MAX = 100_000


class AuthoringInvalid(DomainError):
    """A refused form: ``problems`` lists every ``(field, code, message)``, first one raised."""

    status = 422

    def __init__(self, problems: list[tuple[str, str, str]]):
        field_name, code, message = problems[0]
        super().__init__(code, message, field_name)
        self.problems = problems


def clean_body(text: str) -> str:
    """A body with Unix line ends and no blank edges (browsers send CRLF)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def check_title(title: str) -> Problems:
    """Problems of a title: required, at most :data:`TITLE_MAX` characters."""
    title = (title or "").strip()
    if not title:
        return [("title", "title_required", _("Enter a title."))]
    if len(title) > TITLE_MAX:
        message = _("Keep the title under %(max)s characters.", max=TITLE_MAX)
        return [("title", "title_too_long", message)]
    return []


def check_slug(slug: str, model) -> Problems:
    """Problems of a new slug for ``model`` (Module or Program): format and uniqueness."""
    if not slug:
        return [("slug", "slug_required", _("Enter a slug, for example lead-qualification."))]
    if len(slug) > SLUG_MAX or not SLUG.fullmatch(slug):
        return [
            (
                "slug",
                "slug_invalid",
                _(
                    "Use lower-case letters, digits and single hyphens, at most %(max)s "
                    "characters (for example lead-qualification).",
                    max=SLUG_MAX,
                ),
            )
        ]
    if session().scalar(select(model.id).where(model.slug == slug)) is not None:
        return [("slug", "slug_taken", _("The slug %(slug)s is already used.", slug=slug))]
    return []


def check_module(draft: ModuleDraft, module: Module | None) -> Problems:
    problems = []
    problems += check_title(draft.title)
    if len(clean_body(draft.body_md)) > BODY_MAX:
        problems.append(
            (
                "body_md",
                "body_too_long",
                _("The lesson is longer than %(max)s characters: split it.", max=BODY_MAX),
            )
        )
    if draft.method not in METHODS:
        problems.append(("method", "method_invalid", _("Choose a method from the list.")))
    if draft.duration_minutes is None or draft.duration_minutes <= 0:
        problems.append(
            ("duration_minutes", "duration_invalid", _("Enter a duration above 0 minutes."))
        )
    long_tags = [tag for tag in draft.tags if len(tag) > TAG_MAX]
    if long_tags:
        problems.append(
            (
                "tags",
                "tag_too_long",
                _("Keep each tag under %(max)s characters: %(tag)s", max=TAG_MAX, tag=long_tags[0]),
            )
        )
    problems += check_kpis(draft.kpi_weights)
    problems += check_prerequisites(module, draft.prerequisite_ids)
    return problems


def check_kpis(rows: list[tuple[int | None, float | None]]) -> Problems:
    names = dict(session().execute(select(Kpi.id, Kpi.name)).all())
    seen: set[int] = set()
    for kpi_id, weight in rows:
        if kpi_id is None:
            return [("kpis", "kpi_missing", _("Choose the KPI of each weight, or clear the row."))]
        if kpi_id not in names:
            return [("kpis", "kpi_unknown", _("Choose KPIs from the list."))]
        if kpi_id in seen:
            return [
                (
                    "kpis",
                    "kpi_twice",
                    _("%(kpi)s is listed twice: keep one row.", kpi=names[kpi_id]),
                )
            ]
        seen.add(kpi_id)
        if weight is not None and not 0 < weight <= 1:
            return [
                (
                    "kpis",
                    "weight_invalid",
                    _(
                        "The weight of %(kpi)s must be above 0 and at most 1 (for example 0.5).",
                        kpi=names[kpi_id],
                    ),
                )
            ]
    return []


def check_prerequisites(module: Module | None, required_ids: list[int]) -> Problems:
    db = session()
    titles = dict(db.execute(select(Module.id, Module.title)).all())
    if any(required not in titles for required in required_ids):
        return [("prerequisites", "prerequisite_unknown", _("Choose prerequisites from the list."))]
    if module is None or module.id is None:
        return []  # nothing can require a module that does not exist yet: no cycle
    if module.id in required_ids:
        return [
            (
                "prerequisites",
                "prerequisite_self",
                _("A module cannot be its own prerequisite."),
            )
        ]
    chain = prerequisite_cycle(module.id, required_ids)
    if chain:
        return [
            (
                "prerequisites",
                "prerequisite_cycle",
                _(
                    "%(module)s cannot be a prerequisite of this module: it already "
                    "requires this module (%(chain)s). Remove one of the two links.",
                    module=titles[chain[0]],
                    chain=" → ".join(titles[step] for step in chain),
                ),
            )
        ]
    return []


def prerequisite_cycle(module_id: int, required_ids: list[int]) -> list[int]:
    """The chain ``required -> ... -> module`` that requiring ``required_ids`` would close.

    Empty when the prerequisites form no cycle. Edges come from the stored
    prerequisites, with ``module_id``'s own edges replaced by ``required_ids``.
    """
    requires: dict[int, set[int]] = {}
    for owner, required in session().execute(
        select(ModulePrerequisite.module_id, ModulePrerequisite.required_module_id)
    ):
        requires.setdefault(owner, set()).add(required)
    requires[module_id] = set(required_ids)
    for start in sorted(set(required_ids)):
        came_from: dict[int, int | None] = {start: None}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            if current == module_id:
                chain = [current]
                while came_from[chain[-1]] is not None:
                    chain.append(came_from[chain[-1]])
                return chain[::-1]
            for following in sorted(requires.get(current, ())):
                if following not in came_from:
                    came_from[following] = current
                    queue.append(following)
    return []
