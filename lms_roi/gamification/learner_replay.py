"""The rebuild for a few learners: their ledger, totals, streaks and level notifications
replayed from their history, so they hold exactly what ``lms-roi gamification rebuild``
would give them.

Used when history is taken away (an xAPI statement voided: its completion or attempt
removed) or arrives in a shape the batch hooks do not plan (xAPI attempts): the XP rules
are per learner (daily cap, streak bonus, first completion, levels), so replaying only
the learners concerned is exact. Like the rebuild, it changes only what differs, keeps
flagged rows flagged and replays badge, challenge and earlier review XP as it is.
Totals are written with core SQL, so the board index is told through
:func:`.board_index.note_before`. Only flushes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update

from lms_roi.db import IN_CHUNK, chunked, session, utcnow
from lms_roi.models import LearnerTotals, Notification, XpEvent

from . import board_index, ledger, planner, streaks
from .history import history_actions
from .rebuild import COMPARED, FROM_SOURCES
from .settings import rules

EVENTS = XpEvent.__table__
TOTALS = LearnerTotals.__table__


def replay_learners(learner_ids: Iterable[int]) -> int:
    """Make the ledger and what derives from it agree with the learners' history.

    Returns how many ledger rows were removed or added. Chunked by learner.
    """
    changed = 0
    for part in chunked(sorted(set(learner_ids)), IN_CHUNK):
        changed += _replay(part)
    return changed


def _replay(ids: list[int]) -> int:
    db = session()
    for learner_id in ids:
        # Serialise with live awards of these learners (row lock / SQLite write lock).
        ledger.lock_learner(learner_id, utcnow())
    rule = rules()
    existing = {
        row["idempotency_key"]: row
        for row in db.execute(select(EVENTS).where(EVENTS.c.learner_id.in_(ids))).mappings()
    }
    kept = [row for row in existing.values() if row["reason"] not in FROM_SOURCES]
    flagged = {key for key, row in existing.items() if row["flagged"]}
    plan = planner.plan(history_actions(rule, kept, flagged, ids), {}, set(), rule)
    desired = {row["idempotency_key"]: row for row in plan.rows}
    removed = [
        old["id"]
        for key, old in existing.items()
        if key not in desired or not _same(old, desired[key])
    ]
    added = [
        new for key, new in desired.items() if key not in existing or not _same(existing[key], new)
    ]
    for part in chunked(removed, IN_CHUNK):
        db.execute(delete(EVENTS).where(EVENTS.c.id.in_(part)))
    for part in chunked(added, ledger.INSERT_CHUNK):
        db.execute(insert(EVENTS), part)
    _totals(ids, plan.rows)
    _streaks(ids, plan.rows)
    _level_ups(ids, plan.level_ups)
    db.flush()
    return len(removed) + len(added)


def _same(old, new) -> bool:
    return all(old[name] == new[name] for name in COMPARED)


def _totals(ids: list[int], rows: list[dict]) -> None:
    """Totals rows of ``ids`` set to the replayed ledger's sums (as the rebuild sets them)."""
    wanted = {
        group: (points, latest or first)
        for group, (points, latest, first) in ledger.totals_delta(rows).items()
    }
    db = session()
    stored = {
        (row.learner_id, row.period_kind, row.period_key): row
        for row in db.execute(
            select(
                TOTALS.c.id,
                TOTALS.c.learner_id,
                TOTALS.c.period_kind,
                TOTALS.c.period_key,
                TOTALS.c.xp,
                TOTALS.c.reached_at,
                TOTALS.c.listed,
            )
            .where(TOTALS.c.learner_id.in_(ids))
            .with_for_update()
        )
    }
    gone = [group for group in stored if group not in wanted]
    changed = [
        group
        for group, value in wanted.items()
        if group in stored and (stored[group].xp, stored[group].reached_at) != value
    ]
    fresh = [group for group in wanted if group not in stored]
    # The board counts move at commit from these "before" states (see board_index).
    board_index.note_before(
        {group: (stored[group].xp, bool(stored[group].listed)) for group in (*gone, *changed)}
        | {group: None for group in fresh}
    )
    for part in chunked([stored[group].id for group in gone], IN_CHUNK):
        db.execute(delete(TOTALS).where(TOTALS.c.id.in_(part)))
    if changed:
        db.execute(
            update(TOTALS)
            .where(TOTALS.c.id == bindparam("tid"))
            .values(xp=bindparam("new_xp"), reached_at=bindparam("new_at")),
            [
                dict(tid=stored[group].id, new_xp=wanted[group][0], new_at=wanted[group][1])
                for group in changed
            ],
        )
    listed = board_index.listed_of(group[0] for group in fresh)
    new = [
        dict(
            learner_id=group[0],
            period_kind=group[1],
            period_key=group[2],
            xp=wanted[group][0],
            reached_at=wanted[group][1],
            listed=listed.get(group[0], False),
        )
        for group in fresh
    ]
    for part in chunked(new, ledger.INSERT_CHUNK):
        db.execute(insert(TOTALS), part)


def _streaks(ids: list[int], rows: list[dict]) -> None:
    days: dict[int, set] = {learner_id: set() for learner_id in ids}
    for row in rows:
        if row["reason"] in planner.LEARNING_REASONS and not row["flagged"]:
            days[row["learner_id"]].add(row["local_day"])
    stored = streaks.existing(ids)
    gone = [stored[lid][0] for lid, active in days.items() if not active and lid in stored]
    for part in chunked(gone, IN_CHUNK):
        session().execute(delete(streaks.STREAKS).where(streaks.STREAKS.c.id.in_(part)))
    streaks.write(
        {lid: streaks.from_days(active) for lid, active in days.items() if active}, stored
    )


def _level_ups(ids: list[int], level_ups) -> None:
    wanted: dict[tuple[int, int], datetime] = {}
    for level_up in level_ups:
        wanted.setdefault((level_up.learner_id, level_up.level), level_up.at)
    kept: set[tuple[int, int]] = set()
    gone = []
    rows = session().execute(
        select(Notification.id, Notification.learner_id, Notification.payload)
        .where(Notification.kind == "level_up", Notification.learner_id.in_(ids))
        .order_by(Notification.id)
    )
    for row_id, learner_id, payload in rows:
        pair = (learner_id, (payload or {}).get("level"))
        if pair in wanted and pair not in kept:
            kept.add(pair)  # its read state survives the replay
        else:
            gone.append(row_id)
    for part in chunked(gone, IN_CHUNK):
        session().execute(delete(Notification).where(Notification.id.in_(part)))
    ledger.insert_level_ups(
        planner.LevelUp(*pair, at) for pair, at in wanted.items() if pair not in kept
    )


__all__ = ["replay_learners"]
