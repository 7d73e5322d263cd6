"""Levels: level 1 from 0 XP; level n-1 -> n costs round(base * growth ** (n - 2))."""

from __future__ import annotations

from dataclasses import dataclass

from .settings import DEFAULT_RULES, Rules


@dataclass(frozen=True)
class Level:
    """Where ``xp`` stands: the level, the XP it started at and the XP of the next one."""

    level: int
    floor_xp: int
    next_xp: int
    xp: int

    @property
    def progress(self) -> float:
        """Share of the way to the next level (0..1)."""
        span = self.next_xp - self.floor_xp
        return (self.xp - self.floor_xp) / span if span else 1.0


def threshold(level: int, rules: Rules = DEFAULT_RULES) -> int:
    """Cumulative XP needed to reach ``level`` (120, 276, 479, 743... with the defaults)."""
    total = 0
    for n in range(2, level + 1):
        total += round(rules.level_base * rules.level_growth ** (n - 2))
    return total


def level_for(xp: int, rules: Rules = DEFAULT_RULES) -> Level:
    """The level reached with ``xp`` all-time XP."""
    level, floor = 1, 0
    while True:
        step = round(rules.level_base * rules.level_growth ** (level - 1))
        if xp < floor + step or step <= 0:
            return Level(level, floor, floor + step, xp)
        level, floor = level + 1, floor + step
