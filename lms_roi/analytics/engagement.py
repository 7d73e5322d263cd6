"""Engagement by team for HR: aggregates only, small cells suppressed (DESIGN §8).

:func:`team_engagement` runs one SQL ``GROUP BY team`` over a per-learner
``GROUP BY`` of completions and returns one row per team; :func:`suppress_small_cells`
is a pure function of that frame which turns it into the cells HR may read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from flask import current_app
from sqlalchemy import and_, case, exists, func, select

from lms_roi.models import Completion, Learner, RoleGrant, Team

from .loader import frame

#: Every aggregate cell HR reads covers at least this many learners.
MIN_LEARNERS = 5
#: Periods HR can pick, in days (the first is the default).
PERIODS = (30, 90, 365)

#: Columns of the raw frame :func:`suppress_small_cells` expects.
RAW_COLUMNS = (
    "team",
    "learners",
    "engaged",
    "completions_period",
    "completions_all",
    "modules_period",
    "score_sum",
    "scored_completions",
    "scored_learners",
)


@dataclass(frozen=True)
class Cell:
    """One figure of the engagement table.

    ``hidden`` is ``None`` when ``value`` may be shown, ``"small"`` when the
    cell covers fewer than :data:`MIN_LEARNERS` learners, ``"complement"``
    when it is a total that would let one recover a small cell by subtraction.
    ``value`` is ``None`` when hidden or when there is nothing to average.
    """

    value: float | None
    hidden: str | None = None


@dataclass(frozen=True)
class EngagementRow:
    """The figures of one team (``team`` is ``None`` for learners without a team)."""

    team: str | None
    active_learners: Cell
    engaged_learners: Cell
    engaged_share: Cell
    completions_period: Cell
    completions_all: Cell
    modules_per_learner: Cell
    average_score: Cell
    team_id: int | None = None

    @property
    def suppressed(self) -> bool:
        """Whether any cell of the row is hidden."""
        return any(cell.hidden for cell in self.cells())

    def cells(self) -> tuple[Cell, ...]:
        return (
            self.active_learners,
            self.engaged_learners,
            self.engaged_share,
            self.completions_period,
            self.completions_all,
            self.modules_per_learner,
            self.average_score,
        )


@dataclass(frozen=True)
class EngagementTable:
    """Team rows, the organisation total and whether anything was suppressed."""

    rows: list[EngagementRow]
    total: EngagementRow
    min_learners: int

    @property
    def suppressed(self) -> bool:
        return any(row.suppressed for row in [*self.rows, self.total])


def period_bounds(days: int, today: date, timezone: str) -> tuple[datetime, datetime]:
    """The last ``days`` calendar days up to and including ``today``, as UTC moments.

    Days are those of the organisation's time zone: the window starts at local
    midnight ``days - 1`` days before ``today`` and ends at tomorrow's midnight.
    """
    zone = ZoneInfo(timezone)
    start = datetime.combine(today - timedelta(days=days - 1), time(), zone)
    end = datetime.combine(today + timedelta(days=1), time(), zone)
    return start, end


def team_engagement(days: int, today: date) -> pd.DataFrame:
    """Raw engagement per team over the last ``days`` days (columns :data:`RAW_COLUMNS`).

    The population is the active people holding the ``learner`` role; each
    team row counts them (``learners``), those with a completion in the period
    (``engaged``), their completions in the period and in all, the distinct
    modules each completed in the period summed over the team, and the scores
    of the period's scored completions (sum, count, and learners having one).
    """
    timezone = current_app.config.get("LMS_ROI_TIMEZONE", "UTC")
    start, end = period_bounds(days, today, timezone)
    in_period = and_(Completion.completed_at >= start, Completion.completed_at < end)
    # The other periods HR can pick end today too: the span between two of them is
    # what one would recover by subtracting their figures, so it is counted here.
    spans = {}
    for other in PERIODS:
        if other != days:
            other_start, _ = period_bounds(other, today, timezone)
            low, high = sorted((start, other_start))
            spans[other] = and_(Completion.completed_at >= low, Completion.completed_at < high)
    span_columns = []
    for other, in_span in spans.items():
        span_columns += [
            func.sum(case((in_span, 1), else_=0)).label(f"span_{other}"),
            func.count(case((in_span, Completion.score))).label(f"span_{other}_scored"),
        ]
    per_learner = (
        select(
            Completion.learner_id,
            func.count(Completion.id).label("all_n"),
            func.sum(case((in_period, 1), else_=0)).label("period_n"),
            func.count(func.distinct(case((in_period, Completion.module_id)))).label("modules"),
            func.sum(case((in_period, Completion.score))).label("score_sum"),
            func.count(case((in_period, Completion.score))).label("scored"),
            *span_columns,
        )
        .group_by(Completion.learner_id)
        .subquery()
    )
    span_counts = []
    for other in spans:
        span_counts += [
            func.sum(case((per_learner.c[f"span_{other}"] > 0, 1), else_=0)).label(f"span_{other}"),
            func.sum(case((per_learner.c[f"span_{other}_scored"] > 0, 1), else_=0)).label(
                f"span_{other}_scored"
            ),
        ]
    is_learner = exists().where(RoleGrant.learner_id == Learner.id, RoleGrant.role == "learner")
    stmt = (
        select(
            Team.name.label("team"),
            Learner.team_id,
            func.count(Learner.id).label("learners"),
            func.sum(case((per_learner.c.period_n > 0, 1), else_=0)).label("engaged"),
            func.coalesce(func.sum(per_learner.c.period_n), 0).label("completions_period"),
            func.coalesce(func.sum(per_learner.c.all_n), 0).label("completions_all"),
            func.coalesce(func.sum(per_learner.c.modules), 0).label("modules_period"),
            func.coalesce(func.sum(per_learner.c.score_sum), 0.0).label("score_sum"),
            func.coalesce(func.sum(per_learner.c.scored), 0).label("scored_completions"),
            func.sum(case((per_learner.c.scored > 0, 1), else_=0)).label("scored_learners"),
            *span_counts,
        )
        .select_from(Learner)
        .outerjoin(Team, Team.id == Learner.team_id)
        .outerjoin(per_learner, per_learner.c.learner_id == Learner.id)
        .where(Learner.active.is_(True), is_learner)
        .group_by(Learner.team_id, Team.name)
    )
    raw = frame(stmt)
    raw["team_id"] = raw["team_id"].astype("Int64")
    counts = [c for c in raw.columns if c not in ("team", "team_id", "score_sum")]
    raw[counts] = raw[counts].fillna(0).astype(int)
    raw["score_sum"] = raw["score_sum"].astype(float)
    learners = [f"span_{other}" for other in spans]
    scored = [f"span_{other}_scored" for other in spans]
    raw["span_small"] = _few(raw[learners]).any(axis=1) if learners else False
    raw["span_score_small"] = _few(raw[scored]).any(axis=1) if scored else False
    return raw.drop(columns=learners + scored)


def _few(counts: pd.DataFrame, min_learners: int = MIN_LEARNERS) -> pd.DataFrame:
    """Where 1 to ``min_learners - 1`` learners are counted."""
    return (counts > 0) & (counts < min_learners)


def suppress_small_cells(raw: pd.DataFrame, min_learners: int = MIN_LEARNERS) -> EngagementTable:
    """The engagement table HR may read, built from a :func:`team_engagement` frame.

    Suppression rule:

    * A team row's count cells (active learners, learners with a completion and
      their share, completions, modules per learner) describe all its active
      learners: when the team has fewer than ``min_learners``, every cell of
      the row is hidden (``"small"``).
    * The average score describes the learners with a scored completion in the
      period: it is hidden when 1 to ``min_learners - 1`` of them exist (none
      means nothing to show), and always in a small team's row.
    * Complementary suppression of the organisation total, column group by
      column group (counts; average score): the total minus the visible team
      cells equals the hidden cells taken together. The total is shown only
      when no cell of the group is hidden, or when the hidden cells together
      cover at least ``min_learners`` learners — which needs two hidden teams
      or more, so no single hidden team can ever be recovered by subtraction.
      Otherwise the total cell is hidden (``"complement"``).
    """
    missing = set(RAW_COLUMNS) - set(raw.columns)
    if missing:
        raise ValueError(f"engagement frame lacks columns {sorted(missing)}")
    raw = raw.assign(
        span_small=raw.get("span_small", False), span_score_small=raw.get("span_score_small", False)
    )
    small_team = raw["learners"] < min_learners
    few_engaged = (raw["engaged"] > 0) & (raw["engaged"] < min_learners)
    small_activity = small_team | few_engaged | raw["span_small"].astype(bool)
    scored = raw["scored_learners"]
    small_score = (
        small_activity
        | ((scored > 0) & (scored < min_learners))
        | raw["span_score_small"].astype(bool)
    )
    rows = [
        _row(
            record,
            counts_hidden="small" if team_small else None,
            activity_hidden="small" if activity_small else None,
            score_hidden="small" if score_small else None,
        )
        for record, team_small, activity_small, score_small in zip(
            raw.to_dict("records"), small_team, small_activity, small_score, strict=True
        )
    ]
    rows.sort(key=lambda row: (row.team is None, (row.team or "").casefold()))
    totals = {column: raw[column].sum() for column in RAW_COLUMNS if column != "team"}
    counts_hidden = _complement(totals["learners"], raw["learners"][small_team].sum(), min_learners)
    # Activity hidden for a few engaged learners or a small span: the total would give
    # them away unless what is hidden spans at least min_learners engaged learners and
    # no span had to be hidden.
    hidden_activity = small_activity & ~small_team
    activity_hidden = counts_hidden or (
        "complement"
        if hidden_activity.any()
        and (
            raw["span_small"].astype(bool).any()
            or raw["engaged"][hidden_activity].sum() < min_learners
        )
        else None
    )
    total = _row(
        {**totals, "team": None},
        counts_hidden=counts_hidden,
        activity_hidden=activity_hidden,
        # A small team's hidden average stands for all its learners, scored or not.
        score_hidden=activity_hidden
        or (
            "complement"
            if raw["span_score_small"].astype(bool).any()
            else _complement(
                totals["scored_learners"],
                raw["learners"][small_team].sum() + scored[small_score & ~small_team].sum(),
                min_learners,
            )
        ),
    )
    return EngagementTable(rows=rows, total=total, min_learners=min_learners)


def _complement(coverage: int, hidden_coverage: int, min_learners: int) -> str | None:
    """Why an organisation total must be hidden, if it must (see :func:`suppress_small_cells`)."""
    if 0 < coverage < min_learners:
        return "small"
    if 0 < hidden_coverage < min_learners:
        return "complement"
    return None


def _row(
    record: dict,
    *,
    counts_hidden: str | None,
    activity_hidden: str | None,
    score_hidden: str | None,
) -> EngagementRow:
    """The cells of one row, hiding the team's counts, its period's activity, its score."""
    learners = int(record["learners"])

    def count(value) -> Cell:
        return Cell(None, counts_hidden) if counts_hidden else Cell(value)

    def activity(value) -> Cell:
        hidden = counts_hidden or activity_hidden
        return Cell(None, hidden) if hidden else Cell(value)

    def per_learner(value) -> Cell:
        return activity(value / learners if learners else None)

    scored = int(record["scored_completions"])
    average = float(record["score_sum"]) / scored if scored else None
    return EngagementRow(
        # pandas reads a missing team name as NaN; the page wants None ("No team").
        team=None if pd.isna(record["team"]) else str(record["team"]),
        team_id=None if pd.isna(record.get("team_id")) else int(record["team_id"]),
        active_learners=count(learners),
        engaged_learners=activity(int(record["engaged"])),
        engaged_share=per_learner(int(record["engaged"])),
        completions_period=activity(int(record["completions_period"])),
        completions_all=count(int(record["completions_all"])),
        modules_per_learner=per_learner(int(record["modules_period"])),
        average_score=Cell(None, score_hidden) if score_hidden else Cell(average),
    )
