"""Learning paths: enrollment, where a learner stands on a path, and prerequisites explained.

A path is a :class:`~lms_roi.models.Program`: modules in order. Its order is advisory
(the *next step* is the first step the learner can take); what is enforced are the
modules' prerequisites (:class:`~lms_roi.models.ModulePrerequisite`): a module is
*locked* while one of its required modules has no completion by the learner (any
version counts), and the page says which one to complete first. An enrollment turns
``completed`` once every module of its path is completed
(:func:`refresh_enrollment`, called after each completion). A path may have its own
pre-test (offered before its first module, optional) and post-test (open once every
module is completed): :func:`path_page` adds them and the learner's gain.

Reads are a fixed handful of queries per page, whatever the number of paths and steps.
Services only flush; the caller commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from lms_roi.analytics.knowledge import TEST_KINDS, ProgramGain, learner_program_gains
from lms_roi.db import chunked, session
from lms_roi.errors import DomainError
from lms_roi.models import (
    Completion,
    Enrollment,
    Learner,
    Module,
    ModulePrerequisite,
    Program,
    ProgramModule,
    Question,
    Quiz,
)

COMPLETED, AVAILABLE, LOCKED = "completed", "available", "locked"
#: Enrollment statuses that put a path among the learner's own.
ENROLLED = ("active", "completed")


@dataclass(frozen=True)
class PathStep:
    """One module of a path as the learner sees it.

    ``status`` is ``completed``, ``available`` or ``locked``; a locked step has a
    translated ``reason`` and the prerequisite modules still ``missing``.
    ``is_next`` marks the step to take next (the first available one).
    """

    position: int
    module: Module
    status: str
    reason: str | None = None
    missing: tuple[Module, ...] = ()
    is_next: bool = False


@dataclass(frozen=True)
class PathProgress:
    """A path's steps for one learner, and their enrollment status (None: not enrolled)."""

    program: Program
    enrollment_status: str | None
    steps: list[PathStep]

    @property
    def done(self) -> int:
        return sum(step.status == COMPLETED for step in self.steps)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def percent(self) -> float:
        return 100 * self.done / self.total if self.total else 0.0

    @property
    def next_step(self) -> PathStep | None:
        return next((step for step in self.steps if step.is_next), None)


@dataclass(frozen=True)
class PathTests:
    """A path's own pre-test and post-test (those with questions) for one learner.

    ``gain`` holds the learner's scores (first pre-test attempt, best post-test
    attempt) once either test was taken. The pre-test is offered until the learner
    takes it or completes a module of the path (it measures what they knew on
    arrival); the post-test opens once every module of the path is completed.
    """

    pre_test: Quiz | None
    post_test: Quiz | None
    gain: ProgramGain | None
    started: bool
    finished: bool

    @property
    def pre_score(self) -> float | None:
        return self.gain.pre if self.gain else None

    @property
    def post_score(self) -> float | None:
        return self.gain.post if self.gain else None

    @property
    def pre_open(self) -> bool:
        return self.pre_test is not None and self.pre_score is None and not self.started

    @property
    def post_open(self) -> bool:
        return self.post_test is not None and self.finished


@dataclass(frozen=True)
class PathPage:
    """What a learner's path page shows: the steps, and the path's own tests."""

    progress: PathProgress
    tests: PathTests


@dataclass(frozen=True)
class PathSummary:
    """An enrolled path in a list: how many modules are done and which one comes next."""

    program: Program
    status: str
    done: int
    total: int
    next_module: Module | None

    @property
    def percent(self) -> float:
        return 100 * self.done / self.total if self.total else 0.0


@dataclass(frozen=True)
class PathsOverview:
    """The learner's paths (active first, then completed) and the others they may join."""

    mine: list[PathSummary]
    others: list[tuple[Program, int]]  # (program, number of modules)


def _completed_by(learner_id, module_id):
    """SQL condition: the learner has a completion of the module (any version)."""
    # Correlated to any enclosing statement (the enrollment UPDATE is two levels up).
    return (
        select(Completion.id)
        .where(Completion.learner_id == learner_id, Completion.module_id == module_id)
        .correlate_except(Completion)
        .exists()
    )


def completed_module_ids(learner_id: int) -> set[int]:
    """Ids of the modules the learner completed (any version, any source)."""
    return set(
        session().scalars(
            select(Completion.module_id).where(Completion.learner_id == learner_id).distinct()
        )
    )


def locked_module_ids(learner_id: int) -> set[int]:
    """Ids of the modules the learner cannot take yet: a prerequisite is not completed."""
    return set(
        session().scalars(
            select(ModulePrerequisite.module_id)
            .where(~_completed_by(learner_id, ModulePrerequisite.required_module_id))
            .distinct()
        )
    )


