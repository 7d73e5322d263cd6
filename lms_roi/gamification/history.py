"""Learning actions read in bulk: a batch of imported completions, or the whole history.

Both produce :class:`~.planner.Action` lists in event order for :func:`.planner.plan`,
with the same rules as the live hooks (:mod:`.xp_rules`). :func:`first_met` reads the
history the other way: when each learner first met a badge criterion.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from lms_roi.db import IN_CHUNK, chunked, session
from lms_roi.models import (
    Attempt,
    ChallengeProgress,
    Completion,
    KpiValue,
    Learner,
    Module,
    ReviewItem,
    TutoringPair,
    TutoringSession,
    XpEvent,
)
from lms_roi.sql_lists import one_of

from . import criteria, periods
from .planner import LEARNING_REASONS, Action
from .settings import Rules
from .xp_rules import (
    attempt_key,
    attempt_xp,
    completion_key,
    completion_xp,
    review_key,
    session_moment,
    tutoring_key,
)


def learner_zones(learner_ids: Iterable[int] | None = None) -> dict[int, ZoneInfo]:
    """Each learner's time zone (their own, else the organisation's)."""
    names: dict[int, str | None] = {}
    query = select(Learner.id, Learner.timezone)
    if learner_ids is None:
        names.update(session().execute(query).all())
    else:
        for part in chunked(sorted(set(learner_ids)), IN_CHUNK):
            names.update(session().execute(query.where(one_of(Learner.id, part))).all())
    cache: dict[str | None, ZoneInfo] = {}
    zones = {}
    for learner_id, name in names.items():
        if name not in cache:
            cache[name] = periods.zone(name)
        zones[learner_id] = cache[name]
    return zones


def in_order(actions: list[Action]) -> list[Action]:
    """Event order: by moment, then key (deterministic for equal moments)."""
    return sorted(actions, key=lambda action: (action.occurred_at, action.key))


def completion_actions(
    rows: Sequence[Sequence],
    rule: Rules,
    completed_before: Collection[tuple[int, int]] | None = None,
) -> list[Action]:
    """Actions of a batch of flushed completions: (id, learner, module, moment) rows.

    A completion earns the module's XP when it is the learner's earliest completion of
    the module in the batch and the learner has no other completion of it (that one
    was the first); the others are repeats. ``completed_before``: the (learner, module)
    pairs with a completion outside the batch, when the caller knows them; else one
    grouped count per chunk of learners.
    """
    db = session()
    learner_ids = {row[1] for row in rows}
    module_ids = {row[2] for row in rows}
    durations = dict(
        db.execute(
            select(Module.id, Module.duration_minutes).where(Module.id.in_(module_ids))
        ).all()
    )
    zones = learner_zones(learner_ids)
    in_batch: dict[tuple[int, int], list] = {}
    for _id, learner_id, module_id, moment in rows:
        in_batch.setdefault((learner_id, module_id), []).append(moment)
    if completed_before is None:
        stored: dict[tuple[int, int], int] = {}
        for part in chunked(sorted(learner_ids), IN_CHUNK):
            found = db.execute(
                select(Completion.learner_id, Completion.module_id, func.count(Completion.id))
                .where(Completion.learner_id.in_(part), Completion.module_id.in_(module_ids))
                .group_by(Completion.learner_id, Completion.module_id)
            )
            stored.update({(learner_id, module_id): n for learner_id, module_id, n in found})
        completed_before = {
            pair for pair, moments in in_batch.items() if stored.get(pair, 0) > len(moments)
        }
    first_of_pair = {
        pair: min(moments) for pair, moments in in_batch.items() if pair not in completed_before
    }
    actions = []
    for _id, learner_id, module_id, moment in rows:
        first = first_of_pair.get((learner_id, module_id)) == moment
        points, reason = completion_xp(first, durations.get(module_id, 0), rule)
        day = moment.astimezone(zones[learner_id]).date()
        key = completion_key(learner_id, module_id, moment)
        actions.append(Action(learner_id, points, reason, key, moment, day))
    return in_order(actions)


def history_actions(
    rule: Rules,
    kept: Iterable[dict] = (),
    flagged: set[str] = frozenset(),
    learner_ids: Collection[int] | None = None,
):
    """Every learning action on record, in event order, for the rebuild.

    Completions, submitted attempts, the last answer of each review item and tutoring
    sessions, plus ``kept`` ledger rows (earlier review answers, badge and challenge
    XP: their sources keep no history) replayed with the points they asked. Keys in
    ``flagged`` stay flagged: the live guard refused them and a rebuild does not undo
    that. ``learner_ids``: only those learners' actions (a replay of a few learners, e.g.
    after an xAPI statement is voided); the rules are per learner, so their rows are the
    ones the whole rebuild gives them.
    """
    db = session()
    zones = learner_zones(learner_ids)
    actions: dict[str, Action] = {}

    def only(column, stmt):
        return stmt if learner_ids is None else stmt.where(column.in_(sorted(learner_ids)))

    def add(learner_id, points, reason, key, moment, details):
        day = moment.astimezone(zones[learner_id]).date()
        actions[key] = Action(learner_id, points, reason, key, moment, day, details, key in flagged)

    durations = dict(db.execute(select(Module.id, Module.duration_minutes)).all())
    completed: set[tuple[int, int]] = set()
    for _id, learner_id, module_id, moment in db.execute(
        only(
            Completion.learner_id,
            select(
                Completion.id, Completion.learner_id, Completion.module_id, Completion.completed_at
            ).order_by(Completion.completed_at, Completion.id),
        )
    ):
        first = (learner_id, module_id) not in completed
        completed.add((learner_id, module_id))
        points, reason = completion_xp(first, durations.get(module_id, 0), rule)
        key = completion_key(learner_id, module_id, moment)
        add(learner_id, points, reason, key, moment, {})
    passed: set[tuple[int, int]] = set()
    for attempt_id, learner_id, quiz_id, number, score, ok, moment in db.execute(
        only(
            Attempt.learner_id,
            select(
                Attempt.id,
                Attempt.learner_id,
                Attempt.quiz_id,
                Attempt.attempt_no,
                Attempt.score_pct,
                Attempt.passed,
                Attempt.submitted_at,
            )
            .where(Attempt.submitted_at.is_not(None))
            .order_by(Attempt.submitted_at, Attempt.id),
        )
    ):
        first_pass = bool(ok) and (learner_id, quiz_id) not in passed
        if ok:
            passed.add((learner_id, quiz_id))
        points, reason = attempt_xp(first_pass, number, score, rule)
        details = {"quiz_id": quiz_id, "attempt_no": number}
        add(learner_id, points, reason, attempt_key(attempt_id), moment, details)
    for item_id, learner_id, question_id, moment in db.execute(
        only(
            ReviewItem.learner_id,
            select(
                ReviewItem.id,
                ReviewItem.learner_id,
                ReviewItem.question_id,
                ReviewItem.last_reviewed_at,
            ).where(ReviewItem.last_reviewed_at.is_not(None)),
        )
    ):
        details = {"question_id": question_id}
        add(learner_id, 0, "review", review_key(item_id, moment), moment, details)
    sessions = select(
        TutoringSession.id,
        TutoringSession.held_on,
        TutoringPair.tutor_id,
        TutoringPair.mentee_id,
    ).join(TutoringPair, TutoringPair.id == TutoringSession.pair_id)
    if learner_ids is not None:
        ids = sorted(learner_ids)
        sessions = sessions.where(
            or_(TutoringPair.tutor_id.in_(ids), TutoringPair.mentee_id.in_(ids))
        )
    for session_id, held_on, tutor_id, mentee_id in db.execute(sessions):
        for learner_id, role in ((tutor_id, "tutor"), (mentee_id, "mentee")):
            if learner_id not in zones:
                continue  # not one of ``learner_ids``
            moment = session_moment(held_on, zones[learner_id].key)
            details = {"session_id": session_id, "role": role}
            key = tutoring_key(session_id, learner_id)
            add(learner_id, rule.tutoring_session, "tutoring_session", key, moment, details)
    for row in kept:
        if row["idempotency_key"] in actions:
            continue
        details = {k: v for k, v in (row["details"] or {}).items() if k != "capped_from"}
        asked = (row["details"] or {}).get("capped_from", row["points"])
        add(
            row["learner_id"],
            asked,
            row["reason"],
            row["idempotency_key"],
            row["occurred_at"],
            details,
        )
    return in_order(list(actions.values()))


# --- when a badge criterion was first met ------------------------------------------------


def first_met(
    criterion: dict,
    learner_ids: list[int],
    goal: int,
    until: datetime,
    *,
    read: dict | None = None,
) -> dict[int, datetime]:
    """When each of ``learner_ids`` first met ``criterion`` (its count reached ``goal``)
    by ``until``: the moment of the event that did it (learners who have not are absent).

    The counts are those of :func:`.criteria.counts` (guarded actions left out), read in
    time order, so a badge awarded from history is issued, and its XP counted, when it
    was earned; the same history always gives the same moments. ``read``: a dict the
    caller keeps across calls for the same learners and ``until``, so criteria that
    differ only by their ``min`` ("1 module", "5 modules") read the history once.
    """
    kind = criterion.get("kind")
    if not learner_ids or kind not in _FIRST_MET:
        return {}
    read = {} if read is None else read
    if kind not in _MOMENTS:
        key = repr((sorted(criterion.items()), goal))
        if key not in read:
            read[key] = _FIRST_MET[kind](criterion, learner_ids, goal, until)
        return read[key]
    key = repr(sorted((name, value) for name, value in criterion.items() if name != "min"))
    if key not in read:
        read[key] = _moments(_MOMENTS[kind](criterion, learner_ids, until))
    return {
        learner_id: found[goal - 1] for learner_id, found in read[key].items() if len(found) >= goal
    }


def _moments(stmt) -> dict[int, list[datetime]]:
    """Per learner, the moments of ``stmt``'s (learner, moment) rows, in order."""
    moments: dict[int, list[datetime]] = {}
    for learner_id, moment in session().execute(stmt):
        moments.setdefault(learner_id, []).append(moment)
    for found in moments.values():
        found.sort()
    return moments


