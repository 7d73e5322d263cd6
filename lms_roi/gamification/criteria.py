"""Declarative badge criteria: their JSON form, its check, a sentence, and SQL counts.

A criterion is a small JSON object with a ``kind`` and that kind's parameters::

    {"kind": "modules_completed", "min": 5}
    {"kind": "method_completed", "method": "micro_learning", "min": 3}
    {"kind": "perfect_quizzes", "min": 3}
    {"kind": "streak", "min": 7}
    {"kind": "program_completed", "program": "growth-academy"}
    {"kind": "tutor_sessions", "min": 5}
    {"kind": "kpi_objective_met", "kpi": "qualified_leads"}
    {"kind": "challenge_won"}                       (any challenge, or "challenge": slug)

Each kind counts something per learner with one ``GROUP BY`` query for a batch of
learners (:func:`counts`) and compares it with a goal (:func:`goal`), so the learner's
page can also show "3 of 5".
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import and_, case, func, or_, select

from lms_roi.analytics.objectives import cohort_learners, target_value
from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.i18n import number
from lms_roi.labels import label
from lms_roi.models import (
    Attempt,
    Challenge,
    ChallengeProgress,
    Completion,
    Kpi,
    KpiValue,
    Learner,
    Module,
    Objective,
    Program,
    ProgramModule,
    Streak,
    TutoringPair,
    TutoringSession,
    XpEvent,
)
from lms_roi.models._types import METHODS
from lms_roi.sql_lists import one_of

from .periods import zone
from .xp_rules import completion_key

#: Kind -> its label in the authoring form.
KINDS = {
    "modules_completed": _l("Modules completed"),
    "method_completed": _l("Modules completed with one method"),
    "perfect_quizzes": _l("Quizzes with a perfect score"),
    "streak": _l("Learning streak (days in a row)"),
    "program_completed": _l("Learning path completed"),
    "tutor_sessions": _l("Tutoring sessions"),
    "kpi_objective_met": _l("KPI objective met"),
    "challenge_won": _l("Challenge won"),
}
#: Kinds counted against ``min``.
COUNTED = ("modules_completed", "method_completed", "perfect_quizzes", "streak", "tutor_sessions")
#: Kinds read from business KPI data, not learning events: evaluated by the daily
#: rebuild and on demand, not after each learning event.
SLOW = ("kpi_objective_met",)
MIN_MAX = 10_000
PERFECT = 100 - 1e-9


class CriteriaInvalid(DomainError):
    """A criterion that cannot be stored; ``field`` names the parameter to correct."""

    status = 422


def validate(raw: object) -> dict:
    """The criterion in its stored form, or :class:`CriteriaInvalid` naming the field."""
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
        raise CriteriaInvalid("criteria_kind", _("Choose what the badge rewards."), "kind")
    kind = raw["kind"]
    criterion: dict = {"kind": kind}
    if kind in COUNTED:
        criterion["min"] = _minimum(raw.get("min"))
    if kind == "method_completed":
        if raw.get("method") not in METHODS:
            raise CriteriaInvalid("criteria_method", _("Choose a method."), "method")
        criterion["method"] = raw["method"]
    if kind == "program_completed":
        criterion["program"] = _existing(raw.get("program"), Program, Program.slug, "program")
    if kind == "kpi_objective_met":
        criterion["kpi"] = _existing(raw.get("kpi"), Kpi, Kpi.key, "kpi")
    if kind == "challenge_won" and raw.get("challenge"):
        criterion["challenge"] = _existing(
            raw.get("challenge"), Challenge, Challenge.slug, "challenge"
        )
    return criterion


def _minimum(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MIN_MAX:
        raise CriteriaInvalid(
            "criteria_min",
            _("Enter a whole number from 1 to %(max)s.", max=number(MIN_MAX)),
            "min",
        )
    return value


def _existing(value: object, model, column, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise CriteriaInvalid(f"criteria_{field}", _("Choose one in the list."), field)
    if session().scalar(select(model.id).where(column == value)) is None:
        raise CriteriaInvalid(
            f"criteria_{field}", _("%(value)s does not exist.", value=value), field
        )
    return value


def sentence(criterion: dict) -> str:
    """What a learner does to earn the badge, in the page's language."""
    kind = criterion.get("kind")
    n = int(criterion.get("min") or 1)
    if kind == "modules_completed":
        return ngettext("Complete %(num)d module.", "Complete %(num)d different modules.", n)
    if kind == "method_completed":
        method = label(criterion.get("method", ""), "method")
        return ngettext(
            "Complete %(num)d module of the method “%(method)s”.",
            "Complete %(num)d different modules of the method “%(method)s”.",
            n,
            method=method,
        )
    if kind == "perfect_quizzes":
        return ngettext(
            "Get a perfect score on %(num)d quiz.",
            "Get a perfect score on %(num)d different quizzes.",
            n,
        )
    if kind == "streak":
        return ngettext("Learn %(num)d day in a row.", "Learn %(num)d days in a row.", n)
    if kind == "program_completed":
        return _("Complete every module of the path “%(path)s”.", path=_title(criterion))
    if kind == "tutor_sessions":
        return ngettext(
            "Take part in %(num)d tutoring session, as tutor or mentee.",
            "Take part in %(num)d tutoring sessions, as tutor or mentee.",
            n,
        )
    if kind == "kpi_objective_met":
        return _(
            "Belong to a cohort that meets its objective on %(kpi)s.",
            kpi=_kpi_name(criterion.get("kpi", "")),
        )
    if kind == "challenge_won":
        if criterion.get("challenge"):
            return _("Win the challenge “%(challenge)s”.", challenge=_title(criterion))
        return _("Win a challenge.")
    return _("Awarded by hand.")


