"""Tutoring pairs: analysts pair tutors with mentees, learners ask, tutors accept or decline.

Rules (DESIGN §4, §8):

* A pair is ``active`` exactly while its status is ``active``; the tutor's access to
  the mentee's learning data hangs on it (``mentees.active_pair_filter``), so ending
  a pair switches that access off at once, whatever its last day says.
* A tutor follows at most ``Learner.tutor_capacity`` mentees at a time (unset:
  :data:`DEFAULT_TUTOR_CAPACITY`). A *place* is taken by each pair whose status is
  ``active`` and whose last day is not past (a pair starting later already holds its
  place); requests and declined or ended pairs take none.
* One row per (tutor, mentee, program): pairing or asking again after a decline or an
  end reuses that row (the unique constraint; SQL's NULL program would not enforce it).

Concurrency: a change that can take a place (creating a pair, accepting a request)
first locks the tutor's ``Learner`` row with a no-op ``UPDATE`` and only then counts
the places taken. PostgreSQL holds that row lock until commit, so two requests for one
tutor run one after the other, and the second (READ COMMITTED: each statement sees
what was committed before it started) counts the first one's pair; SQLite takes its
database write lock, held to the end of the transaction. Services only flush; the
calling view or command commits.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, or_, select, update

from lms_roi.db import session, utcnow
from lms_roi.errors import ConflictError, DomainError
from lms_roi.models import Learner, Program, TutoringPair
from lms_roi.services.audit import record_audit
from lms_roi.services.mentees import organisation_today

#: Mentees a tutor follows at once when no capacity is set on their profile (the demo's
#: tutors follow up to six).
DEFAULT_TUTOR_CAPACITY = 6
#: The largest capacity an analyst may set.
MAX_TUTOR_CAPACITY = 100
#: Longest request note and reason kept.
MAX_TEXT = 2000
ANALYST_ROLES = frozenset({"analyst", "admin"})
_LEARNERS = Learner.__table__


class PairNotFound(DomainError):
    """No such pair, or not one the actor may act on (the same answer: no probing)."""

    status = 404


class NotAllowed(DomainError):
    status = 403


def capacity_of(stored: int | None) -> int:
    """A tutor's capacity: the stored one, else :data:`DEFAULT_TUTOR_CAPACITY`."""
    return DEFAULT_TUTOR_CAPACITY if stored is None else stored


def holds_place(today: date):
    """Pairs taking one of their tutor's places on ``today``."""
    return and_(
        TutoringPair.status == "active",
        or_(TutoringPair.ends_on.is_(None), TutoringPair.ends_on >= today),
    )


def places_taken(tutor_ids, today: date) -> dict[int, int]:
    """Places taken per tutor on ``today`` (tutors with none are absent)."""
    return dict(
        session()
        .execute(
            select(TutoringPair.tutor_id, func.count(TutoringPair.id))
            .where(TutoringPair.tutor_id.in_(list(tutor_ids)), holds_place(today))
            .group_by(TutoringPair.tutor_id)
        )
        .all()
    )


def create_pair(
    actor: Learner,
    *,
    tutor_id: int,
    mentee_id: int,
    program_id: int | None = None,
    goals: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    today: date | None = None,
) -> TutoringPair:
    """An analyst pairs ``tutor_id`` with ``mentee_id`` (active from ``starts_on``, default today).

    Refused: not an analyst (``not_allowed``), not a tutor (``not_a_tutor``), an unknown or
    deactivated mentee (``mentee_not_found``), oneself (``self_pair``), an unknown program
    (``program_not_found``), a last day before the first (``dates_ordered``), a pair that is
    already active (``pair_exists``) and a tutor without a free place (``tutor_full``). An
    earlier request, decline or end of the same tutor, mentee and program is reused.
    """
    today = today or organisation_today()
    capacity = _lock_tutor(tutor_id)  # first: see the module docstring
    _require_analyst(actor)
    tutor = _tutor(tutor_id)
    mentee = _mentee(mentee_id, tutor)
    _check_program(program_id)
    starts_on = starts_on or today
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(
            "dates_ordered", _("The last day cannot come before the first day."), "ends_on"
        )
    pair = _existing(tutor_id, mentee_id, program_id)
    if pair is not None and pair.status == "active":
        raise ConflictError(
            "pair_exists",
            _(
                "%(tutor)s already tutors %(mentee)s in this pair; end it first to change it.",
                tutor=tutor.display_name,
                mentee=mentee.display_name,
            ),
            "tutor",
        )
    _check_room(tutor, capacity, today, pair)
    if pair is None:
        pair = TutoringPair(tutor_id=tutor_id, mentee_id=mentee_id, program_id=program_id)
        session().add(pair)
    if pair.status != "requested":
        pair.request_note = ""
        pair.requested_by_id = actor.id
    _activate(pair, starts_on, ends_on)
    pair.goals = (goals or "").strip()[:MAX_TEXT]
    session().flush()
    _audit("tutoring.pair_created", actor, pair)
    return pair


