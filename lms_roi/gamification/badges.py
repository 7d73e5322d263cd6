"""Badges: evaluated after each event, awarded exactly once, revocable, authored by analysts.

:func:`evaluate` counts each active badge's criterion for a batch of learners with one
``GROUP BY`` per distinct criterion and awards what is newly reached. An award is an
insert inside a savepoint guarded by the unique (learner, badge) pair: when two events
race, one insert wins and the other meets the constraint and is dropped, never a 500.
A revoked award stays in place, so a revoked badge is not awarded again by itself.

Services only flush; views and CLI commands commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms_roi import signals
from lms_roi.db import chunked, session, utcnow
from lms_roi.errors import ConflictError, DomainError
from lms_roi.models import Badge, BadgeAward, Learner, Notification
from lms_roi.services.audit import record_audit
from lms_roi.services.authoring_checks import AuthoringInvalid, check_slug
from lms_roi.sql_lists import one_of

from . import badge_awards, badge_images, criteria, history, ledger, periods

NAME_MAX = 200
DESCRIPTION_MAX = 2000
XP_MAX = 1000


def evaluate(learner_ids, at: datetime, *, slow: bool = False, badge_ids=None) -> list[BadgeAward]:
    """Award every active badge the learners have newly earned as of ``at``.

    ``slow`` also evaluates the criteria read from KPI data (``kpi_objective_met``),
    which learning events cannot change: the rebuild and the analysts' "award now"
    evaluate them; ``badge_ids`` limits the evaluation to some badges.
    """
    badges = _active(slow, badge_ids)
    awarded: list[BadgeAward] = []
    if not badges:
        return awarded
    goals = {b.id: criteria.goal(b.criteria) for b in badges}
    for batch in chunked(sorted(set(learner_ids))):
        held = _held(batch, badges)
        counted: dict[str, dict[int, int]] = {}
        for badge in badges:
            if all((learner_id, badge.id) in held for learner_id in batch):
                continue  # nothing left to count
            key = repr(sorted(badge.criteria.items()))
            if key not in counted:
                counted[key] = criteria.counts(badge.criteria, batch, at)
            for learner_id, count in sorted(counted[key].items()):
                if count >= goals[badge.id] and (learner_id, badge.id) not in held:
                    award = award_badge(learner_id, badge, at, evidence=_evidence(badge, count))
                    if award is not None:
                        awarded.append(award)
    return awarded


def evaluate_history(
    learner_ids,
    until: datetime | None = None,
    *,
    slow: bool = False,
    replayed: bool = False,
    returned: bool = True,
) -> list[BadgeAward]:
    """Award every active badge the learners met by ``until`` (now) and do not hold, each
    at the moment of the event that met its criterion (:func:`.history.first_met`).

    History read late (an import, the rebuild) so gets its badges, and their XP, when
    they were earned rather than on the day it is read; the same history gives the
    same awards. Awards are made in time order. ``slow`` as in :func:`evaluate`.
    ``replayed``: the caller replays the ledger afterwards, so badge XP rows are
    written as asked and left to that replay (see :func:`rebuild`). ``returned=False``
    (a batch of history that only needs the awards made) returns an empty list instead
    of loading the new awards.
    """
    until = until or utcnow()
    badges = _active(slow, None)
    if not badges:
        return []
    goals = {b.id: criteria.goal(b.criteria) for b in badges}
    due = []
    for batch in chunked(sorted(set(learner_ids))):
        held = _held(batch, badges)
        read: dict = {}  # history read once for criteria differing only by their min
        for badge in badges:
            if all((learner_id, badge.id) in held for learner_id in batch):
                continue
            met = history.first_met(badge.criteria, batch, goals[badge.id], until, read=read)
            due.extend(
                (moment, badge.id, learner_id)
                for learner_id, moment in met.items()
                if (learner_id, badge.id) not in held
            )
    by_id = {b.id: b for b in badges}
    return badge_awards.award_all(
        [
            (moment, by_id[badge_id], learner_id, _evidence(by_id[badge_id], goals[badge_id]))
            for moment, badge_id, learner_id in sorted(due)
        ],
        replayed=replayed,
        returned=returned,
    )


def _active(slow: bool, badge_ids) -> list[Badge]:
    stmt = select(Badge).where(Badge.active.is_(True)).order_by(Badge.id)
    if badge_ids is not None:
        stmt = stmt.where(Badge.id.in_(list(badge_ids)))
    return [
        b for b in session().scalars(stmt) if slow or b.criteria.get("kind") not in criteria.SLOW
    ]


def _held(learner_ids: list[int], badges: list[Badge]) -> set[tuple[int, int]]:
    """(learner, badge) pairs already awarded (revoked ones included: never again)."""
    return set(
        session().execute(
            select(BadgeAward.learner_id, BadgeAward.badge_id).where(
                one_of(BadgeAward.learner_id, learner_ids),
                BadgeAward.badge_id.in_([b.id for b in badges]),
            )
        )
    )


def _evidence(badge: Badge, count: int) -> dict:
    return {"kind": badge.criteria.get("kind"), "count": count}


def award_badge(
    learner_id: int,
    badge: Badge,
    at: datetime,
    *,
    evidence: dict | None = None,
    replayed: bool = False,
) -> BadgeAward | None:
    """Award ``badge`` once: None when the learner already holds it (or held it).

    Issued at ``at``, with its notification, and its XP at ``at`` too (``replayed``: see
    :func:`evaluate_history`).
    """
    db = session()
    award = BadgeAward(
        uid=str(uuid.uuid4()),
        learner_id=learner_id,
        badge_id=badge.id,
        issued_on=at,
        evidence=evidence or {},
    )
    try:
        with db.begin_nested():
            db.add(award)
            db.flush()
    except IntegrityError:
        return None  # a concurrent event awarded it first
    db.add(
        Notification(
            learner_id=learner_id,
            kind="badge_earned",
            message="",
            payload={"badge": badge.slug},
            created_at=at,
        )
    )
    db.flush()
    signals.badge_earned.send(
        current_app._get_current_object(), learner_id=learner_id, badge=badge, award=award
    )
    _award_xp(learner_id, badge, at, replayed)
    return award


def _award_xp(learner_id: int, badge: Badge, at: datetime, replayed: bool) -> None:
    if not badge.xp:
        return
    try:
        from lms_roi.gamification import engine
    except ImportError:  # the XP engine is optional for badges
        return
    key = f"badge:{badge.id}:{learner_id}"
    if not replayed:
        engine.award(learner_id, badge.xp, "badge", key, at)
        return
    # The row as asked; the replay that follows cuts it to the daily cap in event order
    # and moves totals, levels and their notifications with it.
    zone = session().scalar(select(Learner.timezone).where(Learner.id == learner_id))
    ledger.insert_event(
        dict(
            learner_id=learner_id,
            points=badge.xp,
            reason="badge",
            idempotency_key=key,
            occurred_at=at,
            local_day=periods.local_day(at, zone),
            flagged=False,
            details={},
        )
    )


def revoke(award: BadgeAward, reason: str, actor: Learner | None) -> BadgeAward:
    """Revoke an award with a reason (its assertion then answers "revoked")."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Give the reason for the revocation."), "reason")
    if award.revoked:
        raise ConflictError("already_revoked", _("This badge was already revoked."), "award")
    award.revoked = True
    award.revoked_at = utcnow()
    award.revocation_reason = reason[:DESCRIPTION_MAX]
    session().flush()
    record_audit(
        "badge.revoked",
        actor=actor,
        target_type="badge_award",
        target_id=award.uid,
        details={"reason": award.revocation_reason},
    )
    return award