def _title(criterion: dict) -> str:
    if "program" in criterion:
        slug, column, key = criterion["program"], Program.title, Program.slug
    else:
        slug, column, key = criterion.get("challenge", ""), Challenge.title, Challenge.slug
    return session().scalar(select(column).where(key == slug)) or slug


def _kpi_name(key: str) -> str:
    return session().scalar(select(Kpi.name).where(Kpi.key == key)) or key


def goal(criterion: dict) -> int:
    """The count a learner must reach (the number of modules of a path for a path)."""
    if criterion.get("kind") in COUNTED:
        return int(criterion["min"])
    if criterion.get("kind") == "program_completed":
        n = session().scalar(
            select(func.count(ProgramModule.id))
            .join(Program, Program.id == ProgramModule.program_id)
            .where(Program.slug == criterion["program"])
        )
        return n or 1  # an empty path cannot be completed
    return 1


def counts(criterion: dict, learner_ids: list[int], at: datetime) -> dict[int, int]:
    """``{learner_id: count}`` as of ``at`` for the learners who have any (one query)."""
    kind = criterion.get("kind")
    if not learner_ids or kind not in KINDS:
        return {}
    if kind == "tutor_sessions":
        return _tutor_sessions(learner_ids, at)
    if kind == "kpi_objective_met":
        return _objective_met(criterion["kpi"], learner_ids, at)
    stmt = _COUNTERS[kind](criterion, learner_ids, at)
    return {learner_id: int(n) for learner_id, n in session().execute(stmt)}


def completions_select(criterion: dict, ids: list[int], at: datetime, *columns):
    """``select(*columns)`` over the completions ``criterion`` counts for ``ids`` by ``at``:
    of the criterion's method or path, none the anti-gaming guard refused."""
    stmt = select(*columns).where(one_of(Completion.learner_id, ids), Completion.completed_at <= at)
    refused = guarded_completions(ids)
    if refused:
        stmt = stmt.where(Completion.id.not_in(sorted(refused)))
    if criterion.get("kind") == "method_completed":
        stmt = stmt.join(Module, Module.id == Completion.module_id).where(
            Module.method == criterion["method"]
        )
    if criterion.get("kind") == "program_completed":
        stmt = (
            stmt.join(ProgramModule, ProgramModule.module_id == Completion.module_id)
            .join(Program, Program.id == ProgramModule.program_id)
            .where(Program.slug == criterion["program"])
        )
    return stmt


def perfect_select(ids: list[int], at: datetime, *columns):
    """``select(*columns)`` over the attempts scored 100 % of ``ids`` by ``at`` (guarded
    ones left out)."""
    stmt = select(*columns).where(
        one_of(Attempt.learner_id, ids), Attempt.submitted_at <= at, Attempt.score_pct >= PERFECT
    )
    refused = guarded_attempts(ids)
    if refused:
        stmt = stmt.where(Attempt.id.not_in(sorted(refused)))
    return stmt


def _modules(criterion, ids, at):
    distinct_modules = func.count(func.distinct(Completion.module_id))
    return completions_select(criterion, ids, at, Completion.learner_id, distinct_modules).group_by(
        Completion.learner_id
    )


def _perfect(criterion, ids, at):
    distinct_quizzes = func.count(func.distinct(Attempt.quiz_id))
    return perfect_select(ids, at, Attempt.learner_id, distinct_quizzes).group_by(
        Attempt.learner_id
    )


def _flagged_keys(ids: list[int], reasons: tuple[str, ...]) -> list[tuple[int, str]]:
    return (
        session()
        .execute(
            select(XpEvent.learner_id, XpEvent.idempotency_key).where(
                XpEvent.flagged.is_(True),
                one_of(XpEvent.learner_id, ids),
                XpEvent.reason.in_(reasons),
            )
        )
        .all()
    )


def guarded_completions(ids: list[int]) -> set[int]:
    """Ids of the completions of ``ids`` the anti-gaming guard refused (DESIGN §6): they
    count towards no badge. Found by their flagged ledger rows (rare, indexed)."""
    flagged = _flagged_keys(ids, ("module_completed", "module_repeat"))
    if not flagged:
        return set()
    keys = {key for _learner_id, key in flagged}
    rows = session().execute(
        select(
            Completion.id, Completion.learner_id, Completion.module_id, Completion.completed_at
        ).where(Completion.learner_id.in_(sorted({learner_id for learner_id, _key in flagged})))
    )
    return {row[0] for row in rows if completion_key(*row[1:]) in keys}


