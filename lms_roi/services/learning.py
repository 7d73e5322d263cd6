"""The one completion path, and a learner's progress through a module's lesson steps.

Every completion (web, REST, CSV import, xAPI) goes through :func:`record_completion`
or its batch form :func:`record_completions`: one transaction (the caller commits),
follow-ups scheduled, enrolments refreshed, ``module_completed`` sent once per new
completion. Services only flush.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms_roi.db import IN_CHUNK, chunked, session, utcnow
from lms_roi.errors import DomainError
from lms_roi.gamification import engine as xp
from lms_roi.lessons import split_steps
from lms_roi.models import (
    Attempt,
    Completion,
    FollowUp,
    Learner,
    Module,
    ModuleProgress,
    Quiz,
)
from lms_roi.services.mentees import organisation_today
from lms_roi.signals import module_completed
from lms_roi.sql_lists import insert_many, one_of

FOLLOW_UP_OFFSETS = (30, 60, 90)
# Days a follow-up can still be answered after its due date.
FOLLOW_UP_OPEN_DAYS = 30
LIVE_SOURCES = ("web", "api")
# A heartbeat adds at most this many seconds, and never more than the time since
# the previous one: a tab left open, or a replayed request, cannot inflate time spent.
HEARTBEAT_CAP_S = 60
# Time spent in a module counts up to this many times its planned duration.
TIME_SPENT_CAP_FACTOR = 4
INSERT_CHUNK = 5000


@dataclass(frozen=True)
class CompletionResult:
    """A recorded completion, and whether this call created it."""

    completion: Completion
    created: bool


@dataclass
class BatchCounts:
    """What :func:`record_completions` did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def live_key(learner_id: int, module_id: int, version: int) -> str:
    """Idempotency key of a live completion: one per learner, module and version."""
    return f"completion:{learner_id}:{module_id}:v{version}"


def record_completion(
    learner: Learner,
    module: Module,
    *,
    source: str = "web",
    completed_at: datetime | None = None,
    score: float | None = None,
    version: int | None = None,
) -> CompletionResult:
    """Record that ``learner`` completed ``module``; idempotent.

    Live sources (``web``, ``api``) are unique per learner, module and version: a
    resent completion returns the existing one (``created`` False) and changes
    nothing. History (``import``, ``xapi``) carries its own moment and is unique per
    learner, module and moment. ``version`` defaults to the version live at the
    moment (the module's current one for live completions).
    """
    db = session()
    completed_at = completed_at or utcnow()
    if version is None:
        version = (
            module.current_version
            if source in LIVE_SOURCES
            else _version_at(module.id, completed_at)
        )
    key = live_key(learner.id, module.id, version) if source in LIVE_SOURCES else None
    found = _existing(learner.id, module.id, completed_at, key)
    if found is not None:
        return CompletionResult(found, False)
    completion = Completion(
        learner_id=learner.id,
        module_id=module.id,
        version=version,
        completed_at=completed_at,
        score=score,
        source=source,
        idempotency_key=key,
    )
    try:
        # A concurrent request may insert the same completion first: the savepoint
        # keeps the caller's transaction usable and the existing row is returned.
        with db.begin_nested():
            db.add(completion)
            db.flush()
    except IntegrityError:
        # Either the same live completion (by key) or a history row at the same moment.
        found = _existing(learner.id, module.id, completed_at, key) or _existing(
            learner.id, module.id, completed_at, None
        )
        if found is None:
            raise
        return CompletionResult(found, False)
    _after_completions([(learner.id, module.id, completed_at)])
    progress = db.scalar(
        select(ModuleProgress).where(
            ModuleProgress.learner_id == learner.id, ModuleProgress.module_id == module.id
        )
    )
    if progress is not None and progress.completed_at is None:
        progress.completed_at = completed_at
    db.flush()
    xp.on_completion(completion, live=source in LIVE_SOURCES)
    module_completed.send(
        current_app._get_current_object(), learner=learner, module=module, completion=completion
    )
    return CompletionResult(completion, True)