def rebuild(at: datetime | None = None) -> list[BadgeAward]:
    """Award, from the whole history up to ``at`` (now), every badge met and not held, at
    the moment it was met; existing and revoked awards are kept.

    Called by ``lms-roi gamification rebuild`` once the ledger is replayed. New badge
    XP lands in the past, where it can change what the daily cap leaves to later
    events and when levels were reached: the ledger is then replayed once more (that
    replay calls this function again, which finds nothing new to award), so the
    ledger is what a replay gives and a second rebuild changes nothing.
    """
    ids = session().scalars(select(Learner.id).order_by(Learner.id)).all()
    awarded = evaluate_history(ids, at, slow=True, replayed=True)
    if any(session().get(Badge, award.badge_id).xp for award in awarded):
        from .rebuild import rebuild as replay_ledger

        replay_ledger()
    return awarded


def award_now(badge: Badge, at: datetime | None = None) -> list[BadgeAward]:
    """Award one badge to everyone who already meets it (after it is created or edited)."""
    ids = session().scalars(select(Learner.id).order_by(Learner.id)).all()
    return evaluate(ids, at or utcnow(), slow=True, badge_ids=[badge.id])


# -- what a learner sees ------------------------------------------------------------------


@dataclass
class BadgeStatus:
    """One badge on a learner's page: held (maybe revoked), or its progress."""

    badge: Badge
    award: BadgeAward | None
    count: int
    goal: int

    @property
    def sentence(self) -> str:
        return criteria.sentence(self.badge.criteria)

    @property
    def countable(self) -> bool:
        return self.badge.criteria.get("kind") in (*criteria.COUNTED, "program_completed")


