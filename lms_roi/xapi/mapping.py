"""The explicit activity map (activity IRI -> module) and the activities nobody mapped yet.

Mapping an activity processes the statements already stored for it
(:func:`~.processing.process_activity`), and mapping it again retries those whose actor
nobody matched (the learner, or their ``external_id``, may exist by now). Removing a
mapping leaves what its statements already caused (void a statement to reverse it);
statements arriving afterwards go back to the configured patterns, else to the unmapped
list. Services only flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.i18n import current_locale
from lms_roi.models import Learner, Module, XapiActivityMap, XapiStatement
from lms_roi.services.audit import record_audit

from .formats import is_iri
from .processing import UNKNOWN_ACTOR, UNMAPPED, process_activity

IRI_MAX = 1024


class MappingNotFound(DomainError):
    """The mapping to remove is gone (removed meanwhile, or never existed)."""

    status = 404


@dataclass(frozen=True)
class MappingResult:
    """A mapping made (or already there), and how many stored statements it processed."""

    mapping: XapiActivityMap
    processed: int
    created: bool
    #: The module the activity counted for before, when the mapping moved.
    moved_from: Module | None = None
    #: Statements of the activity whose actor still matches no learner.
    unknown_actors: int = 0


@dataclass(frozen=True)
class UnmappedActivity:
    """Statements waiting for their activity to be mapped, grouped by activity IRI."""

    iri: str
    statements: int
    last_seen: datetime
    name: str


def map_activity(iri: str, module: Module, actor: Learner | None) -> MappingResult:
    """Map ``iri`` to ``module`` (or move its mapping there) and process its stored
    statements. Mapping it again to the same module changes nothing."""
    iri = (iri or "").strip()
    if not iri or len(iri) > IRI_MAX or not is_iri(iri):
        raise DomainError(
            "activity_iri_invalid",
            _("Enter the activity's IRI, such as https://lms.example.org/mod/quiz/view.php?id=7."),
            "activity_iri",
        )
    db = session()
    mapping = db.scalar(select(XapiActivityMap).where(XapiActivityMap.activity_iri == iri))
    created, moved_from = mapping is None, None
    if created:
        mapping = XapiActivityMap(
            activity_iri=iri,
            module_id=module.id,
            created_by_id=actor.id if actor is not None else None,
        )
        db.add(mapping)
    elif mapping.module_id != module.id:
        moved_from = db.get(Module, mapping.module_id)
        mapping.module_id = module.id
    db.flush()
    _retry_unknown_actors(iri)
    processed = process_activity(iri)
    unknown = db.scalar(
        select(func.count()).where(
            XapiStatement.object_id == iri,
            XapiStatement.status == UNKNOWN_ACTOR,
            XapiStatement.voided.is_(False),
        )
    )
    if not created and moved_from is None and processed == unknown:
        return MappingResult(mapping, 0, False, unknown_actors=unknown)
    record_audit(
        "xapi.activity_mapped",
        actor=actor,
        target_type="xapi_activity",
        target_id=iri[:191],
        details={
            "module": module.slug,
            "processed": processed,
            **({"moved_from": moved_from.slug} if moved_from is not None else {}),
        },
    )
    return MappingResult(mapping, processed - unknown, created, moved_from, unknown)


def _retry_unknown_actors(iri: str) -> None:
    """Put the activity's statements whose actor nobody matched back in the queue."""
    session().execute(
        update(XapiStatement)
        .where(
            XapiStatement.object_id == iri,
            XapiStatement.status == UNKNOWN_ACTOR,
            XapiStatement.voided.is_(False),
        )
        .values(status=UNMAPPED)
        .execution_options(synchronize_session=False)
    )


def unmap_activity(mapping_id: int, actor: Learner | None) -> XapiActivityMap:
    """Remove an explicit mapping (what its statements caused stays)."""
    db = session()
    mapping = db.get(XapiActivityMap, mapping_id)
    if mapping is None:
        raise MappingNotFound("mapping_not_found", _("This mapping no longer exists."), "mapping")
    db.delete(mapping)
    db.flush()
    record_audit(
        "xapi.activity_unmapped",
        actor=actor,
        target_type="xapi_activity",
        target_id=mapping.activity_iri[:191],
    )
    return mapping


def activity_maps() -> list[tuple[XapiActivityMap, Module]]:
    """Every explicit mapping with its module, by IRI."""
    return [
        tuple(row)
        for row in session().execute(
            select(XapiActivityMap, Module)
            .join(Module, Module.id == XapiActivityMap.module_id)
            .order_by(XapiActivityMap.activity_iri)
        )
    ]


def unmapped_count() -> int:
    """How many activities have statements waiting to be mapped."""
    return session().scalar(
        select(func.count(func.distinct(XapiStatement.object_id))).where(_waiting())
    )


def unmapped_activities(limit: int, offset: int = 0) -> list[UnmappedActivity]:
    """Activities with statements waiting, most recently seen first: their statement
    count, last statement and name (``object.definition.name`` of the latest one)."""
    db = session()
    groups = db.execute(
        select(
            XapiStatement.object_id,
            func.count(XapiStatement.id),
            func.max(XapiStatement.stored),
            func.max(XapiStatement.id),
        )
        .where(_waiting())
        .group_by(XapiStatement.object_id)
        .order_by(func.max(XapiStatement.stored).desc(), XapiStatement.object_id)
        .limit(limit)
        .offset(offset)
    ).all()
    names = _latest_names([row[0] for row in groups])
    return [
        UnmappedActivity(iri, count, last, names.get(iri, ""))
        for iri, count, last, _last_id in groups
    ]


#: Latest statements read per activity to find its name (not every LMS sends one each time).
NAME_LOOKBACK = 10


def _latest_names(iris: list[str]) -> dict[str, str]:
    """Each activity's name from its latest waiting statement that carries one."""
    if not iris:
        return {}
    recent = (
        select(
            XapiStatement.object_id,
            XapiStatement.raw,
            func.row_number()
            .over(partition_by=XapiStatement.object_id, order_by=XapiStatement.id.desc())
            .label("age"),
        )
        .where(XapiStatement.object_id.in_(iris), _waiting())
        .subquery()
    )
    names: dict[str, str] = {}
    for iri, raw in session().execute(
        select(recent.c.object_id, recent.c.raw)
        .where(recent.c.age <= NAME_LOOKBACK)
        .order_by(recent.c.object_id, recent.c.age)
    ):
        if iri not in names and (name := activity_name(raw)):
            names[iri] = name
    return names


def _waiting():
    return (XapiStatement.status == UNMAPPED) & XapiStatement.voided.is_(False)


def activity_name(raw: dict | None) -> str:
    """The activity's name in the viewer's language, else English, else any."""
    names = (((raw or {}).get("object") or {}).get("definition") or {}).get("name")
    if not isinstance(names, dict) or not names:
        return ""
    locale = current_locale()
    for tag in (locale, *(t for t in names if t.split("-")[0] == locale), "en", "en-US"):
        if isinstance(names.get(tag), str):
            return names[tag]
    first = next(iter(names.values()))
    return first if isinstance(first, str) else ""


__all__ = [
    "MappingResult",
    "UnmappedActivity",
    "activity_maps",
    "activity_name",
    "map_activity",
    "unmap_activity",
    "unmapped_activities",
    "unmapped_count",
]