def record_completions(rows: Sequence[dict], source: str = "import") -> BatchCounts:
    """Record many history completions at once (CSV import, xAPI batches).

    ``rows``: dicts with ``learner_id``, ``module_id``, ``completed_at``, ``score``
    and optionally ``version`` (else the version live at the moment). Unique per
    learner, module and moment: an existing completion is left alone, or gets the
    row's score when that differs. Bulk SQL only: a few queries per chunk of rows.
    """
    db = session()
    counts = BatchCounts()
    if not rows:
        return counts
    module_ids = {r["module_id"] for r in rows}
    versions = version_timeline(module_ids)
    existing: dict[tuple, tuple[int, float | None]] = {}
    for part in chunked(sorted({r["learner_id"] for r in rows}), IN_CHUNK):
        result = db.execute(
            select(
                Completion.learner_id,
                Completion.module_id,
                Completion.completed_at,
                Completion.id,
                Completion.score,
            ).where(one_of(Completion.learner_id, part), Completion.module_id.in_(module_ids))
        )
        for learner_id, module_id, moment, completion_id, score in result:
            existing[(learner_id, module_id, moment)] = (completion_id, score)
    inserts, updates = [], []
    for row in rows:
        found = existing.get((row["learner_id"], row["module_id"], row["completed_at"]))
        if found is None:
            version = row.get("version") or version_at(
                versions.get(row["module_id"]), row["completed_at"]
            )
            inserts.append(
                dict(
                    learner_id=row["learner_id"],
                    module_id=row["module_id"],
                    completed_at=row["completed_at"],
                    score=row.get("score"),
                    source=source,
                    version=version,
                )
            )
        elif row.get("score") is not None and found[1] != row["score"]:
            updates.append(dict(id=found[0], score=row["score"]))
        else:
            counts.unchanged += 1
    # Core executemany, not the ORM's bulk path nor RETURNING: SQLite would send
    # one statement per row for either.
    for part in chunked(inserts, INSERT_CHUNK):
        insert_many(db, Completion.__table__, part)
    if updates:
        db.execute(update(Completion), updates)
    counts.inserted, counts.updated = len(inserts), len(updates)
    if inserts:
        done = [(r["learner_id"], r["module_id"], r["completed_at"]) for r in inserts]
        _after_completions(done)
        _mark_progress_completed(done)
        # The pairs completed before this batch are in hand: no second read of them.
        before = {(learner_id, module_id) for learner_id, module_id, _at in existing}
        xp.on_completions([(None, *row) for row in done], completed_before=before)
        _send_batch_signals(done)
    return counts


def _mark_progress_completed(done: list[tuple[int, int, datetime]]) -> None:
    """Lessons in progress that a batch completed are completed (one UPDATE per chunk)."""
    first: dict[tuple[int, int], datetime] = {}
    for learner_id, module_id, moment in done:
        if (learner_id, module_id) not in first or moment < first[(learner_id, module_id)]:
            first[(learner_id, module_id)] = moment
    db = session()
    # By learner (a few rows each), the pairs picked here: one list parameter, not pairs.
    for part in chunked(sorted({learner_id for learner_id, _module_id in first}), IN_CHUNK):
        open_rows = db.execute(
            select(ModuleProgress.id, ModuleProgress.learner_id, ModuleProgress.module_id).where(
                one_of(ModuleProgress.learner_id, part), ModuleProgress.completed_at.is_(None)
            )
        )
        started = [(pid, lid, mid) for pid, lid, mid in open_rows if (lid, mid) in first]
        if started:
            db.execute(
                update(ModuleProgress),
                [dict(id=pid, completed_at=first[(lid, mid)]) for pid, lid, mid in started],
            )


class ModuleLocked(DomainError):
    """A prerequisite of the module is not completed yet."""

    status = 409


def ensure_unlocked(learner: Learner, module: Module) -> None:
    """Refuse (``module_locked``) while a prerequisite of ``module`` is not completed."""
    from . import paths

    missing = paths.missing_prerequisites(learner, module)
    if missing:
        raise ModuleLocked("module_locked", paths.prerequisite_message(missing), "module")


