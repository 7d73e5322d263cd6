"""The XP rules that depend on what came before: streak bonus, daily cap, levels.

A pure pass over learning actions in event order, shared by the live award, the
batch of an import and the history rebuild, so the three apply exactly the same rules.
It knows each learner's state (XP per local day, active days, all-time XP) and turns
each action into ledger rows: a streak bonus first when due, then the action with the
points it actually earns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .levels import level_for
from .settings import Rules

#: Reasons of learning actions: they make a day active (streaks, active learners).
LEARNING_REASONS = (
    "module_completed",
    "module_repeat",
    "quiz_attempt",
    "quiz_passed",
    "review",
    "tutoring_session",
)
STREAK_BONUS = "streak_bonus"


def streak_key(learner_id: int, day: date) -> str:
    """Idempotency key of the streak bonus of ``learner_id`` on local day ``day``."""
    return f"streak:{learner_id}:{day.isoformat()}"


@dataclass(slots=True)
class Action:
    """Something that may earn XP: ``points`` is what the rules ask before cap and guard."""

    learner_id: int
    points: int
    reason: str
    key: str
    occurred_at: datetime
    local_day: date
    details: dict = field(default_factory=dict)
    flagged: bool = False

    @property
    def learning(self) -> bool:
        """Whether the action makes its day active (streaks, streak bonus): a learning
        action the anti-gaming guard refused does not."""
        return self.reason in LEARNING_REASONS and not self.flagged


@dataclass
class LearnerState:
    """What the rules need to know about a learner's ledger so far."""

    xp: int = 0
    day_totals: dict[date, int] = field(default_factory=dict)
    active_days: set[date] = field(default_factory=set)
    #: Days whose streak bonus is already in the ledger.
    bonus_days: set[date] = field(default_factory=set)
    #: All-time XP at which the next level starts (None: not computed yet).
    next_level_xp: int | None = None


@dataclass(frozen=True)
class LevelUp:
    """``learner_id`` reached ``level`` at ``at`` (one per level crossed)."""

    learner_id: int
    level: int
    at: datetime


@dataclass
class Plan:
    """Ledger rows to write (dicts of :class:`~lms_roi.models.XpEvent` columns)."""

    rows: list[dict] = field(default_factory=list)
    level_ups: list[LevelUp] = field(default_factory=list)


def plan(
    actions: Iterable[Action],
    states: dict[int, LearnerState],
    used_keys: set[str],
    rules: Rules,
) -> Plan:
    """Ledger rows for ``actions`` (in event order); ``states`` and ``used_keys`` move on.

    An action whose key is in ``used_keys`` is skipped (already in the ledger). The
    first learning action of a local day that follows an active day first earns the
    streak bonus (its own row). Every row is cut to what fits under the daily cap; a
    flagged action earns 0 and makes no day active. Rows are written even with 0 points.
    """
    result = Plan()
    for action in actions:
        if action.key in used_keys:
            continue
        state = states.setdefault(action.learner_id, LearnerState())
        day = action.local_day
        if action.learning and day not in state.active_days:
            state.active_days.add(day)
            due = day - timedelta(days=1) in state.active_days and day not in state.bonus_days
            bonus_key = streak_key(action.learner_id, day) if due else ""
            if due and bonus_key not in used_keys:
                bonus = Action(
                    action.learner_id,
                    rules.streak_bonus,
                    STREAK_BONUS,
                    bonus_key,
                    action.occurred_at,
                    day,
                )
                state.bonus_days.add(day)
                _give(bonus, state, used_keys, rules, result)
        _give(action, state, used_keys, rules, result)
    return result


def _give(action: Action, state: LearnerState, used_keys: set, rules: Rules, out: Plan) -> None:
    used_keys.add(action.key)
    asked = 0 if action.flagged else max(action.points, 0)
    spent = state.day_totals.get(action.local_day, 0)
    given = min(asked, max(rules.daily_cap - spent, 0))
    details = action.details
    if given < asked:
        # Kept so a rebuild replays what was asked, not what the cap left.
        details = {**details, "capped_from": asked}
    out.rows.append(
        dict(
            learner_id=action.learner_id,
            points=given,
            reason=action.reason,
            idempotency_key=action.key,
            occurred_at=action.occurred_at,
            local_day=action.local_day,
            flagged=action.flagged,
            details=details,
        )
    )
    if not given:
        return
    state.day_totals[action.local_day] = spent + given
    if state.next_level_xp is None:
        state.next_level_xp = level_for(state.xp, rules).next_xp
    state.xp += given
    if state.xp >= state.next_level_xp:
        before = level_for(state.xp - given, rules).level
        reached = level_for(state.xp, rules)
        state.next_level_xp = reached.next_xp
        out.level_ups.extend(
            LevelUp(action.learner_id, level, action.occurred_at)
            for level in range(before + 1, reached.level + 1)
        )