def guarded_attempts(ids: list[int]) -> set[int]:
    """Ids of the attempts of ``ids`` the anti-gaming guard refused (see above)."""
    flagged = _flagged_keys(ids, ("quiz_attempt", "quiz_passed"))
    return {int(key.split(":")[1]) for _learner_id, key in flagged if key.startswith("attempt:")}


def _streak(criterion, ids, at):
    # The longest streak reached so far (the current one may have been broken since).
    best = case(
        (Streak.longest_length >= Streak.current_length, Streak.longest_length),
        else_=Streak.current_length,
    )
    return select(Streak.learner_id, best).where(Streak.learner_id.in_(ids))


def challenges_select(criterion: dict, ids: list[int], at: datetime, *columns):
    """``select(*columns)`` over the wins by ``at`` of ``ids`` (their own or their team's)
    of the criterion's challenge, or of any."""
    won = (
        select(*columns)
        .select_from(Learner)
        .join(
            ChallengeProgress,
            or_(
                ChallengeProgress.learner_id == Learner.id,
                and_(
                    ChallengeProgress.team_id.is_not(None),
                    ChallengeProgress.team_id == Learner.team_id,
                ),
            ),
        )
        .where(
            Learner.id.in_(ids),
            ChallengeProgress.completed_at.is_not(None),
            ChallengeProgress.completed_at <= at,
        )
    )
    if criterion.get("challenge"):
        won = won.join(Challenge, Challenge.id == ChallengeProgress.challenge_id).where(
            Challenge.slug == criterion["challenge"]
        )
    return won


def _challenges(criterion, ids, at):
    won = func.count(func.distinct(ChallengeProgress.challenge_id))
    return challenges_select(criterion, ids, at, Learner.id, won).group_by(Learner.id)


_COUNTERS = {
    "modules_completed": _modules,
    "method_completed": _modules,
    "program_completed": _modules,
    "perfect_quizzes": _perfect,
    "streak": _streak,
    "challenge_won": _challenges,
}


def _tutor_sessions(ids: list[int], at: datetime) -> dict[int, int]:
    """Sessions held by ``at`` (organisation's calendar), counted for tutor and mentee."""
    today = at.astimezone(zone()).date()
    found: dict[int, int] = {}
    for person in (TutoringPair.tutor_id, TutoringPair.mentee_id):
        rows = session().execute(
            select(person, func.count(TutoringSession.id))
            .join(TutoringPair, TutoringPair.id == TutoringSession.pair_id)
            .where(person.in_(ids), TutoringSession.held_on <= today)
            .group_by(person)
        )
        for learner_id, n in rows:
            found[learner_id] = found.get(learner_id, 0) + int(n)
    return found


def _objective_met(kpi_key: str, ids: list[int], at: datetime) -> dict[int, int]:
    """1 for members of a cohort whose objective on the KPI is met by ``at``.

    As on the objectives page: the target is the baseline moved by the objective's
    percentage (or its absolute level), and the cohort's level is its mean in the
    latest KPI period on or before the deadline; the objective is met when that mean
    reaches the target in the KPI's direction.
    """
    today = at.astimezone(zone()).date()
    met: dict[int, int] = {}
    for objective, kpi, program, cohort, members, target in objectives_on(kpi_key, ids):
        level = _latest_mean(kpi.id, cohort, min(today, objective.deadline), program.starts_on)
        if level is not None and reaches(level, target, kpi.direction):
            met.update(dict.fromkeys(members, 1))
    return met


def objectives_on(kpi_key: str, ids: list[int]):
    """(objective, kpi, program, cohort, members, target) of each objective on the KPI
    with a target and some of ``ids`` in its cohort (``members``)."""
    rows = session().execute(
        select(Objective, Kpi, Program)
        .join(Kpi, Kpi.id == Objective.kpi_id)
        .join(Program, Program.id == Objective.program_id)
        .where(Kpi.key == kpi_key)
        .order_by(Objective.id)
    )
    wanted = set(ids)
    for objective, kpi, program in rows:
        cohort = cohort_learners(program.id, objective.cohort_team_id)
        members = sorted(wanted.intersection(cohort))
        target = target_value(
            objective.baseline, objective.target_kind, objective.target_value, kpi.direction
        )
        if members and target is not None:
            yield objective, kpi, program, cohort, members, target


def reaches(level: float, target: float, direction: str) -> bool:
    """Whether a cohort's ``level`` meets ``target`` in the KPI's direction."""
    return level >= target if direction == "higher" else level <= target


def _latest_mean(kpi_id: int, cohort: list[int], until, since) -> float | None:
    db = session()
    scope = [KpiValue.kpi_id == kpi_id, KpiValue.learner_id.in_(cohort)]
    if since is not None:
        scope.append(KpiValue.period_start >= since)
    latest = db.scalar(
        select(func.max(KpiValue.period_start)).where(*scope).where(KpiValue.period_start <= until)
    )
    if latest is None:
        return None
    mean = db.scalar(
        select(func.avg(KpiValue.value)).where(*scope, KpiValue.period_start == latest)
    )
    return None if mean is None else float(mean)
