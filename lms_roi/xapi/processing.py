"""What stored xAPI statements do: completions, quiz attempts, module progress and XP.

The statement store calls :func:`process_rows` with the column values of a batch of new
statements before it inserts them (so each row is written once, with its outcome) and
:func:`void_statements` with the statements a voiding statement targets, in its own
transaction; :func:`process_activity` runs after an activity is mapped and gives stored
statements their outcome (:func:`process_statements`). Everything is per batch (one
query for the learners, one for the map, the batch completion path of
:mod:`lms_roi.services.learning`), never per statement.
Verbs: see :mod:`.verbs`; actors and activities: see :mod:`.resolve`.

Each statement ends with a ``status`` (``processed``, ``no_effect``,
``unmapped_activity``, ``unknown_actor``) and ``effects``: what it caused, by natural
keys (learner, module, moment; the attempt's key), so voiding can reverse exactly
that. The same completion from two statements is one completion (unique per
learner, module and moment), kept while a statement not voided still supports it.
Only flushes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, tuple_, update
from sqlalchemy.orm.attributes import set_committed_value

from lms_roi.db import IN_CHUNK, chunked, session
from lms_roi.gamification.learner_replay import replay_learners
from lms_roi.gamification.xp_rules import instant
from lms_roi.models import Attempt, Completion, ModuleProgress, Quiz, XapiStatement
from lms_roi.services.learning import record_completions

from .resolve import ModuleRef, resolve_learners, resolve_modules
from .verbs import intent_of
from .voiding import void_statements

PROCESSED, NO_EFFECT = "processed", "no_effect"
UNMAPPED, UNKNOWN_ACTOR = "unmapped_activity", "unknown_actor"
ACTIVITY = "Activity"
STATEMENTS = XapiStatement.__table__
#: Statements read at once when an activity mapped late is processed.
BATCH = 500


def process_statements(statements: Sequence[XapiStatement]) -> None:
    """Give stored (flushed), non-voiding statements their effects and status."""
    statements = [s for s in statements if not s.voided]
    if not statements:
        return
    views = [
        dict(
            object_type=s.object_type,
            object_id=s.object_id,
            raw=s.raw,
            verb=s.verb,
            result=s.result,
            timestamp=s.timestamp,
        )
        for s in statements
    ]
    _write_outcomes(list(zip(statements, _outcomes(views), strict=True)))
    session().flush()


def process_rows(rows: Sequence[dict]) -> None:
    """Give new statements their effects before they are inserted: ``rows`` are their
    column values (``object_type``, ``object_id``, ``raw``, ``verb``, ``result``,
    ``timestamp``), to which this sets ``status``, ``learner_id`` and ``effects``, so
    the statements are written once, with their outcome."""
    for row, (status, learner_id, effects) in zip(rows, _outcomes(rows), strict=True):
        row["status"], row["learner_id"], row["effects"] = status, learner_id, effects


def _outcomes(items: Sequence[dict]) -> list[tuple[str, int | None, dict | None]]:
    """Record what ``items`` (statements' column values) ask for, in bulk; return each
    one's (status, learner id, effects), in order."""
    outcomes: list = [(UNMAPPED, None, None)] * len(items)
    modules = resolve_modules(s["object_id"] for s in items if _is_activity(s))
    mapped = [i for i, s in enumerate(items) if _is_activity(s) and s["object_id"] in modules]
    learner_ids = resolve_learners([(items[i]["raw"] or {}).get("actor") for i in mapped])
    work = []
    for index, learner_id in zip(mapped, learner_ids, strict=True):
        if learner_id is None:
            outcomes[index] = (UNKNOWN_ACTOR, None, None)
        else:
            work.append((index, learner_id, modules[items[index]["object_id"]]))
    for index, outcome in _apply(items, work):
        outcomes[index] = outcome
    return outcomes


def _write_outcomes(done: list[tuple[XapiStatement, tuple[str, int | None, dict | None]]]) -> None:
    """Status, learner and effects of every statement in one executemany UPDATE (the
    ORM would flush them row by row, twice, as the batch's queries autoflush)."""
    if not done:
        return
    session().execute(
        update(STATEMENTS)
        .where(STATEMENTS.c.id == bindparam("sid"))
        .values(
            status=bindparam("new_status"),
            learner_id=bindparam("new_learner"),
            effects=bindparam("new_effects", type_=STATEMENTS.c.effects.type),
        ),
        [
            dict(sid=s.id, new_status=status, new_learner=learner_id, new_effects=effects)
            for s, (status, learner_id, effects) in done
        ],
    )
    for statement, (status, learner_id, effects) in done:
        # The objects say what the rows now hold, without a second write.
        set_committed_value(statement, "status", status)
        set_committed_value(statement, "learner_id", learner_id)
        set_committed_value(statement, "effects", effects)


def _is_activity(statement: dict) -> bool:
    return (statement["object_type"] or ACTIVITY) == ACTIVITY


def _apply(items: Sequence[dict], work: list[tuple[int, int, ModuleRef]]) -> list[tuple]:
    """Record the completions, attempts and progress the statements ask for, in bulk;
    return each statement's outcome (index, (status, learner id, effects))."""
    if not work:
        return []
    outcomes = []
    quizzes = _quiz_of({module.id for _i, _l, module in work})
    completions: dict[tuple[int, int, datetime], float | None] = {}
    attempts: list[dict] = []
    started: dict[tuple[int, int], list] = {}
    for index, learner_id, module in work:
        statement = items[index]
        intent = intent_of(statement["verb"], statement["result"])
        moment = statement["timestamp"]
        effects: dict = {"module_id": module.id}
        if intent.completes:
            key = (learner_id, module.id, moment)
            if intent.score is not None or key not in completions:
                completions[key] = intent.score
            effects["completion"] = {"at": instant(moment), "score": intent.score}
        quiz_id = quizzes.get(module.id)
        if intent.attempt_passed is not None and quiz_id is not None:
            attempt_key = f"xapi:{learner_id}:{quiz_id}:{instant(moment)}"
            attempts.append(
                dict(
                    quiz_id=quiz_id,
                    learner_id=learner_id,
                    moment=moment,
                    score_pct=intent.score,
                    passed=intent.attempt_passed,
                    idempotency_key=attempt_key,
                )
            )
            effects["attempt"] = {"quiz_id": quiz_id, "key": attempt_key}
        if intent.starts:
            started.setdefault((learner_id, module.id), []).append((moment, module))
            effects["progress"] = True
        acted = len(effects) > 1
        outcomes.append(
            (index, (PROCESSED if acted else NO_EFFECT, learner_id, effects if acted else None))
        )
    if started:
        _start_modules(started)
    if completions:
        record_completions(
            [
                dict(learner_id=lid, module_id=mid, completed_at=at, score=score)
                for (lid, mid, at), score in completions.items()
            ],
            source="xapi",
        )
    if attempts:
        _record_attempts(attempts)
    return outcomes


def _quiz_of(module_ids: set[int]) -> dict[int, int]:
    """Each module's completion quiz (post-test, else practice quiz): one query."""
    best: dict[int, tuple] = {}
    rows = session().execute(
        select(Quiz.module_id, Quiz.id, Quiz.kind).where(
            Quiz.module_id.in_(module_ids), Quiz.kind.in_(("post_test", "practice"))
        )
    )
    for module_id, quiz_id, kind in rows:
        rank = (kind != "post_test", quiz_id)
        if module_id not in best or rank < best[module_id]:
            best[module_id] = rank
    return {module_id: rank[1] for module_id, rank in best.items()}


def _start_modules(started: dict[tuple[int, int], list]) -> None:
    """Progress rows for modules started through xAPI (first moment), activity moved on."""
    db = session()
    pairs = sorted(started)
    found: dict[tuple[int, int], tuple[int, datetime]] = {}
    done: dict[tuple[int, int], datetime] = {}
    for part in chunked(pairs, IN_CHUNK):
        for pid, lid, mid, last in db.execute(
            select(
                ModuleProgress.id,
                ModuleProgress.learner_id,
                ModuleProgress.module_id,
                ModuleProgress.last_activity_at,
            ).where(tuple_(ModuleProgress.learner_id, ModuleProgress.module_id).in_(part))
        ):
            found[(lid, mid)] = (pid, last)
        new_pairs = [pair for pair in part if pair not in found]
        if new_pairs:
            # Started after it was completed (a review visit): the row says completed.
            done.update(
                {
                    (lid, mid): at
                    for lid, mid, at in db.execute(
                        select(
                            Completion.learner_id,
                            Completion.module_id,
                            func.min(Completion.completed_at),
                        )
                        .where(tuple_(Completion.learner_id, Completion.module_id).in_(new_pairs))
                        .group_by(Completion.learner_id, Completion.module_id)
                    )
                }
            )
    inserts, moves = [], []
    for pair in pairs:
        moments = [moment for moment, _module in started[pair]]
        first, last = min(moments), max(moments)
        if pair in found:
            pid, previous = found[pair]
            if previous is None or last > previous:
                moves.append(dict(id=pid, last_activity_at=last))
            continue
        module = started[pair][0][1]
        inserts.append(
            dict(
                learner_id=pair[0],
                module_id=pair[1],
                version=module.current_version,
                started_at=first,
                last_activity_at=last,
                time_spent_s=0,
                steps_seen=[],
                current_step=0,
                completed_at=done.get(pair),
            )
        )
    for part in chunked(inserts, 5000):
        db.execute(insert(ModuleProgress), part)
    if moves:
        db.execute(update(ModuleProgress), moves)


def _record_attempts(rows: list[dict]) -> None:
    """Submitted attempts (no answers: the quiz ran elsewhere), then the learners' XP
    replayed so their quiz XP is what a rebuild gives (first pass, first try, 100 %)."""
    db = session()
    by_key = {row["idempotency_key"]: row for row in rows}
    used = set()
    for part in chunked(sorted(by_key), IN_CHUNK):
        used.update(
            db.scalars(select(Attempt.idempotency_key).where(Attempt.idempotency_key.in_(part)))
        )
    fresh = sorted(
        (row for key, row in by_key.items() if key not in used),
        key=lambda row: (row["moment"], row["idempotency_key"]),
    )
    if not fresh:
        return
    pairs = sorted({(row["quiz_id"], row["learner_id"]) for row in fresh})
    numbers: dict[tuple[int, int], int] = {}
    for part in chunked(pairs, IN_CHUNK):
        numbers.update(
            {
                (qid, lid): n
                for qid, lid, n in db.execute(
                    select(Attempt.quiz_id, Attempt.learner_id, func.max(Attempt.attempt_no))
                    .where(tuple_(Attempt.quiz_id, Attempt.learner_id).in_(part))
                    .group_by(Attempt.quiz_id, Attempt.learner_id)
                )
            }
        )
    inserts = []
    for row in fresh:
        pair = (row["quiz_id"], row["learner_id"])
        numbers[pair] = numbers.get(pair, 0) + 1
        inserts.append(
            dict(
                quiz_id=row["quiz_id"],
                learner_id=row["learner_id"],
                attempt_no=numbers[pair],
                started_at=row["moment"],
                submitted_at=row["moment"],
                score_pct=row["score_pct"],
                passed=row["passed"],
                idempotency_key=row["idempotency_key"],
            )
        )
    db.execute(insert(Attempt), inserts)
    learner_ids = {row["learner_id"] for row in fresh}
    replay_learners(learner_ids)
    _evaluate_badges(learner_ids)


def _evaluate_badges(learner_ids: set[int]) -> None:
    """Badges the new attempts earned (perfect quizzes...), dated when they were met."""
    from lms_roi.gamification import badges

    badges.evaluate_history(sorted(learner_ids), returned=False)


def process_activity(activity_iri: str) -> int:
    """Process the statements stored for ``activity_iri`` while it was unmapped (after it
    is mapped); returns how many were processed. Batches of :data:`BATCH` statements."""
    db = session()
    count, after = 0, 0
    while True:
        batch = db.scalars(
            select(XapiStatement)
            .where(
                XapiStatement.object_id == activity_iri,
                XapiStatement.status == UNMAPPED,
                XapiStatement.voided.is_(False),
                XapiStatement.id > after,
            )
            .order_by(XapiStatement.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return count
        process_statements(batch)
        count += len(batch)
        after = batch[-1].id


__all__ = ["process_activity", "process_rows", "process_statements", "void_statements"]
