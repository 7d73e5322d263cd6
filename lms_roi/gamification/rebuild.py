"""``lms-roi gamification rebuild``: the ledger, totals, streaks and level notifications
replayed from the learning history, through the same rules, in event order.

Deterministic: the same history gives the same rows under the same idempotency keys.
The rebuild computes what the tables should hold and changes only what differs, so
running it twice changes nothing and ``--dry-run`` can say exactly what would change.
History is not guarded (it carries its own timestamps), but a row the live guard
flagged stays flagged. Rows whose source keeps no history (earlier review answers,
badge and challenge XP) are replayed as they are. Only flushes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, select, text, update

from lms_roi.db import IN_CHUNK, chunked, session
from lms_roi.models import LearnerTotals, Notification, XpEvent

from . import board_index, ledger, planner, streaks
from .history import history_actions
from .settings import rules

#: Reasons rebuilt from their sources (completions, attempts, sessions, the rules).
FROM_SOURCES = (
    "module_completed",
    "module_repeat",
    "quiz_attempt",
    "quiz_passed",
    "tutoring_session",
    planner.STREAK_BONUS,
)
COMPARED = ("learner_id", "points", "reason", "occurred_at", "local_day", "flagged")
EVENTS = XpEvent.__table__
TOTALS = LearnerTotals.__table__


@dataclass
class RebuildReport:
    """What a rebuild changed (or, in a dry run, would change)."""

    dry_run: bool
    rows_added: Counter = field(default_factory=Counter)
    rows_removed: Counter = field(default_factory=Counter)
    xp_added: Counter = field(default_factory=Counter)
    xp_removed: Counter = field(default_factory=Counter)
    learners: set[int] = field(default_factory=set)
    xp_before: int = 0
    xp_after: int = 0
    totals_changed: int = 0
    streaks_changed: int = 0
    notifications_added: int = 0
    notifications_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.rows_added
            or self.rows_removed
            or self.totals_changed
            or self.streaks_changed
            or self.notifications_added
            or self.notifications_removed
        )

    def lines(self) -> list[str]:
        verb = "would change" if self.dry_run else "changed"
        head = "dry run, nothing written. " if self.dry_run else ""
        if not self.changed:
            return [f"{head}XP is up to date: nothing {verb} ({self.xp_after:,} XP in the ledger)."]
        out = [
            f"{head}{len(self.learners):,} learners {verb}; ledger XP {self.xp_before:,} -> "
            f"{self.xp_after:,}"
        ]
        for reason in sorted(set(self.rows_added) | set(self.rows_removed)):
            out.append(
                f"  {reason:<17} +{self.rows_added[reason]:,} / -{self.rows_removed[reason]:,} rows"
                f"  (+{self.xp_added[reason]:,} / -{self.xp_removed[reason]:,} XP)"
            )
        out.append(
            f"  totals rows {self.totals_changed:,}, streaks {self.streaks_changed:,}, "
            f"level notifications +{self.notifications_added:,} / -{self.notifications_removed:,}"
        )
        return out


def rebuild(*, dry_run: bool = False) -> RebuildReport:
    """Replay the whole learning history into ledger, totals, streaks and level-ups.

    Then, when the badges helper provides ``badges.rebuild()``, badges are rebuilt
    too (not in a dry run). Returns the :class:`RebuildReport`. Only flushes.
    """
    db = session()
    if not dry_run:
        _lock_out_awards()
    report = RebuildReport(dry_run)
    rule = rules()
    existing = {row["idempotency_key"]: row for row in db.execute(select(EVENTS)).mappings()}
    kept = [row for row in existing.values() if row["reason"] not in FROM_SOURCES]
    flagged = {key for key, row in existing.items() if row["flagged"]}
    plan = planner.plan(history_actions(rule, kept, flagged), {}, set(), rule)
    desired = {row["idempotency_key"]: row for row in plan.rows}
    removed = [
        old for key, old in existing.items() if key not in desired or not _same(old, desired[key])
    ]
    added = [
        new for key, new in desired.items() if key not in existing or not _same(existing[key], new)
    ]
    for row in removed:
        report.rows_removed[row["reason"]] += 1
        report.xp_removed[row["reason"]] += row["points"]
        report.learners.add(row["learner_id"])
    for row in added:
        report.rows_added[row["reason"]] += 1
        report.xp_added[row["reason"]] += row["points"]
        report.learners.add(row["learner_id"])
    report.xp_before = sum(row["points"] for row in existing.values())
    report.xp_after = sum(row["points"] for row in desired.values())
    if not dry_run:
        for part in chunked([row["id"] for row in removed], IN_CHUNK):
            db.execute(delete(EVENTS).where(EVENTS.c.id.in_(part)))
        for part in chunked(added, ledger.INSERT_CHUNK):
            db.execute(insert(EVENTS), part)
    _rebuild_totals(plan.rows, report, dry_run)
    _rebuild_streaks(plan.rows, report, dry_run)
    _rebuild_level_ups(plan.level_ups, report, dry_run)
    if not dry_run and _rebuild_badges():
        # Badge XP is awarded through the live path: count it in what the ledger holds.
        report.xp_after = db.scalar(select(func.coalesce(func.sum(EVENTS.c.points), 0)))
    db.flush()
    return report


def _lock_out_awards() -> None:
    """Hold live awards back until the rebuild commits: they would be planned on a ledger
    the rebuild is replacing. PostgreSQL: reads go on, writes to the ledger and totals
    wait. SQLite: the first write takes the database's single write lock anyway."""
    db = session()
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text(f"LOCK TABLE {EVENTS.name}, {TOTALS.name} IN EXCLUSIVE MODE"))


