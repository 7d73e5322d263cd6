"""At-risk alerts on a tutor's active mentees, the most urgent first (issue 9).

Five kinds, in this order of urgency (``urgency`` 1 to 5):

1. ``inactive`` — no learning action (DESIGN §6: a completion, a submitted quiz
   attempt, a review answered or a tutoring session) in the mentee's last 7 local
   days, i.e. today and the 6 days before, on the mentee's own calendar. The days
   counted run from the day of the last action, else from the day the mentee
   joined: 7 days fire, 6 do not.
2. ``failed_quiz_twice`` — two submitted, failed attempts of the same quiz with no
   passing attempt after them (a pass clears it). Pre-tests are left out: they are
   taken before the lesson, failing them is expected.
3. ``behind_schedule`` — on the program of an active pair, fewer path modules
   completed than :func:`expected_done` says by the mentee's today. The schedule
   starts on the enrolment day (else the pair's first day), never before the
   program opens, and ends on the program's last day (else the pair's last day);
   without an end there is no schedule and no alert. Completed or withdrawn
   enrolments are not followed.
4. ``skill_not_applied`` — the latest answered follow-up of a module says the skill
   is not applied at work (``FollowUp.applied`` is False), and no session of the
   tutor with the mentee was held on or after the day of that answer (the session
   is where the tutor takes it up; a later "applied" answer clears it too).
5. ``objective_at_risk`` — a SMART objective whose cohort holds the mentee (their
   team or its parent team, else the program's enrolees when it names no team),
   with a deadline today or later, whose linear forecast
   (:func:`lms_roi.analytics.objectives.status`) says "at risk". Only for cohorts
   of at least :data:`~lms_roi.analytics.disclosure.MIN_LEARNERS` learners: a
   cohort mean over fewer could show the mentee's own KPI, which a tutor may not
   see (DESIGN §8).

Each alert names the action that resolves it: ``message`` (write to the mentee;
``log_session`` when they have no email), ``log_session`` or ``progress`` (open the
mentee's progress). A few set-based queries (:mod:`.tutoring_alert_queries`) serve
every mentee at once; each objective's forecast costs its own few queries, whatever
the number of mentees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms_roi.gamification.periods import local_day
from lms_roi.i18n import number, percent, short_date

from . import tutoring_alert_queries as queries

if TYPE_CHECKING:
    from .mentees import MenteeRow

KINDS = (
    "inactive",
    "failed_quiz_twice",
    "behind_schedule",
    "skill_not_applied",
    "objective_at_risk",
)
#: What each kind is called on pages.
LABELS = {
    "inactive": _l("Inactive"),
    "failed_quiz_twice": _l("Failed a quiz twice"),
    "behind_schedule": _l("Behind schedule"),
    "skill_not_applied": _l("Skill not applied"),
    "objective_at_risk": _l("Objective at risk"),
}
INACTIVE_DAYS = 7
NOT_FOLLOWED = ("completed", "withdrawn")


@dataclass(frozen=True)
class Alert:
    """One reason to worry about a mentee, with its figures and the resolving action.

    ``weight`` orders alerts of one kind (larger first: more days, more failures...).
    """

    kind: str
    mentee_id: int
    mentee_name: str
    action: str
    figures: dict = field(default_factory=dict)
    weight: float = 0

    @property
    def urgency(self) -> int:
        """1 (most urgent) to 5, in the order of :data:`KINDS`."""
        return KINDS.index(self.kind) + 1

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])

    @property
    def sentence(self) -> str:
        """What happened, with the figures, in the reader's language."""
        return _SENTENCES[self.kind](self.figures)


def expected_done(total: int, start: date, due: date, today: date) -> int:
    """Path modules that should be completed by ``today`` on a schedule from start to due.

    ``total × elapsed days ÷ scheduled days``, rounded down: 4 modules over 40 days
    expect 1 after 10 days (not after 9), all 4 from the due day on.

    >>> expected_done(4, date(2026, 3, 1), date(2026, 4, 10), date(2026, 3, 11))
    1
    >>> expected_done(4, date(2026, 3, 1), date(2026, 4, 10), date(2026, 3, 10))
    0
    """
    if today < start:
        return 0
    window = (due - start).days
    if window <= 0:
        return total if today >= due else 0
    return total * min((today - start).days, window) // window


def attach_alerts(rows: list[MenteeRow], today: date) -> None:
    """Set each row's ``alerts``, most urgent first (``today``: the organisation's)."""
    if not rows:
        return
    by_id = {row.mentee_id: row for row in rows}
    found: list[Alert] = []
    for row in rows:
        found.extend(_inactive(row))
        found.extend(_behind(row))
    found.extend(_failed_quizzes(by_id))
    found.extend(_not_applied(by_id))
    found.extend(_objectives_at_risk(by_id, today))
    for row in rows:
        row.alerts = []
    for alert in ordered(found):
        by_id[alert.mentee_id].alerts.append(alert)


def ordered(alerts: list[Alert]) -> list[Alert]:
    """Most urgent kind first; within a kind the heaviest, then by mentee name."""
    return sorted(
        alerts, key=lambda a: (a.urgency, -a.weight, a.mentee_name.casefold(), a.mentee_id)
    )