def end_pair(actor: Learner, pair_id: int, reason: str, today: date | None = None) -> TutoringPair:
    """An analyst, or the pair's tutor, ends an active pair; the tutor's access ends at once.

    The pair's last day becomes today when it was open-ended or later (never before its
    first day). ``reason`` is required (``reason_required``); only an active pair ends
    (``not_active``).
    """
    today = today or organisation_today()
    pair = session().get(TutoringPair, pair_id)
    if pair is None or not (actor.roles & ANALYST_ROLES or pair.tutor_id == actor.id):
        raise _pair_not_found()
    if pair.status != "active":
        raise ConflictError(
            "not_active", _("This pair is not active: there is nothing to end."), None
        )
    pair.reason = _required_reason(reason)
    pair.status, pair.active, pair.ended_at = "ended", False, utcnow()
    if pair.ends_on is None or pair.ends_on > today:
        pair.ends_on = max(today, pair.starts_on)
    session().flush()
    _audit("tutoring.pair_ended", actor, pair)
    return pair


def request_tutor(
    learner: Learner,
    tutor_id: int,
    *,
    program_id: int | None = None,
    note: str = "",
    today: date | None = None,
) -> TutoringPair:
    """``learner`` asks ``tutor_id`` to tutor them (within ``program_id`` if given).

    Refused for someone who is not a tutor, oneself, an unknown program, a tutor already
    tutoring them or already asked (``already_paired``, ``already_requested``) and a tutor
    without a free place (``tutor_full``; accepting checks again, under the lock).
    """
    today = today or organisation_today()
    tutor = _tutor(tutor_id)
    if tutor.id == learner.id:
        raise DomainError("self_pair", _("You cannot be your own tutor."), "tutor")
    _check_program(program_id)
    pair = _existing(tutor.id, learner.id, program_id)
    if pair is not None and pair.status == "active":
        raise ConflictError(
            "already_paired",
            _("%(tutor)s already tutors you here.", tutor=tutor.display_name),
            "tutor",
        )
    if pair is not None and pair.status == "requested":
        raise ConflictError(
            "already_requested",
            _("You already asked %(tutor)s: wait for their answer.", tutor=tutor.display_name),
            "tutor",
        )
    _check_room(tutor, tutor.tutor_capacity, today, pair)
    if pair is None:
        pair = TutoringPair(tutor_id=tutor.id, mentee_id=learner.id, program_id=program_id)
        session().add(pair)
    pair.status, pair.active = "requested", False
    pair.starts_on, pair.ends_on = today, None
    pair.requested_by_id = learner.id
    pair.request_note = (note or "").strip()[:MAX_TEXT]
    pair.goals, pair.reason = "", ""
    pair.decided_at = pair.ended_at = None
    session().flush()
    return pair


def accept_request(tutor: Learner, pair_id: int, today: date | None = None) -> TutoringPair:
    """The tutor of a pending request accepts it: the pair is active from today.

    Refused without a free place (``tutor_full``) and for a request already answered
    (``not_pending``); someone else's request is not found.
    """
    today = today or organisation_today()
    capacity = _lock_tutor(tutor.id)
    pair = _request_of(tutor, pair_id)
    _mentee(pair.mentee_id, tutor)
    _check_room(tutor, capacity, today, pair)
    _activate(pair, today, None)
    session().flush()
    _audit("tutoring.request_accepted", tutor, pair)
    return pair


def decline_request(tutor: Learner, pair_id: int, reason: str) -> TutoringPair:
    """The tutor of a pending request declines it, saying why (``reason_required``)."""
    pair = _request_of(tutor, pair_id)
    pair.reason = _required_reason(reason)
    pair.status, pair.active, pair.decided_at = "declined", False, utcnow()
    session().flush()
    return pair


def set_tutor_capacity(actor: Learner, tutor_id: int, capacity: int | None) -> Learner:
    """An analyst sets how many mentees a tutor follows at once (None: the default).

    A capacity below the places already taken keeps those pairs and admits no new one.
    """
    _require_analyst(actor)
    tutor = _tutor(tutor_id)
    if capacity is not None and not 0 <= capacity <= MAX_TUTOR_CAPACITY:
        raise DomainError(
            "invalid_capacity",
            _("Give a capacity from 0 to %(max)d, or leave it empty.", max=MAX_TUTOR_CAPACITY),
            "capacity",
        )
    tutor.tutor_capacity = capacity
    session().flush()
    return tutor


