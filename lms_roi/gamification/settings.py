"""The gamification rules in force: DESIGN §6 defaults, overridden by the admin's settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from sqlalchemy import select

from lms_roi.db import session
from lms_roi.models import Setting

SETTING_KEY = "gamification.rules"


@dataclass(frozen=True)
class Rules:
    """Every number of the XP, level, streak and guard rules (DESIGN §6 defaults)."""

    #: First completion of a module: min(module_base + duration minutes, module_max).
    module_base: int = 10
    module_max: int = 60
    #: First passing attempt of a quiz, + first try, + perfect score.
    quiz_pass: int = 20
    quiz_first_try: int = 10
    quiz_perfect: int = 10
    #: A tutoring session, to the tutor and to the mentee.
    tutoring_session: int = 15
    #: First learning action of a day following an active day.
    streak_bonus: int = 5
    #: At most this much XP per learner per day, all sources together.
    daily_cap: int = 500
    #: Level n-1 -> n costs round(level_base * level_growth ** (n - 2)).
    level_base: int = 120
    level_growth: float = 1.3
    #: Live actions faster than this earn no XP and are flagged.
    guard_seconds_per_question: float = 2.0
    guard_duration_share: float = 0.5

    def as_dict(self) -> dict:
        return asdict(self)


DEFAULT_RULES = Rules()


def rules() -> Rules:
    """The rules in force (one query; the admin's values over the defaults)."""
    stored = session().scalar(select(Setting.value).where(Setting.key == SETTING_KEY)) or {}
    values = {}
    for field in fields(Rules):
        value = stored.get(field.name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            # Each rule keeps its default's type (int XP, float ratios).
            values[field.name] = type(getattr(DEFAULT_RULES, field.name))(value)
    return replace(DEFAULT_RULES, **values)


def save_rules(new: Rules) -> None:
    """Store the rules (only flushes)."""
    db = session()
    row = db.scalar(select(Setting).where(Setting.key == SETTING_KEY))
    if row is None:
        row = Setting(key=SETTING_KEY, value={})
        db.add(row)
    row.value = new.as_dict()
    db.flush()
