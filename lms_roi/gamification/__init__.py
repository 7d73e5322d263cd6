"""Gamification: XP ledger and maintained totals, levels, streaks, badges, leaderboards.

The rules are DESIGN §6, with every number configurable (:mod:`.settings`).
"""