def learner_today(learner: Learner) -> date:
    """Today's date where the learner is (their time zone, else the organisation's)."""
    return _local_date(utcnow(), learner.timezone)


def completion_quiz(module: Module) -> Quiz | None:
    """The quiz to pass to complete ``module``: its post-test, else its practice quiz."""
    quizzes = (
        session()
        .scalars(
            select(Quiz).where(
                Quiz.module_id == module.id, Quiz.kind.in_(("post_test", "practice"))
            )
        )
        .all()
    )
    ranked = sorted(quizzes, key=lambda q: (q.kind != "post_test", q.id))
    return ranked[0] if ranked else None


def module_quizzes(module: Module) -> dict[str, Quiz]:
    """The module's quizzes by kind (``pre_test``, ``practice``, ``post_test``)."""
    quizzes = (
        session().scalars(select(Quiz).where(Quiz.module_id == module.id).order_by(Quiz.id)).all()
    )
    out: dict[str, Quiz] = {}
    for quiz in quizzes:
        out.setdefault(quiz.kind, quiz)
    return out


def passed_score(learner: Learner, quiz: Quiz) -> float | None:
    """The best score of ``learner``'s passed attempts at ``quiz`` (None when never passed)."""
    return session().scalar(
        select(func.max(Attempt.score_pct)).where(
            Attempt.quiz_id == quiz.id,
            Attempt.learner_id == learner.id,
            Attempt.passed.is_(True),
        )
    )


def progress_of(learner: Learner, module: Module) -> ModuleProgress | None:
    """``learner``'s progress row for ``module``, if they started it."""
    return session().scalar(
        select(ModuleProgress).where(
            ModuleProgress.learner_id == learner.id, ModuleProgress.module_id == module.id
        )
    )


def in_progress(learner: Learner, limit: int = 3) -> list[tuple[ModuleProgress, Module]]:
    """Modules the learner started and has not completed, most recently active first."""
    return [
        tuple(row)
        for row in session().execute(
            select(ModuleProgress, Module)
            .join(Module, Module.id == ModuleProgress.module_id)
            .where(
                ModuleProgress.learner_id == learner.id,
                ModuleProgress.completed_at.is_(None),
                Module.published.is_(True),
            )
            .order_by(ModuleProgress.last_activity_at.desc(), ModuleProgress.id.desc())
            .limit(limit)
        )
    ]


def start_module(learner: Learner, module: Module, now: datetime | None = None) -> ModuleProgress:
    """The learner's progress in ``module``, created on the first visit.

    A new version of the module starts the lesson afresh: the steps seen in an
    earlier version do not count towards completing this one.
    """
    progress = progress_of(learner, module)
    if progress is not None and progress.version != module.current_version:
        progress.version = module.current_version
        progress.steps_seen = []
        progress.current_step = 0
        progress.completed_at = None
        session().flush()
    if progress is None:
        now = now or utcnow()
        progress = ModuleProgress(
            learner_id=learner.id,
            module_id=module.id,
            version=module.current_version,
            started_at=now,
            last_activity_at=now,
            time_spent_s=0,
            steps_seen=[],
            current_step=0,
        )
        db = session()
        try:
            with db.begin_nested():
                db.add(progress)
                db.flush()
        except IntegrityError:
            # Two tabs opened the module at once: use the row the other one made.
            progress = progress_of(learner, module)
    return progress


def see_step(
    learner: Learner, module: Module, index: int, now: datetime | None = None
) -> tuple[ModuleProgress, CompletionResult | None]:
    """Mark lesson step ``index`` seen and resume there; completes the module when it can.

    Refused (``module_locked``) while a prerequisite is missing.
    """
    ensure_unlocked(learner, module)
    steps = split_steps(module.body_md)
    index = min(max(index, 0), len(steps) - 1)
    progress = start_module(learner, module, now)
    seen = set(progress.steps_seen or [])
    if index not in seen:
        # A new list, so the JSON column is seen as changed.
        progress.steps_seen = sorted(seen | {index})
    progress.current_step = index
    progress.last_activity_at = now or utcnow()
    session().flush()
    return progress, try_complete(learner, module)