def _modules_moments(criterion, ids, until):
    first = func.min(Completion.completed_at)  # of each module: repeats count once
    stmt = criteria.completions_select(criterion, ids, until, Completion.learner_id, first)
    return stmt.group_by(Completion.learner_id, Completion.module_id)


def _perfect_moments(criterion, ids, until):
    first = func.min(Attempt.submitted_at)
    stmt = criteria.perfect_select(ids, until, Attempt.learner_id, first)
    return stmt.group_by(Attempt.learner_id, Attempt.quiz_id)


def _challenge_moments(criterion, ids, until):
    first = func.min(ChallengeProgress.completed_at)
    stmt = criteria.challenges_select(criterion, ids, until, Learner.id, first)
    return stmt.group_by(Learner.id, ChallengeProgress.challenge_id)


def _streak_met(criterion, ids, goal, until):
    """The first learning action of the day a run of ``goal`` active days was reached."""
    rows = session().execute(
        select(XpEvent.learner_id, XpEvent.local_day, func.min(XpEvent.occurred_at))
        .where(
            XpEvent.learner_id.in_(ids),
            XpEvent.reason.in_(LEARNING_REASONS),
            XpEvent.flagged.is_(False),
            XpEvent.occurred_at <= until,
        )
        .group_by(XpEvent.learner_id, XpEvent.local_day)
        .order_by(XpEvent.learner_id, XpEvent.local_day)
    )
    met: dict[int, datetime] = {}
    run, previous = 0, (None, None)
    for learner_id, day, moment in rows:
        follows = previous[0] == learner_id and (day - previous[1]).days == 1
        run = run + 1 if follows else 1
        previous = (learner_id, day)
        if run >= goal and learner_id not in met:
            met[learner_id] = moment
    return met