def all_alerts(rows: list[MenteeRow]) -> list[Alert]:
    """Every alert of the rows in one list, most urgent first (the top of the tutor home)."""
    return ordered([alert for row in rows for alert in row.alerts])


def _alert(row: MenteeRow, kind: str, action: str, weight: float, **figures) -> Alert:
    if action == "message" and not row.email:
        action = "log_session"
    return Alert(kind, row.mentee_id, row.name, action, figures, weight)


def _inactive(row: MenteeRow) -> list[Alert]:
    since = row.last_activity or row.joined_on
    days = (row.today - since).days
    if days < INACTIVE_DAYS:
        return []
    return [
        _alert(
            row,
            "inactive",
            "message",
            days,
            days=days,
            last_activity=row.last_activity,
            joined_on=row.joined_on,
        )
    ]


def _behind(row: MenteeRow) -> list[Alert]:
    return [
        _alert(
            row,
            "behind_schedule",
            "progress",
            path.expected - path.done,
            program=path.program,
            program_slug=path.slug,
            done=path.done,
            expected=path.expected,
            total=path.total,
            start=path.start,
            due=path.due,
        )
        for path in row.paths
        if path.expected is not None
        and path.enrollment not in NOT_FOLLOWED
        and path.done < path.expected
    ]


def _failed_quizzes(by_id: dict[int, MenteeRow]) -> list[Alert]:
    return [
        _alert(
            by_id[learner_id],
            "failed_quiz_twice",
            "log_session",
            n_failed,
            quiz_id=quiz_id,
            quiz=title,
            failures=n_failed,
            best_score=best,
            last_failed_on=local_day(last, by_id[learner_id].zone),
        )
        for learner_id, quiz_id, title, n_failed, best, last in queries.failed_quizzes(list(by_id))
    ]


def _not_applied(by_id: dict[int, MenteeRow]) -> list[Alert]:
    alerts = []
    for learner_id, slug, title, offset, answered_at in queries.latest_not_applied(list(by_id)):
        row = by_id[learner_id]
        answered_on = local_day(answered_at, row.zone)
        if row.last_session is not None and row.last_session >= answered_on:
            continue  # the tutor has met the mentee since: taken up
        alerts.append(
            _alert(
                row,
                "skill_not_applied",
                "log_session",
                (row.today - answered_on).days,
                module=title,
                module_slug=slug,
                offset_days=offset,
                answered_on=answered_on,
            )
        )
    return alerts


def _objectives_at_risk(by_id: dict[int, MenteeRow], today: date) -> list[Alert]:
    alerts = []
    for objective_id, learner_ids in queries.objective_members(list(by_id), today).items():
        figures = queries.forecast_at_risk(objective_id, today)
        if figures is None:
            continue
        for learner_id in learner_ids:
            days_left = (figures["deadline"] - today).days
            alerts.append(
                _alert(by_id[learner_id], "objective_at_risk", "progress", -days_left, **figures)
            )
    return alerts


def _inactive_sentence(f: dict) -> str:
    if f["last_activity"] is not None:
        return ngettext(
            "No learning action for %(num)d day: the last one was on %(date)s.",
            "No learning action for %(num)d days: the last one was on %(date)s.",
            f["days"],
            date=short_date(f["last_activity"]),
        )
    return ngettext(
        "No learning action in the %(num)d day since joining on %(date)s.",
        "No learning action in the %(num)d days since joining on %(date)s.",
        f["days"],
        date=short_date(f["joined_on"]),
    )


def _failed_sentence(f: dict) -> str:
    return ngettext(
        "Failed the quiz “%(quiz)s” %(num)d time with no pass since (best score %(score)s).",
        "Failed the quiz “%(quiz)s” %(num)d times with no pass since (best score %(score)s).",
        f["failures"],
        quiz=f["quiz"],
        score=percent(f["best_score"], 0),
    )


def _behind_sentence(f: dict) -> str:
    return _(
        "%(done)d of %(total)d modules of “%(program)s” completed, %(expected)d expected "
        "by now to finish by %(due)s.",
        done=f["done"],
        total=f["total"],
        program=f["program"],
        expected=f["expected"],
        due=short_date(f["due"]),
    )


def _not_applied_sentence(f: dict) -> str:
    return _(
        "Answered on %(date)s that “%(module)s” is not applied at work (%(days)d-day "
        "follow-up), and no session was held since.",
        date=short_date(f["answered_on"]),
        module=f["module"],
        days=f["offset_days"],
    )


def _objective_sentence(f: dict) -> str:
    return _(
        "The objective “%(objective)s” of “%(program)s” is at risk: %(kpi)s is forecast "
        "at %(forecast)s on %(deadline)s against a target of %(target)s.",
        objective=f["objective"],
        program=f["program"],
        kpi=f["kpi_name"],
        forecast=number(f["forecast"]),
        deadline=short_date(f["deadline"]),
        target=number(f["target"]),
    )


_SENTENCES = {
    "inactive": _inactive_sentence,
    "failed_quiz_twice": _failed_sentence,
    "behind_schedule": _behind_sentence,
    "skill_not_applied": _not_applied_sentence,
    "objective_at_risk": _objective_sentence,
}