# --- checks ------------------------------------------------------------------------------


def _lock_tutor(tutor_id: int) -> int | None:
    """Lock the tutor's row for this transaction; return their stored capacity."""
    locked = (
        session()
        .execute(
            update(_LEARNERS)
            .where(_LEARNERS.c.id == tutor_id)
            .values(tutor_capacity=_LEARNERS.c.tutor_capacity)
            .returning(_LEARNERS.c.tutor_capacity)
        )
        .first()
    )
    if locked is None:
        raise _not_a_tutor()
    return locked[0]


def _check_room(tutor: Learner, capacity: int | None, today: date, pair: TutoringPair | None):
    """Refuse (``tutor_full``) when every place of ``tutor`` is taken by other pairs."""
    capacity = capacity_of(capacity)
    others = select(func.count(TutoringPair.id)).where(
        TutoringPair.tutor_id == tutor.id, holds_place(today)
    )
    if pair is not None and pair.id is not None:
        others = others.where(TutoringPair.id != pair.id)
    if session().scalar(others) >= capacity:
        raise ConflictError(
            "tutor_full",
            ngettext(
                "%(tutor)s has no free place: their capacity is %(num)d mentee at a time.",
                "%(tutor)s has no free place: their capacity is %(num)d mentees at a time.",
                capacity,
                tutor=tutor.display_name,
            ),
            "tutor",
        )


def _require_analyst(actor: Learner) -> None:
    if not actor.roles & ANALYST_ROLES:
        raise NotAllowed("not_allowed", _("Only an analyst can do this."), None)


def _not_a_tutor() -> DomainError:
    return DomainError("not_a_tutor", _("Choose an active person with the tutor role."), "tutor")


def _tutor(tutor_id: int) -> Learner:
    tutor = session().get(Learner, tutor_id)
    if tutor is None or not tutor.active or "tutor" not in tutor.roles:
        raise _not_a_tutor()
    return tutor


def _mentee(mentee_id: int, tutor: Learner) -> Learner:
    mentee = session().get(Learner, mentee_id)
    if mentee is None or not mentee.active:
        raise DomainError("mentee_not_found", _("Choose an active mentee."), "mentee")
    if mentee.id == tutor.id:
        raise DomainError("self_pair", _("A tutor cannot be their own mentee."), "mentee")
    return mentee


def _check_program(program_id: int | None) -> None:
    if program_id is not None and session().get(Program, program_id) is None:
        raise DomainError("program_not_found", _("Choose a program from the list."), "program")


def _existing(tutor_id: int, mentee_id: int, program_id: int | None) -> TutoringPair | None:
    same_program = (
        TutoringPair.program_id.is_(None)
        if program_id is None
        else TutoringPair.program_id == program_id
    )
    return session().scalar(
        select(TutoringPair)
        .where(TutoringPair.tutor_id == tutor_id, TutoringPair.mentee_id == mentee_id, same_program)
        .execution_options(populate_existing=True)
    )


def _request_of(tutor: Learner, pair_id: int) -> TutoringPair:
    pair = session().get(TutoringPair, pair_id, populate_existing=True)
    if pair is None or pair.tutor_id != tutor.id or "tutor" not in tutor.roles:
        raise _pair_not_found()
    if pair.status != "requested":
        raise ConflictError("not_pending", _("This request has already been answered."), None)
    return pair


def _pair_not_found() -> DomainError:
    return PairNotFound("pair_not_found", _("There is no such tutoring pair."), "pair")


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Say why, in a few words."), "reason")
    return reason[:MAX_TEXT]


def _activate(pair: TutoringPair, starts_on: date, ends_on: date | None) -> None:
    pair.status, pair.active = "active", True
    pair.starts_on, pair.ends_on = starts_on, ends_on
    pair.decided_at, pair.ended_at, pair.reason = utcnow(), None, ""


def _audit(action: str, actor: Learner, pair: TutoringPair) -> None:
    """Who opened or closed a tutor's access to a mentee's data, and when."""
    record_audit(
        action,
        actor=actor,
        target_type="tutoring_pair",
        target_id=str(pair.id),
        details={"tutor_id": pair.tutor_id, "mentee_id": pair.mentee_id, "reason": pair.reason},
    )