def _missing_by_module(learner_id: int, module_ids) -> dict[int, list[Module]]:
    required = aliased(Module)
    rows = session().execute(
        select(ModulePrerequisite.module_id, required)
        .join(required, required.id == ModulePrerequisite.required_module_id)
        .where(
            ModulePrerequisite.module_id.in_(list(module_ids)),
            ~_completed_by(learner_id, ModulePrerequisite.required_module_id),
        )
        .order_by(required.title, required.id)
    )
    missing: dict[int, list[Module]] = defaultdict(list)
    for module_id, module in rows:
        missing[module_id].append(module)
    return missing


def missing_prerequisites(learner: Learner, module: Module) -> list[Module]:
    """The prerequisites of ``module`` the learner has not completed yet, by title."""
    return _missing_by_module(learner.id, [module.id]).get(module.id, [])


def prerequisite_message(missing: list[Module]) -> str:
    """Why a module is locked: "Complete “Lead qualification” first" (translated)."""
    titles = [_("“%(title)s”", title=module.title) for module in missing]
    return _("Complete %(modules)s first", modules=format_list(titles, locale=get_locale()))


def find_program(slug: str) -> Program | None:
    """The program (path) with this slug."""
    return session().scalar(select(Program).where(Program.slug == slug))


def _enrollment(learner_id: int, program_id: int) -> Enrollment | None:
    return session().scalar(
        select(Enrollment).where(
            Enrollment.learner_id == learner_id, Enrollment.program_id == program_id
        )
    )


def enroll(learner: Learner, program: Program) -> Enrollment:
    """Enroll the learner in the path; idempotent, and a withdrawn enrollment is reactivated.

    A learner who already completed every module of the path is enrolled as completed.
    """
    db = session()
    if not program.steps:
        raise DomainError("path_empty", _("This path has no module yet."), "program")
    enrollment = _enrollment(learner.id, program.id)
    if enrollment is None:
        try:
            with db.begin_nested():
                enrollment = Enrollment(learner_id=learner.id, program_id=program.id)
                db.add(enrollment)
        except IntegrityError:  # enrolled by a concurrent request meanwhile
            enrollment = _enrollment(learner.id, program.id)
    elif enrollment.status == "withdrawn":
        enrollment.status, enrollment.completed_at = "active", None
    db.flush()
    if enrollment.status == "active":
        _complete_finished(Enrollment.id == enrollment.id)
    return enrollment


def withdraw(learner: Learner, program: Program) -> Enrollment:
    """Withdraw the learner from the path (idempotent); a completed path stays completed."""
    enrollment = _enrollment(learner.id, program.id)
    if enrollment is None:
        raise DomainError("not_enrolled", _("You are not enrolled in this path."), "program")
    if enrollment.status == "completed":
        raise DomainError(
            "path_completed", _("You completed this path: it stays in your record."), "program"
        )
    enrollment.status = "withdrawn"
    session().flush()
    return enrollment


def refresh_enrollment(learner_id: int, module_id: int) -> list[int]:
    """Mark completed the learner's active enrollments that ``module_id`` just finished.

    Call after a completion of ``module_id``. One UPDATE statement; the enrollment's
    ``completed_at`` is the latest completion of the path's modules (imported history
    keeps its own dates). Returns the ids of the programs completed.
    """
    return _complete_finished(
        Enrollment.learner_id == learner_id,
        Enrollment.program_id.in_(
            select(ProgramModule.program_id).where(ProgramModule.module_id == module_id)
        ),
    )


def refresh_enrollments(learner_ids: Iterable[int] | None = None) -> int:
    """Mark completed every active enrollment whose path is done (after a bulk import).

    One UPDATE statement over the active enrollments of ``learner_ids`` (in chunks),
    or of everyone when None; returns how many were completed.
    """
    if learner_ids is None:
        return len(_complete_finished())
    return sum(
        len(_complete_finished(Enrollment.learner_id.in_(part)))
        for part in chunked(sorted(set(learner_ids)))
    )


def _complete_finished(*conditions) -> list[int]:
    step = aliased(ProgramModule)
    pending = (
        select(step.id)
        .where(
            step.program_id == Enrollment.program_id,
            ~_completed_by(Enrollment.learner_id, step.module_id),
        )
        .exists()
    )
    has_steps = select(step.id).where(step.program_id == Enrollment.program_id).exists()
    finished_at = (
        select(func.max(Completion.completed_at))
        .join(step, step.module_id == Completion.module_id)
        .where(step.program_id == Enrollment.program_id)
        .where(Completion.learner_id == Enrollment.learner_id)
        .scalar_subquery()
    )
    result = session().execute(
        update(Enrollment)
        .where(Enrollment.status == "active", has_steps, ~pending, *conditions)
        .values(status=COMPLETED, completed_at=finished_at)
        .returning(Enrollment.program_id),
        execution_options={"synchronize_session": "fetch"},
    )
    return sorted(result.scalars())


