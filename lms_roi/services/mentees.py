"""A tutor's active mentees and how their learning is going (read only).

A fixed number of aggregate queries, whatever the number of mentees: the active
pairs, then one ``GROUP BY`` each for completions, path progress and this tutor's
sessions, then the other learning figures (:mod:`lms_roi.services.mentee_figures`)
and the at-risk alerts (:mod:`lms_roi.services.tutoring_alerts`). The rows are
plain dataclasses so the tutor pages and the REST API share them.

DESIGN §8: tutors see their active mentees' *learning* data only, so no KPI value of a
mentee is read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, or_, select

from lms_roi.db import session, utcnow
from lms_roi.gamification.periods import local_day
from lms_roi.models import (
    Completion,
    Enrollment,
    Learner,
    Program,
    ProgramModule,
    Team,
    TutoringPair,
    TutoringSession,
)

from .mentee_figures import add_learning_figures


@dataclass(frozen=True)
class PathProgress:
    """How far a mentee is along the program of one of their pairs, and the schedule.

    ``start`` and ``due`` bound the mentee's schedule on the path (see
    :func:`lms_roi.services.tutoring_alerts.expected_done`); ``expected`` is how many
    modules should be completed by the mentee's today (None without a due date).
    """

    program: str
    done: int
    total: int
    slug: str = ""
    start: date | None = None
    due: date | None = None
    expected: int | None = None
    enrollment: str | None = None


@dataclass
class MenteeRow:
    """One active mentee of a tutor, with their learning and tutoring figures.

    A tutor may follow the same mentee in several programs (one pair each):
    the mentee still gets one row, with one ``paths`` entry per program,
    every distinct goal, the earliest start and the sessions of all those pairs.
    Dates are calendar days where the mentee is (``today`` is the mentee's today).
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
    external_id: str = ""
    email: str | None = None
    zone: str | None = None
    today: date | None = None
    joined_on: date | None = None
    pair_ids: list[int] = field(default_factory=list)
    quizzes_attempted: int = 0
    quizzes_passed: int = 0
    streak: int = 0
    reviews_due: int = 0
    follow_ups_answered: int = 0
    follow_ups_applied: int = 0
    follow_ups_not_applied: int = 0
    alerts: list = field(default_factory=list)

    @property
    def urgency(self) -> int | None:
        """The urgency of the mentee's most urgent alert (1 is the most urgent)."""
        return min((alert.urgency for alert in self.alerts), default=None)

    def saw(self, moment: datetime | date | None) -> None:
        """Count a learning action at ``moment`` (a date, or a time read in the mentee's zone)."""
        if moment is None:
            return
        day = local_day(moment, self.zone) if isinstance(moment, datetime) else moment
        if self.last_activity is None or day > self.last_activity:
            self.last_activity = day


def organisation_today() -> date:
    """Today's date in the organisation's time zone (``LMS_ROI_TIMEZONE``)."""
    zone = ZoneInfo(current_app.config.get("LMS_ROI_TIMEZONE", "UTC"))
    return datetime.now(zone).date()


def active_pair_filter(tutor_id: int, today: date):
    """Pairs of ``tutor_id`` switched on whose window covers ``today``, with an active mentee."""
    return and_(
        TutoringPair.tutor_id == tutor_id,
        TutoringPair.active.is_(True),
        TutoringPair.status == "active",
        TutoringPair.starts_on <= today,
        or_(TutoringPair.ends_on.is_(None), TutoringPair.ends_on >= today),
        Learner.active.is_(True),
    )


def active_pairs_with(tutor_id: int, mentee_id: int, today: date) -> list[TutoringPair]:
    """The tutor's pairs with this mentee active on ``today`` (empty: no access)."""
    return list(
        session().scalars(
            select(TutoringPair)
            .join(Learner, Learner.id == TutoringPair.mentee_id)
            .where(active_pair_filter(tutor_id, today), TutoringPair.mentee_id == mentee_id)
            .order_by(TutoringPair.starts_on, TutoringPair.id)
        )
    )


def active_mentees(
    tutor_id: int, today: date, *, now: datetime | None = None, mentee_id: int | None = None
) -> list[MenteeRow]:
    """The active mentees of ``tutor_id`` on ``today``: at-risk ones first, then by name.

    At-risk mentees come in the order of their most urgent alert (the order of
    :func:`lms_roi.services.tutoring_alerts.all_alerts`).

    A pair counts when it is switched on, has started on or before ``today`` and
    has not ended before ``today``; pairs that ended or have not started yet,
    and deactivated mentees, never appear. Modules completed counts distinct
    modules; the average score covers scored completions. The last activity is the
    mentee's latest learning action (DESIGN §6: a completion, a submitted quiz
    attempt, a review answered or a tutoring session, in any pair). ``mentee_id``
    keeps one mentee (their page).
    """
    now = now or utcnow()
    db = session()
    active = active_pair_filter(tutor_id, today)
    if mentee_id is not None:
        active = and_(active, TutoringPair.mentee_id == mentee_id)
    pairs = db.execute(
        select(
            TutoringPair.id,
            TutoringPair.mentee_id,
            Learner.display_name,
            Learner.external_id,
            Learner.email,
            Learner.timezone,
            Learner.created_at,
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
        row = rows.get(pair.mentee_id)
        if row is None:
            row = rows[pair.mentee_id] = MenteeRow(
                pair.mentee_id,
                pair.display_name,
                pair.team,
                pair.starts_on,
                external_id=pair.external_id,
                email=pair.email,
                zone=pair.timezone,
                today=local_day(now, pair.timezone),
                joined_on=local_day(pair.created_at, pair.timezone),
            )
        row.pair_ids.append(pair.id)
        row.since = min(row.since, pair.starts_on)
        goal = (pair.goals or "").strip()
        if goal and goal not in row.goals:
            row.goals.append(goal)
    if not rows:
        return []
    _add_completions(rows)
    _add_paths(rows, active)
    _add_sessions(rows, active)
    add_learning_figures(rows, now)
    from .tutoring_alerts import attach_alerts

    attach_alerts(list(rows.values()), today)
    # In the order of their most urgent alert (as the alert list), then the others by name.
    return sorted(
        rows.values(),
        key=lambda row: (
            row.urgency or 99,
            -row.alerts[0].weight if row.alerts else 0,
            row.name.casefold(),
            row.mentee_id,
        ),
    )


def _add_completions(rows: dict[int, MenteeRow]) -> None:
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
        row.saw(last)
        row.average_score = float(score) if score is not None else None


def _add_paths(rows: dict[int, MenteeRow], active) -> None:
    from .tutoring_alerts import expected_done

    # The completion join is on the program's own modules, so repeats and
    # modules outside the path never inflate "done".
    done = func.count(func.distinct(Completion.module_id))
    paths = session().execute(
        select(
            TutoringPair.mentee_id,
            Program.slug,
            Program.title,
            Program.starts_on.label("program_start"),
            Program.ends_on.label("program_end"),
            TutoringPair.starts_on.label("pair_start"),
            TutoringPair.ends_on.label("pair_end"),
            Enrollment.enrolled_at,
            Enrollment.status,
            func.count(func.distinct(ProgramModule.module_id)).label("total"),
            done.label("done"),
        )
        .join(Learner, Learner.id == TutoringPair.mentee_id)
        .join(Program, Program.id == TutoringPair.program_id)
        .outerjoin(
            Enrollment,
            and_(
                Enrollment.learner_id == TutoringPair.mentee_id,
                Enrollment.program_id == Program.id,
            ),
        )
        .outerjoin(ProgramModule, ProgramModule.program_id == Program.id)
        .outerjoin(
            Completion,
            and_(
                Completion.learner_id == TutoringPair.mentee_id,
                Completion.module_id == ProgramModule.module_id,
            ),
        )
        .where(active)
        .group_by(
            TutoringPair.mentee_id,
            Program.id,
            Program.slug,
            Program.title,
            Program.starts_on,
            Program.ends_on,
            TutoringPair.starts_on,
            TutoringPair.ends_on,
            Enrollment.enrolled_at,
            Enrollment.status,
        )
        .order_by(Program.title)
    )
    for path in paths:
        row = rows[path.mentee_id]
        # The schedule runs from the enrolment (else the pair's start), never before the
        # program opens, to the program's end (else the pair's end).
        start = local_day(path.enrolled_at, row.zone) if path.enrolled_at else path.pair_start
        if path.program_start is not None:
            start = max(start, path.program_start)
        due = path.program_end or path.pair_end
        expected = expected_done(path.total, start, due, row.today) if due else None
        row.paths.append(
            PathProgress(
                path.title, path.done, path.total, path.slug, start, due, expected, path.status
            )
        )


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
