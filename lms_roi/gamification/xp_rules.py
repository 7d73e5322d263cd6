"""The XP of one learning action (DESIGN §6) and its idempotency key.

Pure functions shared by the live hooks, the import batch and the history rebuild.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from . import periods
from .settings import Rules


def instant(moment: datetime) -> str:
    """A moment as written in keys: UTC, to the microsecond (what the database keeps)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def completion_key(learner_id: int, module_id: int, completed_at: datetime) -> str:
    """Key of a completion: its natural unique key (learner, module, moment), so a batch
    of imported completions needs no id lookup."""
    return f"completion:{learner_id}:{module_id}:{instant(completed_at)}"


def attempt_key(attempt_id: int) -> str:
    return f"attempt:{attempt_id}"


def review_key(item_id: int, reviewed_at: datetime) -> str:
    return f"review:{item_id}:{instant(reviewed_at)}"


def tutoring_key(session_id: int, learner_id: int) -> str:
    return f"tutoring:{session_id}:{learner_id}"


def completion_xp(first: bool, duration_minutes: int, rule: Rules) -> tuple[int, str]:
    """Points and reason of a completion: the first of the module earns
    ``min(10 + duration, 60)``, a repeat 0."""
    if not first:
        return 0, "module_repeat"
    return min(rule.module_base + (duration_minutes or 0), rule.module_max), "module_completed"


def attempt_xp(first_pass: bool, attempt_no: int, score_pct: float | None, rule: Rules):
    """Points and reason of a submitted attempt: the first passing one earns 20, +10 on the
    first try, +10 at 100 %; any other attempt 0."""
    if not first_pass:
        return 0, "quiz_attempt"
    points = rule.quiz_pass
    if attempt_no == 1:
        points += rule.quiz_first_try
    if score_pct is not None and score_pct >= 100 - 1e-9:
        points += rule.quiz_perfect
    return points, "quiz_passed"


def session_moment(held_on: date, zone_name: str | None) -> datetime:
    """A tutoring session has a date only: it counts at noon of that day where the learner is."""
    return datetime.combine(held_on, time(12), tzinfo=periods.zone(zone_name)).astimezone(UTC)
