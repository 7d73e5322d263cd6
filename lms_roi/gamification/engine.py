"""The XP engine: every learning action writes one ledger row, totals move with it.

DESIGN §6. A learning action (a completion, first or repeat; a submitted quiz attempt;
a review answered; a tutoring session) writes exactly one :class:`XpEvent` under a
deterministic idempotency key, with the points it earns (possibly 0); replaying a key
changes nothing. In the same transaction the learner's all-time, week and month
:class:`LearnerTotals`, streak and level notifications follow. Services call the
``on_*`` hooks; the badges helper calls :func:`award`. Only flushes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from lms_roi import signals
from lms_roi.db import session, utcnow
from lms_roi.models import (
    Attempt,
    Completion,
    Learner,
    Module,
    ModuleProgress,
    Quiz,
    ReviewItem,
    TutoringPair,
    TutoringSession,
    XpEvent,
)

from . import ledger, periods, planner, streaks
from .history import completion_actions, learner_zones
from .settings import Rules, rules
from .xp_rules import (
    attempt_key,
    attempt_xp,
    completion_key,
    completion_xp,
    review_key,
    session_moment,
    tutoring_key,
)

# --- the ledger ---------------------------------------------------------------------------


def award(
    learner_id: int,
    points: int,
    reason: str,
    key: str,
    occurred_at: datetime,
    *,
    zone: str | None = None,
    details: dict | None = None,
    live: bool = False,
    flagged: bool = False,
) -> XpEvent | None:
    """Write one ledger row for ``learner_id`` and keep totals, streak and level current.

    ``points`` is what the rules ask; the row holds what is given: 0 when ``flagged``
    (the anti-gaming guard refused it), else cut to what fits under the daily cap.
    The first learning action of a local day following an active day also writes the
    streak bonus row. ``zone`` is the learner's time zone (read when None). Returns
    the row, or None when ``key`` was already used (a replay changes nothing).
    """
    db = session()
    # A write first: it serialises the learner's awards (and on SQLite takes the write
    # lock before any read, so a concurrent writer makes it wait rather than fail).
    # The hooks that decide "first" take it earlier; taking it again changes nothing.
    xp = ledger.lock_learner(learner_id, occurred_at)
    if ledger.key_used(key):
        return None
    rule = rules()
    if zone is None:
        zone = db.scalar(select(Learner.timezone).where(Learner.id == learner_id))
    day = periods.local_day(occurred_at, zone)
    state = ledger.learner_state(learner_id, day, xp)
    details = dict(details or {}) | ({"live": True} if live else {})
    action = planner.Action(learner_id, points, reason, key, occurred_at, day, details, flagged)
    plan = planner.plan(
        [action], {learner_id: state}, ledger.used_keys({learner_id: state}, []), rule
    )
    # The action's own row first: if its key lost a race, nothing else is written.
    rows = sorted(plan.rows, key=lambda row: row["idempotency_key"] != key)
    event = None
    for row in rows:
        written = ledger.insert_event(row)
        if written is None:
            if row["idempotency_key"] == key:
                return None
            continue
        event = event or written
        ledger.add_to_totals(learner_id, written.points, occurred_at)
        if written.points > 0:
            _send(
                signals.xp_awarded,
                learner_id,
                event=written,
                points=written.points,
                reason=written.reason,
            )
    if action.learning:
        streaks.record_active_day(learner_id, day)
    ledger.insert_level_ups(plan.level_ups)
    for level_up in plan.level_ups:
        _send(signals.level_up, learner_id, level=level_up.level)
    return event


def on_completion(completion: Completion, *, live: bool) -> XpEvent | None:
    """XP of one completion; ``live`` (web, API) applies the too-fast guard."""
    db = session()
    rule = rules()
    module = db.get(Module, completion.module_id)
    # Lock first, then decide "first completion": two transactions completing the same
    # module at once are serialised here, so the second one sees the first one's row.
    ledger.lock_learner(completion.learner_id, completion.completed_at)
    other = db.scalar(
        select(Completion.id)
        .where(
            Completion.learner_id == completion.learner_id,
            Completion.module_id == completion.module_id,
            Completion.id != completion.id,
        )
        .limit(1)
    )
    points, reason = completion_xp(other is None, module.duration_minutes, rule)
    flagged = live and _completed_too_fast(completion, module, rule)
    event = award(
        completion.learner_id,
        points,
        reason,
        completion_key(completion.learner_id, module.id, completion.completed_at),
        completion.completed_at,
        live=live,
        flagged=flagged,
    )
    _evaluate_badges([completion.learner_id], completion.completed_at)
    return event


def on_completions(
    rows: Iterable[Sequence], completed_before: Collection[tuple[int, int]] | None = None
) -> int:
    """XP of a batch of completions (imports): rows of (completion_id, learner_id,
    module_id, completed_at), already flushed; the id may be None (keys use the natural
    key learner, module, moment). ``completed_before``: the (learner, module) pairs
    completed outside the batch, when the caller read them (else they are read here).
    Bulk SQL; returns how many ledger rows were written."""
    rows = list(rows)
    if not rows:
        return 0
    rule = rules()
    actions = completion_actions(rows, rule, completed_before)
    written = _write_plan(actions, rule)
    # Imported history earns its badges when it met their criteria, not at the end
    # of the batch.
    latest = max(action.occurred_at for action in actions)
    _evaluate_badges({action.learner_id for action in actions}, max(latest, utcnow()), history=True)
    return written


def award_many(awards: Sequence[tuple[int, int, str, str, datetime]]) -> int:
    """Several awards at once — ``(learner_id, points, reason, key, occurred_at)`` in event
    order, none of them a learning action (badge XP read from history) — with the ledger
    rows, totals and level notifications :func:`award` called for each in turn gives.
    Bulk SQL; returns how many ledger rows were written."""
    if not awards:
        return 0
    zones = learner_zones({learner_id for learner_id, *_rest in awards})
    actions = [
        planner.Action(lid, points, reason, key, at, at.astimezone(zones[lid]).date())
        for lid, points, reason, key, at in awards
    ]
    return _write_plan(actions, rules())


def _write_plan(actions: list[planner.Action], rule: Rules) -> int:
    """Plan ``actions`` (event order) against the learners' ledger and write the rows,
    totals, streaks (of learners with a learning action) and level notifications."""
    learner_ids = {action.learner_id for action in actions}
    states = ledger.read_states(learner_ids)
    used = ledger.used_keys(states, (action.key for action in actions))
    plan = planner.plan(actions, states, used, rule)
    written = ledger.insert_rows(plan.rows)
    ledger.apply_totals(written)
    # The states now hold every active day, the batch's included.
    learning = {action.learner_id for action in actions if action.learning}
    if learning:
        streaks.write({lid: streaks.from_days(states[lid].active_days) for lid in learning})
    ledger.insert_level_ups(plan.level_ups)
    if signals.xp_awarded.receivers or signals.level_up.receivers:
        for row in written:
            if row["points"] > 0:
                # No ORM object in a bulk insert: ``event`` is None, the rest is the same.
                _send(
                    signals.xp_awarded,
                    row["learner_id"],
                    event=None,
                    points=row["points"],
                    reason=row["reason"],
                )
        for level_up in plan.level_ups:
            _send(signals.level_up, level_up.learner_id, level=level_up.level)
    return len(written)


def on_attempt(attempt: Attempt, *, live: bool) -> XpEvent | None:
    """XP of a submitted quiz attempt; ``live`` applies the 2-seconds-per-question guard."""
    db = session()
    rule = rules()
    quiz = db.get(Quiz, attempt.quiz_id)
    # Lock first, then decide "first pass" (see :func:`on_completion`).
    ledger.lock_learner(attempt.learner_id, attempt.submitted_at)
    first_pass = bool(attempt.passed) and (
        db.scalar(
            select(Attempt.id)
            .where(
                Attempt.quiz_id == attempt.quiz_id,
                Attempt.learner_id == attempt.learner_id,
                Attempt.passed.is_(True),
                Attempt.submitted_at.is_not(None),
                Attempt.id != attempt.id,
            )
            .limit(1)
        )
        is None
    )
    points, reason = attempt_xp(first_pass, attempt.attempt_no, attempt.score_pct, rule)
    questions = len(quiz.questions)
    elapsed = (attempt.submitted_at - attempt.started_at).total_seconds()
    flagged = live and questions > 0 and elapsed < rule.guard_seconds_per_question * questions
    event = award(
        attempt.learner_id,
        points,
        reason,
        attempt_key(attempt.id),
        attempt.submitted_at,
        details={"quiz_id": quiz.id, "attempt_no": attempt.attempt_no},
        live=live,
        flagged=flagged,
    )
    _evaluate_badges([attempt.learner_id], attempt.submitted_at)
    return event


def on_review(item: ReviewItem, reviewed_at: datetime) -> XpEvent | None:
    """A review answered: a learning action worth 0 XP (it keeps the streak going)."""
    event = award(
        item.learner_id,
        0,
        "review",
        review_key(item.id, reviewed_at),
        reviewed_at,
        details={"question_id": item.question_id},
    )
    _evaluate_badges([item.learner_id], reviewed_at)
    return event


def on_tutoring_session(tutoring_session: TutoringSession) -> list[XpEvent]:
    """A tutoring session: 15 XP to the tutor and 15 to the mentee (rows written)."""
    db = session()
    rule = rules()
    pair = db.get(TutoringPair, tutoring_session.pair_id)
    zones = dict(
        db.execute(
            select(Learner.id, Learner.timezone).where(
                Learner.id.in_((pair.tutor_id, pair.mentee_id))
            )
        ).all()
    )
    events = []
    # Lowest id first: two sessions of swapped roles lock their learners in one order.
    for learner_id in sorted((pair.tutor_id, pair.mentee_id)):
        moment = session_moment(tutoring_session.held_on, zones.get(learner_id))
        role = "tutor" if learner_id == pair.tutor_id else "mentee"
        event = award(
            learner_id,
            rule.tutoring_session,
            "tutoring_session",
            tutoring_key(tutoring_session.id, learner_id),
            moment,
            zone=zones.get(learner_id),
            details={"session_id": tutoring_session.id, "role": role},
        )
        if event is not None:
            events.append(event)
    _evaluate_badges(
        [pair.tutor_id, pair.mentee_id], session_moment(tutoring_session.held_on, None)
    )
    return events


def _completed_too_fast(completion: Completion, module: Module, rule: Rules) -> bool:
    """DESIGN §6: completed less than half its duration after it was started.

    The start is the learner's :class:`ModuleProgress` (written when the lesson is
    opened), whatever the live source of the completion, web or API. A completion
    with no recorded start (a host platform reporting a module taken elsewhere), or
    dated before the recorded start, has nothing to measure: it is not guarded.
    """
    started = session().scalar(
        select(ModuleProgress.started_at).where(
            ModuleProgress.learner_id == completion.learner_id,
            ModuleProgress.module_id == completion.module_id,
        )
    )
    if started is None or not module.duration_minutes:
        return False
    elapsed = (completion.completed_at - started).total_seconds()
    return 0 <= elapsed < module.duration_minutes * 60 * rule.guard_duration_share


def _send(signal, learner_id: int, **kwargs) -> None:
    if not signal.receivers:
        return
    signal.send(
        current_app._get_current_object(), learner=session().get(Learner, learner_id), **kwargs
    )


def _evaluate_badges(learner_ids: Iterable[int], at: datetime, *, history: bool = False) -> None:
    """Let the badges helper evaluate its criteria after an event, when it is installed:
    as of ``at``, or (``history``) over the history up to ``at``, each badge at the
    moment its criterion was met."""
    try:
        from . import badges
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}.badges":
            raise
        return
    if history:
        badges.evaluate_history(sorted(set(learner_ids)), at, returned=False)
    else:
        badges.evaluate(sorted(set(learner_ids)), at)
