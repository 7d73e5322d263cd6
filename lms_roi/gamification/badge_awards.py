"""Many badge awards at once (history read in bulk: imports, xAPI batches, the rebuild).

The same outcome as :func:`.badges.award_badge` called for each award in time order —
one award per learner and badge, its ``badge_earned`` notification, the signal, and the
badge's XP at the moment it was met — with a few statements per batch instead of a
savepoint and a flush per award. When a concurrent transaction awarded one of the
badges meanwhile (the unique learner + badge pair), the batch is redone one award at
a time, which drops exactly the awards lost to the race. Only flushes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms_roi import signals
from lms_roi.db import chunked, session
from lms_roi.models import Badge, BadgeAward, Learner, Notification
from lms_roi.sql_lists import insert_many, one_of

from . import ledger, periods

AWARDS = BadgeAward.__table__
NOTIFICATIONS = Notification.__table__
INSERT_CHUNK = 5000


def award_all(
    due: Sequence[tuple[datetime, Badge, int, dict]],
    *,
    replayed: bool = False,
    returned: bool = True,
) -> list[BadgeAward]:
    """Award each ``(moment, badge, learner_id, evidence)`` of ``due`` (in time order,
    none held yet as far as the caller read); returns the awards made, in that order
    (``returned=False``: an empty list, the awards are not loaded back).

    ``replayed`` as in :func:`.badges.evaluate_history`: badge XP rows are written as
    asked and left to the replay that follows.
    """
    if not due:
        return []
    db = session()
    rows = [
        dict(
            uid=str(uuid.uuid4()),
            learner_id=learner_id,
            badge_id=badge.id,
            issued_on=moment,
            evidence=evidence,
            revoked=False,
            revoked_at=None,
            revocation_reason="",
        )
        for moment, badge, learner_id, evidence in due
    ]
    try:
        with db.begin_nested():
            for part in chunked(rows, INSERT_CHUNK):
                insert_many(db, AWARDS, part)
    except IntegrityError:
        # A concurrent event awarded one of them first: one at a time drops just those.
        from .badges import award_badge

        made = [
            award_badge(learner_id, badge, moment, evidence=evidence, replayed=replayed)
            for moment, badge, learner_id, evidence in due
        ]
        return [award for award in made if award is not None] if returned else []
    notes = [
        dict(
            learner_id=learner_id,
            kind="badge_earned",
            message="",
            payload={"badge": badge.slug},
            created_at=moment,
            read_at=None,
        )
        for moment, badge, learner_id, _evidence in due
    ]
    for part in chunked(notes, INSERT_CHUNK):
        insert_many(db, NOTIFICATIONS, part)
    listened = bool(signals.badge_earned.receivers)
    awards = _loaded([row["uid"] for row in rows]) if returned or listened else []
    if listened:
        app = current_app._get_current_object()
        for award, (_moment, badge, learner_id, _evidence) in zip(awards, due, strict=True):
            signals.badge_earned.send(app, learner_id=learner_id, badge=badge, award=award)
    _award_xp([item for item in due if item[1].xp], replayed)
    return awards if returned else []


def _loaded(uids: list[str]) -> list[BadgeAward]:
    """The new awards as session objects, in the order of ``uids`` (one query a chunk)."""
    found: dict[str, BadgeAward] = {}
    for part in chunked(uids):
        found.update(
            (award.uid, award)
            for award in session().scalars(select(BadgeAward).where(one_of(BadgeAward.uid, part)))
        )
    return [found[uid] for uid in uids]


def _award_xp(due: list[tuple[datetime, Badge, int, dict]], replayed: bool) -> None:
    """Each badge's XP at the moment it was met, in time order (see module docstring)."""
    if not due:
        return
    keys = [f"badge:{badge.id}:{learner_id}" for _moment, badge, learner_id, _e in due]
    if not replayed:
        from . import engine

        engine.award_many(
            [
                (learner_id, badge.xp, "badge", key, moment)
                for (moment, badge, learner_id, _e), key in zip(due, keys, strict=True)
            ]
        )
        return
    # The rows as asked; the replay that follows cuts them to the daily cap in event
    # order and moves totals, levels and their notifications with them.
    zones = dict(
        session()
        .execute(
            select(Learner.id, Learner.timezone).where(
                Learner.id.in_(sorted({learner_id for _m, _b, learner_id, _e in due}))
            )
        )
        .all()
    )
    ledger.insert_rows(
        [
            dict(
                learner_id=learner_id,
                points=badge.xp,
                reason="badge",
                idempotency_key=key,
                occurred_at=moment,
                local_day=periods.local_day(moment, zones.get(learner_id)),
                flagged=False,
                details={},
            )
            for (moment, badge, learner_id, _e), key in zip(due, keys, strict=True)
        ]
    )