def heartbeat(
    learner: Learner, module: Module, seconds: int, now: datetime | None = None
) -> ModuleProgress:
    """Add time spent on the module page while it is visible (capped per beat)."""
    now = now or utcnow()
    progress = start_module(learner, module, now)
    since_last = max((now - progress.last_activity_at).total_seconds(), 0)
    # Whole seconds actually elapsed; a faster beat adds nothing and leaves the clock
    # running from the last counted one, so beats cannot outrun real time.
    added = int(min(max(seconds, 0), HEARTBEAT_CAP_S, since_last))
    ceiling = module.duration_minutes * 60 * TIME_SPENT_CAP_FACTOR
    added = max(min(added, ceiling - (progress.time_spent_s or 0)), 0)
    if added:
        progress.time_spent_s = (progress.time_spent_s or 0) + added
        progress.last_activity_at = progress.last_activity_at + timedelta(seconds=added)
        if (now - progress.last_activity_at).total_seconds() > HEARTBEAT_CAP_S:
            progress.last_activity_at = now
    elif since_last > HEARTBEAT_CAP_S:
        progress.last_activity_at = now
    session().flush()
    return progress


def lesson_started(learner: Learner, module: Module) -> bool:
    """Whether the learner has seen a step of the module or completed it (any version)."""
    db = session()
    seen = db.scalar(
        select(ModuleProgress.steps_seen).where(
            ModuleProgress.learner_id == learner.id, ModuleProgress.module_id == module.id
        )
    )
    if seen:
        return True
    return (
        db.scalar(
            select(Completion.id)
            .where(Completion.learner_id == learner.id, Completion.module_id == module.id)
            .limit(1)
        )
        is not None
    )


def steps_remaining(learner: Learner, module: Module) -> list[int]:
    """Indexes of the current version's lesson steps ``learner`` has not seen yet."""
    progress = progress_of(learner, module)
    current = progress is not None and progress.version == module.current_version
    seen = set(progress.steps_seen or []) if current else set()
    return [i for i in range(len(split_steps(module.body_md))) if i not in seen]


def try_complete(
    learner: Learner, module: Module, *, source: str = "web"
) -> CompletionResult | None:
    """Complete ``module`` when every step is seen and its quiz (if any) is passed.

    The completion's score is the best passing score of the completion quiz.
    Returns None while something is missing.
    """
    if steps_remaining(learner, module):
        return None
    quiz = completion_quiz(module)
    score = None
    if quiz is not None:
        score = passed_score(learner, quiz)
        if score is None:
            return None
    return record_completion(learner, module, source=source, score=score)


def version_timeline(module_ids: Iterable[int]) -> dict[int, tuple[list[datetime], list[int]]]:
    """Per module, the publication moments and numbers of its versions, in order."""
    from lms_roi.models import ModuleVersion

    timeline: dict[int, tuple[list, list]] = {}
    rows = session().execute(
        select(ModuleVersion.module_id, ModuleVersion.published_at, ModuleVersion.version)
        .where(ModuleVersion.module_id.in_(set(module_ids)))
        .order_by(ModuleVersion.module_id, ModuleVersion.published_at, ModuleVersion.version)
    )
    for module_id, published_at, version in rows:
        moments, numbers = timeline.setdefault(module_id, ([], []))
        moments.append(published_at)
        numbers.append(version)
    return timeline


def version_at(timeline, moment: datetime) -> int:
    """The version live at ``moment``: the last one published before it (else the first)."""
    from bisect import bisect_right

    if not timeline:
        return 1
    moments, numbers = timeline
    index = bisect_right(moments, moment) - 1
    return numbers[max(index, 0)]


def _version_at(module_id: int, moment: datetime) -> int:
    return version_at(version_timeline([module_id]).get(module_id), moment)


def _existing(learner_id: int, module_id: int, moment: datetime, key: str | None):
    condition = (
        Completion.idempotency_key == key
        if key
        else and_(
            Completion.learner_id == learner_id,
            Completion.module_id == module_id,
            Completion.completed_at == moment,
        )
    )
    return session().scalar(select(Completion).where(condition))