def _same(old, new) -> bool:
    return all(old[name] == new[name] for name in COMPARED)


def _rebuild_totals(rows: list[dict], report: RebuildReport, dry_run: bool) -> None:
    wanted = {
        group: (points, latest or first)
        for group, (points, latest, first) in ledger.totals_delta(rows).items()
    }
    stored = {
        (row.learner_id, row.period_kind, row.period_key): row
        for row in session().execute(
            select(
                TOTALS.c.id,
                TOTALS.c.learner_id,
                TOTALS.c.period_kind,
                TOTALS.c.period_key,
                TOTALS.c.xp,
                TOTALS.c.reached_at,
            )
        )
    }
    gone = [row.id for group, row in stored.items() if group not in wanted]
    changed = [
        dict(tid=stored[group].id, new_xp=xp, new_at=at)
        for group, (xp, at) in wanted.items()
        if group in stored and (stored[group].xp, stored[group].reached_at) != (xp, at)
    ]
    fresh = [g for g in wanted if g not in stored]
    listed = board_index.listed_of(g[0] for g in fresh) if fresh and not dry_run else {}
    new = [
        dict(
            learner_id=g[0],
            period_kind=g[1],
            period_key=g[2],
            xp=wanted[g][0],
            reached_at=wanted[g][1],
            listed=listed.get(g[0], False),
        )
        for g in fresh
    ]
    report.totals_changed = len(gone) + len(changed) + len(new)
    report.learners.update(row.learner_id for group, row in stored.items() if group not in wanted)
    report.learners.update(row["learner_id"] for row in new)
    report.learners.update(
        stored[g].learner_id
        for g, v in wanted.items()
        if g in stored and (stored[g].xp, stored[g].reached_at) != v
    )
    if dry_run:
        return
    db = session()
    for part in chunked(gone, IN_CHUNK):
        db.execute(delete(TOTALS).where(TOTALS.c.id.in_(part)))
    if changed:
        db.execute(
            update(TOTALS)
            .where(TOTALS.c.id == bindparam("tid"))
            .values(xp=bindparam("new_xp"), reached_at=bindparam("new_at")),
            changed,
        )
    for part in chunked(new, ledger.INSERT_CHUNK):
        db.execute(insert(TOTALS), part)
    # Totals were rewritten wholesale: recount the board scores from them.
    board_index.refresh()


def _rebuild_streaks(rows: list[dict], report: RebuildReport, dry_run: bool) -> None:
    days: dict[int, set] = {}
    for row in rows:
        if row["reason"] in planner.LEARNING_REASONS and not row["flagged"]:
            days.setdefault(row["learner_id"], set()).add(row["local_day"])
    wanted = {learner_id: streaks.from_days(active) for learner_id, active in days.items()}
    stored = streaks.existing()
    gone = [row_id for learner_id, (row_id, _s) in stored.items() if learner_id not in wanted]
    moved = [
        learner_id
        for learner_id, state in wanted.items()
        if learner_id not in stored or stored[learner_id][1] != state
    ]
    report.streaks_changed = len(gone) + len(moved)
    report.learners.update(moved)
    report.learners.update(learner_id for learner_id in stored if learner_id not in wanted)
    if dry_run:
        return
    for part in chunked(gone, IN_CHUNK):
        session().execute(delete(streaks.STREAKS).where(streaks.STREAKS.c.id.in_(part)))
    streaks.write({learner_id: wanted[learner_id] for learner_id in moved}, stored)


def _rebuild_level_ups(level_ups, report: RebuildReport, dry_run: bool) -> None:
    wanted: dict[tuple[int, int], datetime] = {}
    for level_up in level_ups:
        wanted.setdefault((level_up.learner_id, level_up.level), level_up.at)
    kept: set[tuple[int, int]] = set()
    gone = []
    rows = session().execute(
        select(Notification.id, Notification.learner_id, Notification.payload)
        .where(Notification.kind == "level_up")
        .order_by(Notification.id)
    )
    for row_id, learner_id, payload in rows:
        pair = (learner_id, (payload or {}).get("level"))
        if pair in wanted and pair not in kept:
            kept.add(pair)  # kept as it is: its read state survives the rebuild
        else:
            gone.append(row_id)
    new = [planner.LevelUp(*pair, at) for pair, at in wanted.items() if pair not in kept]
    report.notifications_added, report.notifications_removed = len(new), len(gone)
    if dry_run:
        return
    for part in chunked(gone, IN_CHUNK):
        session().execute(delete(Notification).where(Notification.id.in_(part)))
    ledger.insert_level_ups(new)


def _rebuild_badges() -> bool:
    """``badges.rebuild()`` when the badges helper provides it; whether it ran."""
    try:
        from . import badges
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}.badges":
            raise
        return False
    if not hasattr(badges, "rebuild"):
        return False
    badges.rebuild()
    return True
