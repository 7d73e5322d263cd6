"""Read-only lists of tutoring pairs for the pairs pages and ``GET /api/v1/tutoring/pairs``.

Each list is one query (aggregates in SQL: sessions per pair, places per tutor), so a
page costs the same with ten pairs or ten thousand.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from lms_roi.db import session
from lms_roi.models import Learner, Program, RoleGrant, Team, TutoringPair, TutoringSession

from .tutoring_pairs import DEFAULT_TUTOR_CAPACITY, holds_place

Tutor = aliased(Learner, name="tutor")
Mentee = aliased(Learner, name="mentee")
Asker = aliased(Learner, name="asker")


def _pair_select():
    sessions = (
        select(
            TutoringSession.pair_id,
            func.count(TutoringSession.id).label("sessions"),
            func.sum(TutoringSession.minutes).label("minutes"),
        )
        .group_by(TutoringSession.pair_id)
        .subquery()
    )
    return (
        select(
            TutoringPair,
            Tutor.external_id.label("tutor_key"),
            Tutor.display_name.label("tutor_name"),
            Mentee.external_id.label("mentee_key"),
            Mentee.display_name.label("mentee_name"),
            Asker.external_id.label("asker_key"),
            Program.slug.label("program_slug"),
            Program.title.label("program_title"),
            func.coalesce(sessions.c.sessions, 0).label("sessions"),
            func.coalesce(sessions.c.minutes, 0).label("minutes"),
        )
        .join(Tutor, Tutor.id == TutoringPair.tutor_id)
        .join(Mentee, Mentee.id == TutoringPair.mentee_id)
        .outerjoin(Asker, Asker.id == TutoringPair.requested_by_id)
        .outerjoin(Program, Program.id == TutoringPair.program_id)
        .outerjoin(sessions, sessions.c.pair_id == TutoringPair.id)
    )


def _filtered(stmt, status, tutor_id, mentee_id, pair_id=None):
    if pair_id is not None:
        stmt = stmt.where(TutoringPair.id == pair_id)
    if status:
        stmt = stmt.where(TutoringPair.status == status)
    if tutor_id is not None:
        stmt = stmt.where(TutoringPair.tutor_id == tutor_id)
    if mentee_id is not None:
        stmt = stmt.where(TutoringPair.mentee_id == mentee_id)
    return stmt


def count_pairs(
    status: str | None = None, tutor_id: int | None = None, mentee_id: int | None = None
) -> int:
    """How many pairs match the filters."""
    stmt = _filtered(select(func.count(TutoringPair.id)), status, tutor_id, mentee_id)
    return session().scalar(stmt)


def pair_rows(
    status: str | None = None,
    tutor_id: int | None = None,
    mentee_id: int | None = None,
    *,
    pair_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
    newest_first: bool = False,
) -> list:
    """Pairs matching the filters with their people, program and sessions logged.

    Each row has the ``TutoringPair`` and ``tutor_key``/``tutor_name``,
    ``mentee_key``/``mentee_name``, ``asker_key``, ``program_slug``/``program_title``,
    ``sessions`` and ``minutes``. Ordered by id (newest first on request).
    """
    order = TutoringPair.id.desc() if newest_first else TutoringPair.id
    stmt = _filtered(_pair_select(), status, tutor_id, mentee_id, pair_id)
    stmt = stmt.order_by(order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return session().execute(stmt).all()


def tutor_loads(today: date) -> list:
    """Every active tutor with their capacity, places taken and pending requests, by name.

    Rows: ``id``, ``display_name``, ``team``, ``stored`` (the profile's capacity or
    None), ``capacity`` (the default when unset), ``taken`` and ``pending``.
    """
    counts = (
        select(
            TutoringPair.tutor_id,
            func.sum(case((holds_place(today), 1), else_=0)).label("taken"),
            func.sum(case((TutoringPair.status == "requested", 1), else_=0)).label("pending"),
        )
        .group_by(TutoringPair.tutor_id)
        .subquery()
    )
    return (
        session()
        .execute(
            select(
                Learner.id,
                Learner.display_name,
                Team.name.label("team"),
                Learner.tutor_capacity.label("stored"),
                func.coalesce(Learner.tutor_capacity, DEFAULT_TUTOR_CAPACITY).label("capacity"),
                func.coalesce(counts.c.taken, 0).label("taken"),
                func.coalesce(counts.c.pending, 0).label("pending"),
            )
            .join(RoleGrant, (RoleGrant.learner_id == Learner.id) & (RoleGrant.role == "tutor"))
            .outerjoin(Team, Team.id == Learner.team_id)
            .outerjoin(counts, counts.c.tutor_id == Learner.id)
            .where(Learner.active.is_(True))
            .order_by(func.lower(Learner.display_name), Learner.id)
        )
        .all()
    )


def people_with_role(role: str) -> list:
    """``(id, display_name)`` of the active people holding ``role``, by name."""
    return (
        session()
        .execute(
            select(Learner.id, Learner.display_name)
            .join(RoleGrant, (RoleGrant.learner_id == Learner.id) & (RoleGrant.role == role))
            .where(Learner.active.is_(True))
            .order_by(func.lower(Learner.display_name), Learner.id)
        )
        .all()
    )


def pending_requests(tutor_id: int) -> list:
    """Requests waiting for ``tutor_id``'s answer, oldest first, with the mentee's team."""
    return (
        session()
        .execute(
            select(
                TutoringPair,
                Mentee.display_name.label("mentee_name"),
                Team.name.label("team"),
                Program.title.label("program_title"),
            )
            .join(Mentee, Mentee.id == TutoringPair.mentee_id)
            .outerjoin(Team, Team.id == Mentee.team_id)
            .outerjoin(Program, Program.id == TutoringPair.program_id)
            .where(TutoringPair.tutor_id == tutor_id, TutoringPair.status == "requested")
            .order_by(TutoringPair.created_at, TutoringPair.id)
        )
        .all()
    )


def tutor_pairs_holding_places(tutor_id: int, today: date) -> list:
    """``tutor_id``'s pairs taking a place today (the ones they may end), by mentee name."""
    return (
        session()
        .execute(
            select(
                TutoringPair,
                Mentee.display_name.label("mentee_name"),
                Program.title.label("program_title"),
            )
            .join(Mentee, Mentee.id == TutoringPair.mentee_id)
            .outerjoin(Program, Program.id == TutoringPair.program_id)
            .where(TutoringPair.tutor_id == tutor_id, holds_place(today))
            .order_by(func.lower(Mentee.display_name), TutoringPair.id)
        )
        .all()
    )


def requests_of(learner_id: int) -> list:
    """``learner_id``'s own requests still pending or declined, newest first."""
    return (
        session()
        .execute(
            select(
                TutoringPair,
                Tutor.display_name.label("tutor_name"),
                Program.title.label("program_title"),
            )
            .join(Tutor, Tutor.id == TutoringPair.tutor_id)
            .outerjoin(Program, Program.id == TutoringPair.program_id)
            .where(
                TutoringPair.mentee_id == learner_id,
                TutoringPair.requested_by_id == learner_id,
                TutoringPair.status.in_(("requested", "declined")),
            )
            .order_by(TutoringPair.created_at.desc(), TutoringPair.id.desc())
        )
        .all()
    )