def _after_completions(done: list[tuple[int, int, datetime]]) -> None:
    """Follow-ups for first completions, then finished enrolments; bulk SQL."""
    from . import paths  # paths reads completions; imported here to keep the graph acyclic

    _schedule_follow_ups(done)
    if len(done) == 1:
        paths.refresh_enrollment(done[0][0], done[0][1])
    else:
        paths.refresh_enrollments({learner_id for learner_id, _, _ in done})


def _schedule_follow_ups(done: list[tuple[int, int, datetime]]) -> None:
    """+30/+60/+90-day follow-ups after a learner's first completion of a module.

    Due dates count from the completion's calendar date in the learner's time zone.
    A pair that already has follow-ups (an earlier completion) gets none. A
    follow-up stays open :data:`FOLLOW_UP_OPEN_DAYS` after it is due; imported
    history whose follow-ups closed before the import gets none of those (nobody
    was asked, so they must not count as unanswered).
    """
    db = session()
    first: dict[tuple[int, int], datetime] = {}
    for learner_id, module_id, moment in done:
        pair = (learner_id, module_id)
        if pair not in first or moment < first[pair]:
            first[pair] = moment
    zones = _learner_zones({learner_id for learner_id, _ in first})
    oldest_open = organisation_today() - timedelta(days=FOLLOW_UP_OPEN_DAYS)
    due: dict[tuple[int, int], list[tuple[int, date]]] = {}
    for pair, moment in first.items():
        day = _local_date(moment, zones.get(pair[0]))
        offsets = [
            (offset, day + timedelta(days=offset))
            for offset in FOLLOW_UP_OFFSETS
            if day + timedelta(days=offset) >= oldest_open
        ]
        if offsets:
            due[pair] = offsets
    scheduled: set[tuple[int, int]] = set()
    for part in chunked(sorted({learner_id for learner_id, _module_id in due}), IN_CHUNK):
        pairs = db.execute(
            select(FollowUp.learner_id, FollowUp.module_id)
            .where(one_of(FollowUp.learner_id, part))
            .distinct()
        )
        scheduled.update((lid, mid) for lid, mid in pairs if (lid, mid) in due)
    rows = [
        dict(learner_id=pair[0], module_id=pair[1], offset_days=offset, due_on=due_on)
        for pair, offsets in due.items()
        if pair not in scheduled
        for offset, due_on in offsets
    ]
    for part in chunked(rows, INSERT_CHUNK):
        insert_many(db, FollowUp.__table__, part)


def _send_batch_signals(done: list[tuple[int, int, datetime]]) -> None:
    """``module_completed`` once per new completion, only when a host listens."""
    if not module_completed.receivers:
        return
    app = current_app._get_current_object()
    for part in chunked(done, IN_CHUNK):
        completions = session().scalars(
            select(Completion)
            .where(
                tuple_(Completion.learner_id, Completion.module_id, Completion.completed_at).in_(
                    part
                )
            )
            .options(selectinload(Completion.learner), selectinload(Completion.module))
            .order_by(Completion.id)
        )
        for completion in completions:
            module_completed.send(
                app, learner=completion.learner, module=completion.module, completion=completion
            )


def _learner_zones(learner_ids: set[int]) -> dict[int, str | None]:
    zones: dict[int, str | None] = {}
    for part in chunked(sorted(learner_ids), IN_CHUNK):
        zones.update(
            session()
            .execute(select(Learner.id, Learner.timezone).where(one_of(Learner.id, part)))
            .all()
        )
    return zones


def _local_date(moment: datetime, zone: str | None) -> date:
    name = zone or current_app.config.get("LMS_ROI_TIMEZONE", "UTC")
    try:
        return moment.astimezone(ZoneInfo(name)).date()
    except (KeyError, ValueError):
        return moment.date()


__all__ = [
    "BatchCounts",
    "ModuleLocked",
    "ensure_unlocked",
    "learner_today",
    "CompletionResult",
    "completion_quiz",
    "heartbeat",
    "module_quizzes",
    "passed_score",
    "record_completion",
    "record_completions",
    "see_step",
    "start_module",
    "steps_remaining",
    "try_complete",
]