def path_progress(learner: Learner, program: Program) -> PathProgress:
    """The path's steps in order, each completed, available or locked (with the reason).

    A step is locked while a prerequisite of its module is not completed, or while the
    module is not published. Four queries.
    """
    enrollment = _enrollment(learner.id, program.id)
    rows = step_rows(learner.id, [program.id]).get(program.id, [])
    missing = _missing_by_module(learner.id, [module.id for _p, module, _d, _l in rows])
    steps, next_found = [], False
    for position, module, done, _locked in rows:
        needed = missing.get(module.id, [])
        if done:
            step = PathStep(position, module, COMPLETED)
        elif needed:
            step = PathStep(position, module, LOCKED, prerequisite_message(needed), tuple(needed))
        elif not module.published:
            step = PathStep(position, module, LOCKED, _("This module is not published yet."))
        else:
            step = PathStep(position, module, AVAILABLE, is_next=not next_found)
            next_found = True
        steps.append(step)
    return PathProgress(program, enrollment.status if enrollment else None, steps)


def path_page(learner: Learner, program: Program) -> PathPage:
    """The path's steps for the learner (:func:`path_progress`) and its own tests."""
    progress = path_progress(learner, program)
    return PathPage(progress, path_tests(learner, program, progress))


def path_tests(learner: Learner, program: Program, progress: PathProgress) -> PathTests:
    """The path's own pre-test and post-test and the learner's scores (two queries)."""
    quizzes = session().scalars(
        select(Quiz)
        .where(
            Quiz.program_id == program.id,
            Quiz.kind.in_(TEST_KINDS),
            select(Question.id).where(Question.quiz_id == Quiz.id).exists(),
        )
        .order_by(Quiz.id)
    )
    by_kind: dict[str, Quiz] = {}
    for quiz in quizzes:
        by_kind.setdefault(quiz.kind, quiz)
    gain = next((g for g in learner_program_gains(learner.id) if g.program_id == program.id), None)
    return PathTests(
        pre_test=by_kind.get("pre_test"),
        post_test=by_kind.get("post_test"),
        gain=gain,
        started=progress.done > 0,
        finished=progress.total > 0 and progress.done == progress.total,
    )


def step_rows(learner_id: int, program_ids) -> dict[int, list[tuple[int, Module, bool, bool]]]:
    """Per program: (position, module, completed, locked) of each step, in order; one query."""
    if not program_ids:
        return {}
    done = _completed_by(learner_id, ProgramModule.module_id)
    locked = (
        select(ModulePrerequisite.id)
        .where(
            ModulePrerequisite.module_id == ProgramModule.module_id,
            ~_completed_by(learner_id, ModulePrerequisite.required_module_id),
        )
        .exists()
    )
    rows = session().execute(
        select(
            ProgramModule.program_id,
            ProgramModule.position,
            Module,
            case((done, True), else_=False),
            case((locked, True), else_=False),
        )
        .join(Module, Module.id == ProgramModule.module_id)
        .where(ProgramModule.program_id.in_(list(program_ids)))
        .order_by(ProgramModule.program_id, ProgramModule.position)
    )
    by_program: dict[int, list] = defaultdict(list)
    for program_id, position, module, is_done, is_locked in rows:
        by_program[program_id].append((position, module, bool(is_done), bool(is_locked)))
    return by_program


def next_module(rows) -> Module | None:
    """The first module of a path's step rows the learner can take now (advisory order)."""
    for _position, module, done, locked in rows:
        if not done and not locked and module.published:
            return module
    return None


def home_paths(learner: Learner) -> list[PathSummary]:
    """The learner's active and completed paths with done/total and the next module.

    Active paths first, then by title; two queries (the learner home calls it).
    """
    return paths_overview(learner, with_others=False).mine


def paths_overview(learner: Learner, *, with_others: bool = True) -> PathsOverview:
    """The learner's paths and the other paths with modules they may enroll in (3 queries)."""
    stmt = (
        select(Program, Enrollment.status, func.count(ProgramModule.id))
        .outerjoin(
            Enrollment,
            (Enrollment.program_id == Program.id) & (Enrollment.learner_id == learner.id),
        )
        .outerjoin(ProgramModule, ProgramModule.program_id == Program.id)
        .group_by(Program.id, Enrollment.status)
        .order_by(Program.title, Program.id)
    )
    if not with_others:
        stmt = stmt.where(Enrollment.status.in_(ENROLLED))
    rows = session().execute(stmt).all()
    mine = [(program, status) for program, status, _n in rows if status in ENROLLED]
    steps = step_rows(learner.id, [program.id for program, _status in mine])
    summaries = [
        PathSummary(
            program=program,
            status=status,
            done=sum(done for _p, _m, done, _l in steps.get(program.id, [])),
            total=len(steps.get(program.id, [])),
            next_module=None if status == COMPLETED else next_module(steps.get(program.id, [])),
        )
        for program, status in mine
    ]
    summaries.sort(key=lambda summary: summary.status != "active")  # stable: titles kept
    others = [(program, n) for program, status, n in rows if status not in ENROLLED and n > 0]
    return PathsOverview(mine=summaries, others=others)