def _tutor_sessions_met(criterion, ids, goal, until):
    """The session that made ``goal``, at the moment its XP counts for the learner."""
    today = until.astimezone(periods.zone()).date()
    held: dict[int, list] = {}
    for person in (TutoringPair.tutor_id, TutoringPair.mentee_id):
        rows = session().execute(
            select(person, TutoringSession.held_on)
            .join(TutoringPair, TutoringPair.id == TutoringSession.pair_id)
            .where(person.in_(ids), TutoringSession.held_on <= today)
        )
        for learner_id, held_on in rows:
            held.setdefault(learner_id, []).append(held_on)
    zones = dict(
        session()
        .execute(select(Learner.id, Learner.timezone).where(Learner.id.in_(sorted(held))))
        .all()
    )
    return {
        learner_id: session_moment(sorted(days)[goal - 1], zones.get(learner_id))
        for learner_id, days in held.items()
        if len(days) >= goal
    }


def _objective_met(criterion, ids, goal, until):
    """The first KPI period (at its first moment, in the organisation's zone) whose cohort
    mean meets the objective, as :func:`.criteria.counts` reads it on that day."""
    org = periods.zone()
    today = until.astimezone(org).date()
    met: dict[int, datetime] = {}
    for objective, kpi, program, cohort, members, target in criteria.objectives_on(
        criterion["kpi"], ids
    ):
        scope = [
            KpiValue.kpi_id == kpi.id,
            KpiValue.learner_id.in_(cohort),
            KpiValue.period_start <= min(today, objective.deadline),
        ]
        if program.starts_on is not None:
            scope.append(KpiValue.period_start >= program.starts_on)
        means = session().execute(
            select(KpiValue.period_start, func.avg(KpiValue.value))
            .where(*scope)
            .group_by(KpiValue.period_start)
            .order_by(KpiValue.period_start)
        )
        for period_start, mean in means:
            if mean is not None and criteria.reaches(float(mean), target, kpi.direction):
                moment = datetime.combine(period_start, time(0), tzinfo=org).astimezone(UTC)
                for learner_id in members:
                    met[learner_id] = min(met.get(learner_id, moment), moment)
                break
    return met


#: Kinds met at the ``goal``-th moment of a (learner, moment) select, by kind.
_MOMENTS = {
    "modules_completed": _modules_moments,
    "method_completed": _modules_moments,
    "program_completed": _modules_moments,
    "perfect_quizzes": _perfect_moments,
    "challenge_won": _challenge_moments,
}
_FIRST_MET = {
    **_MOMENTS,
    "streak": _streak_met,
    "tutor_sessions": _tutor_sessions_met,
    "kpi_objective_met": _objective_met,
}
