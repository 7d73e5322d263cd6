"""A tutor's active mentees and how their learning is going (read only).

Four aggregate queries, whatever the number of mentees: the active pairs, the
mentees' completions (``GROUP BY mentee``), the progress on each pair's program
(``GROUP BY mentee, program``) and the sessions logged (``GROUP BY mentee``).
The rows are plain dataclasses so the tutor page and the REST API can share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, or_, select

from lms_roi.db import session
from lms_roi.models import (
    Completion,
    Learner,
    Program,
    ProgramModule,
    Team,
    TutoringPair,
    TutoringSession,
)


@dataclass(frozen=True)
class PathProgress:
    """How far a mentee is along the program of one of their pairs."""

    program: str
    done: int
    total: int


@dataclass
class MenteeRow:
    """One active mentee of a tutor, with their learning and tutoring figures.

    A tutor may follow the same mentee in several programs (one pair each):
    the mentee still gets one row, with one ``paths`` entry per program,
    every distinct goal, the earliest start and the sessions of all those pairs.
    """

    mentee_id: int
    name: str
    team: str | None
    since: date
    goals: list[str] = field(default_factory=list)
    paths: list[PathProgress] = field(default_factory=list)
    modules_completed: int = 0
    last_activity: date | None = None
    average_score: float | None = None
    sessions: int = 0
    minutes: int = 0
    last_session: date | None = None


def organisation_today() -> date:
    """Today's date in the organisation's time zone (``LMS_ROI_TIMEZONE``)."""
    zone = ZoneInfo(current_app.config.get("LMS_ROI_TIMEZONE", "UTC"))
    return datetime.now(zone).date()


def active_pair_filter(tutor_id: int, today: date):
    """Pairs of ``tutor_id`` switched on whose window covers ``today``, with an active mentee."""
    return and_(
        TutoringPair.tutor_id == tutor_id,
        TutoringPair.active.is_(True),
        TutoringPair.starts_on <= today,
        or_(TutoringPair.ends_on.is_(None), TutoringPair.ends_on >= today),
        Learner.active.is_(True),
    )


def active_mentees(tutor_id: int, today: date) -> list[MenteeRow]:
    """The active mentees of ``tutor_id`` on ``today``, sorted by name.

    A pair counts when it is switched on, has started on or before ``today`` and
    has not ended before ``today``; pairs that ended or have not started yet,
    and deactivated mentees, never appear. Modules completed counts distinct
    modules; the last activity is the mentee's latest completion (a calendar
    date in the organisation's time zone); the average score covers their
    scored completions.
    """
    db = session()
    active = active_pair_filter(tutor_id, today)
    pairs = db.execute(
        select(
            TutoringPair.mentee_id,
            Learner.display_name,
            Team.name.label("team"),
            TutoringPair.starts_on,
            TutoringPair.goals,
        )
        .join(Learner, Learner.id == TutoringPair.mentee_id)
        .outerjoin(Team, Team.id == Learner.team_id)
        .where(active)
        .order_by(TutoringPair.starts_on, TutoringPair.id)
    ).all()
    rows: dict[int, MenteeRow] = {}
    for pair in pairs:
        row = rows.setdefault(
            pair.mentee_id, MenteeRow(pair.mentee_id, pair.display_name, pair.team, pair.starts_on)
        )
        row.since = min(row.since, pair.starts_on)
        goal = (pair.goals or "").strip()
        if goal and goal not in row.goals:
            row.goals.append(goal)
    if not rows:
        return []
    _add_completions(rows)
    _add_paths(rows, active)
    _add_sessions(rows, active)
    return sorted(rows.values(), key=lambda row: (row.name.casefold(), row.mentee_id))


def _add_completions(rows: dict[int, MenteeRow]) -> None:
    zone = ZoneInfo(current_app.config.get("LMS_ROI_TIMEZONE", "UTC"))
    stats = session().execute(
        select(
            Completion.learner_id,
            func.count(func.distinct(Completion.module_id)).label("modules"),
            func.max(Completion.completed_at).label("last"),
            func.avg(Completion.score).label("score"),
        )
        .where(Completion.learner_id.in_(list(rows)))
        .group_by(Completion.learner_id)
    )
    for learner_id, modules, last, score in stats:
        row = rows[learner_id]
        row.modules_completed = modules
        row.last_activity = last.astimezone(zone).date() if last is not None else None
        row.average_score = float(score) if score is not None else None


def _add_paths(rows: dict[int, MenteeRow], active) -> None:
    # The completion join is on the program's own modules, so repeats and
    # modules outside the path never inflate "done".
    done = func.count(func.distinct(Completion.module_id))
    paths = session().execute(
        select(
            TutoringPair.mentee_id,
            Program.title,
            func.count(func.distinct(ProgramModule.module_id)).label("total"),
            done.label("done"),
        )
        .join(Learner, Learner.id == TutoringPair.mentee_id)
        .join(Program, Program.id == TutoringPair.program_id)
        .outerjoin(ProgramModule, ProgramModule.program_id == Program.id)
        .outerjoin(
            Completion,
            and_(
                Completion.learner_id == TutoringPair.mentee_id,
                Completion.module_id == ProgramModule.module_id,
            ),
        )
        .where(active)
        .group_by(TutoringPair.mentee_id, Program.id, Program.title)
        .order_by(Program.title)
    )
    for mentee_id, title, total, n_done in paths:
        rows[mentee_id].paths.append(PathProgress(title, n_done, total))


def _add_sessions(rows: dict[int, MenteeRow], active) -> None:
    stats = session().execute(
        select(
            TutoringPair.mentee_id,
            func.count(TutoringSession.id),
            func.sum(TutoringSession.minutes),
            func.max(TutoringSession.held_on),
        )
        .join(Learner, Learner.id == TutoringPair.mentee_id)
        .join(TutoringSession, TutoringSession.pair_id == TutoringPair.id)
        .where(active)
        .group_by(TutoringPair.mentee_id)
    )
    for mentee_id, count, minutes, last in stats:
        row = rows[mentee_id]
        row.sessions = count
        row.minutes = int(minutes or 0)
        row.last_session = last