def learner_badges(learner: Learner, at: datetime | None = None) -> list[BadgeStatus]:
    """Held badges (newest first), then active badges still to earn with their progress."""
    at = at or utcnow()
    db = session()
    held = db.execute(
        select(BadgeAward, Badge)
        .join(Badge, Badge.id == BadgeAward.badge_id)
        .where(BadgeAward.learner_id == learner.id)
        .order_by(BadgeAward.issued_on.desc(), Badge.name)
    ).all()
    statuses = [BadgeStatus(badge, award, 0, 0) for award, badge in held]
    held_ids = {badge.id for _, badge in held}
    counted: dict[str, dict[int, int]] = {}
    for badge in db.scalars(select(Badge).where(Badge.active.is_(True)).order_by(Badge.name)):
        if badge.id in held_ids:
            continue
        key = repr(sorted(badge.criteria.items()))
        if key not in counted:
            counted[key] = criteria.counts(badge.criteria, [learner.id], at)
        goal = criteria.goal(badge.criteria)
        count = min(counted[key].get(learner.id, 0), goal)
        statuses.append(BadgeStatus(badge, None, count, goal))
    return statuses


# -- authoring -----------------------------------------------------------------------------


@dataclass
class BadgeDraft:
    """What the analyst typed (criteria as a raw dict, checked by :mod:`.criteria`)."""

    name: str
    description: str
    xp: int | None
    criteria: dict
    active: bool
    image: bytes | None = None  # an upload, checked here
    generated_image: bool = False  # drop the upload, use the generated image


def create_badge(slug: str, draft: BadgeDraft, actor: Learner | None) -> Badge:
    """A new badge (its slug is its public address: it cannot change later)."""
    slug = (slug or "").strip()
    problems = check_slug(slug, Badge)
    if problems:
        raise AuthoringInvalid(problems)
    badge = Badge(slug=slug, image="")
    _apply(badge, draft)
    session().add(badge)
    session().flush()
    record_audit("badge.created", actor=actor, target_type="badge", target_id=slug)
    return badge


def update_badge(badge: Badge, draft: BadgeDraft, actor: Learner | None) -> Badge:
    """Change a badge; awards already issued stay."""
    _apply(badge, draft)
    session().flush()
    record_audit("badge.updated", actor=actor, target_type="badge", target_id=badge.slug)
    return badge


def _apply(badge: Badge, draft: BadgeDraft) -> None:
    problems = []
    name = (draft.name or "").strip()
    if not name:
        problems.append(("name", "name_required", _("Enter a name.")))
    elif len(name) > NAME_MAX:
        problems.append(("name", "name_too_long", _("At most %(max)s characters.", max=NAME_MAX)))
    description = (draft.description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        problems.append(
            ("description", "description_too_long", _("At most %(max)s characters.", max=2000))
        )
    if draft.xp is None or not 0 <= draft.xp <= XP_MAX:
        problems.append(("xp", "xp_invalid", _("Enter XP from 0 to %(max)s.", max=XP_MAX)))
    try:
        checked = criteria.validate(draft.criteria)
    except criteria.CriteriaInvalid as error:
        problems.append((error.field, error.code, error.message))
    png = None
    if draft.image and not draft.generated_image:
        try:
            png = badge_images.checked_image(draft.image)
        except badge_images.ImageRefused as error:
            problems.append((error.field, error.code, error.message))
    if problems:
        raise AuthoringInvalid(problems)
    badge.name, badge.description, badge.xp = name, description, draft.xp
    badge.criteria, badge.active = checked, draft.active
    if png is not None:
        badge.image = badge_images.store_image(badge.slug, png)
    elif draft.generated_image:
        badge.image = ""
