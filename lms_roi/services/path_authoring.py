"""Authoring of learning paths (programs) by analysts: title, description, ordered modules."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.models import Learner, Module, Program, ProgramModule
from lms_roi.services.audit import record_audit
from lms_roi.services.authoring_checks import AuthoringInvalid, Problems, check_slug, check_title


@dataclass
class ProgramDraft:
    """A path as typed: ``module_ids`` in path order."""

    title: str
    description: str = ""
    module_ids: list[int] = field(default_factory=list)


def order_steps(rows: list[tuple[int | None, int | None]]) -> list[int]:
    """Module ids of ``(position, module_id)`` rows in path order.

    Rows without a module are ignored; rows are sorted by the position typed
    (rows without one go last), ties keeping the order of the rows.
    """
    filled = [(position, index, module_id) for index, (position, module_id) in enumerate(rows)]
    ordered = sorted(
        (p if p is not None else float("inf"), index, module_id)
        for p, index, module_id in filled
        if module_id is not None
    )
    return [module_id for _position, _index, module_id in ordered]


def create_program(slug: str, draft: ProgramDraft, *, actor: Learner | None = None) -> Program:
    """Add a path with its modules at positions 1..n."""
    slug = (slug or "").strip()
    problems = check_slug(slug, Program) + _check(draft)
    if problems:
        raise AuthoringInvalid(problems)
    program = Program(slug=slug, title=draft.title.strip(), description=draft.description.strip())
    db = session()
    db.add(program)
    db.flush()
    _place_modules(program, draft.module_ids)
    record_audit("program.created", actor=actor, target_type="program", target_id=slug)
    return program


def update_program(program: Program, draft: ProgramDraft, *, actor: Learner | None = None) -> bool:
    """Save a path's title, description and module order; True when anything changed."""
    problems = _check(draft)
    if problems:
        raise AuthoringInvalid(problems)
    changed = False
    for name, value in (("title", draft.title.strip()), ("description", draft.description.strip())):
        if getattr(program, name) != value:
            setattr(program, name, value)
            changed = True
    if [step.module_id for step in program.steps] != draft.module_ids:
        _place_modules(program, draft.module_ids)
        changed = True
    session().flush()
    if changed:
        record_audit("program.updated", actor=actor, target_type="program", target_id=program.slug)
    return changed


def _check(draft: ProgramDraft) -> Problems:
    problems: Problems = []
    problems += check_title(draft.title)
    titles = dict(session().execute(select(Module.id, Module.title)).all())
    if any(module_id not in titles for module_id in draft.module_ids):
        problems.append(("steps", "module_unknown", _("Choose modules from the list.")))
    else:
        twice = sorted({m for m in draft.module_ids if draft.module_ids.count(m) > 1})
        if twice:
            problems.append(
                (
                    "steps",
                    "module_twice",
                    _("%(module)s is in the path twice: keep one row.", module=titles[twice[0]]),
                )
            )
    return problems


def _place_modules(program: Program, module_ids: list[int]) -> None:
    """Store the modules at positions 1..n (old places removed first: positions are unique)."""
    db = session()
    program.steps.clear()
    db.flush()
    program.steps.extend(
        ProgramModule(module_id=module_id, position=position)
        for position, module_id in enumerate(module_ids, start=1)
    )
    db.flush()
