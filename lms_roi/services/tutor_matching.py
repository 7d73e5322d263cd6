"""Tutor suggestions for a mentee and a module or a program, each saying why.

Who is suggested: active people with the tutor role, other than the mentee, with a free
place (places taken < capacity, see :mod:`.tutoring_pairs`), who completed the target —
the module, or every module of the program's path — and who do not already tutor the
mentee or have the mentee's request pending.

A tutor *masters* a module when their best completion score of it is at least
:data:`HIGH_SCORE_PCT`. Ranking, key by key (a later key only breaks ties of the
earlier ones):

(a) completed the target with a high score first: mastered the module, or every module
    of the program;
(b) then tutors in the mentee's own team (not merely the same department) or sharing a
    skill first: a skill is shared when the tutor mastered another module (not one of
    the target's) carrying one of the tags of the target module (of the program's
    modules);
(c) then more free places (capacity minus places taken) first;
(d) then by name (case-insensitive), then by id.

At most six queries whatever the number of tutors: the target (a program also reads its
path), its tags, the mentee's team, the candidates with their completion aggregates and
places taken (``GROUP BY``), and the skills they share with the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, func, select

from lms_roi.db import session
from lms_roi.i18n import percent
from lms_roi.models import (
    Completion,
    Learner,
    Module,
    ModuleTag,
    Program,
    ProgramModule,
    RoleGrant,
    Team,
    TutoringPair,
)

from .mentees import organisation_today
from .tutoring_pairs import DEFAULT_TUTOR_CAPACITY, holds_place

#: A best completion score (%) at or above this is a high score: the module is mastered.
HIGH_SCORE_PCT = 80.0


@dataclass(frozen=True)
class Target:
    """What the mentee wants to learn: a module, or a program (its path's modules)."""

    kind: str  # "module" | "program"
    id: int
    title: str
    module_ids: tuple[int, ...]
    tags: frozenset[str]


@dataclass(frozen=True)
class Suggestion:
    """A tutor suggested for a target, with the facts the ranking used.

    ``score`` is the best score of the module, or for a program the lowest of the
    best scores of its modules (None when a module has no scored completion).
    """

    tutor_id: int
    name: str
    team: str | None
    target: Target
    score: float | None
    high_score: bool
    same_team: bool
    skills: tuple[str, ...]
    capacity: int
    taken: int

    @property
    def spare(self) -> int:
        """Free places of the tutor."""
        return self.capacity - self.taken

    def rank_key(self) -> tuple:
        """The ranking of the module docstring, as a sort key."""
        close = self.same_team or bool(self.skills)
        return (not self.high_score, not close, -self.spare, self.name.casefold(), self.tutor_id)

    @property
    def reasons(self) -> list[str]:
        """Why this tutor is suggested, as sentences in the current language (for analysts:
        with the tutor's score)."""
        return self.reasons_for(with_score=True)

    def reasons_for(self, *, with_score: bool) -> list[str]:
        """The reasons; without ``with_score`` (a learner choosing a tutor), a high score
        is said without its value: a tutor's scores are their own learning data (§8)."""
        title = self.target.title
        shown = None if self.score is None else percent(self.score, _digits(self.score))
        if self.target.kind == "module":
            if shown is None:
                reasons = [_("Completed “%(title)s”", title=title)]
            elif not with_score:
                reasons = [
                    _("Completed “%(title)s” with a high score", title=title)
                    if self.high_score
                    else _("Completed “%(title)s”", title=title)
                ]
            else:
                reasons = [_("Completed “%(title)s” with %(score)s", title=title, score=shown)]
        elif self.high_score:
            reasons = [
                _(
                    "Completed every module of “%(title)s” with at least %(score)s",
                    title=title,
                    score=shown,
                )
                if with_score
                else _("Completed every module of “%(title)s” with a high score", title=title)
            ]
        else:
            reasons = [_("Completed every module of “%(title)s”", title=title)]
        if self.same_team:
            reasons.append(_("Same team: %(team)s", team=self.team))
        reasons += [_("Shares the skill “%(skill)s”", skill=skill) for skill in self.skills]
        reasons.append(
            ngettext(
                "%(num)d of %(capacity)d places free",
                "%(num)d of %(capacity)d places free",
                self.spare,
                capacity=self.capacity,
            )
        )
        return reasons


def _digits(score: float) -> int:
    """No decimals for a whole score, one otherwise (79.6 % must not read as 80 %)."""
    return 0 if float(score).is_integer() else 1


def module_target(module_id: int) -> Target | None:
    """The target of one module (None when it does not exist)."""
    title = session().scalar(select(Module.title).where(Module.id == module_id))
    if title is None:
        return None
    return Target("module", module_id, title, (module_id,), _tags([module_id]))


def program_target(program_id: int) -> Target | None:
    """The target of a program: the modules of its path (None when it does not exist)."""
    title = session().scalar(select(Program.title).where(Program.id == program_id))
    if title is None:
        return None
    ids = tuple(
        session().scalars(
            select(ProgramModule.module_id).where(ProgramModule.program_id == program_id)
        )
    )
    return Target("program", program_id, title, ids, _tags(ids))


def _tags(module_ids) -> frozenset[str]:
    return frozenset(
        session().scalars(
            select(ModuleTag.tag).distinct().where(ModuleTag.module_id.in_(list(module_ids)))
        )
    )


def suggest_tutors(
    mentee_id: int, target: Target, *, today: date | None = None, limit: int | None = None
) -> list[Suggestion]:
    """Tutors for ``mentee_id`` and ``target``, ranked as the module docstring says."""
    if not target.module_ids:
        return []  # nobody completed an empty path
    today = today or organisation_today()
    db = session()
    mentee_team = db.scalar(select(Learner.team_id).where(Learner.id == mentee_id))
    rows = db.execute(_candidates(mentee_id, target, today)).all()
    skills = _shared_skills(target) if rows else {}
    n_modules = len(target.module_ids)
    suggestions = [
        Suggestion(
            tutor_id=row.id,
            name=row.display_name,
            team=row.team,
            target=target,
            score=None if row.lowest_best is None else float(row.lowest_best),
            high_score=row.mastered == n_modules,
            same_team=mentee_team is not None and row.team_id == mentee_team,
            skills=tuple(sorted(skills.get(row.id, ()), key=str.casefold)),
            capacity=row.capacity,
            taken=row.taken,
        )
        for row in rows
    ]
    suggestions.sort(key=Suggestion.rank_key)
    return suggestions if limit is None else suggestions[:limit]


def _best_scores(module_ids):
    """Each tutor's best score per module of ``module_ids`` completed (NULL: never scored)."""
    tutors = select(RoleGrant.learner_id).where(RoleGrant.role == "tutor")
    return (
        select(
            Completion.learner_id,
            Completion.module_id,
            func.max(Completion.score).label("best"),
        )
        .where(Completion.module_id.in_(module_ids), Completion.learner_id.in_(tutors))
        .group_by(Completion.learner_id, Completion.module_id)
    )


def _candidates(mentee_id: int, target: Target, today: date):
    best = _best_scores(list(target.module_ids)).subquery()
    done = (
        select(
            best.c.learner_id,
            func.count().label("done"),
            func.min(best.c.best).label("lowest_best"),
            func.sum(case((best.c.best >= HIGH_SCORE_PCT, 1), else_=0)).label("mastered"),
        )
        .group_by(best.c.learner_id)
        .subquery()
    )
    taken = (
        select(TutoringPair.tutor_id, func.count(TutoringPair.id).label("taken"))
        .where(holds_place(today))
        .group_by(TutoringPair.tutor_id)
        .subquery()
    )
    already = select(TutoringPair.tutor_id).where(
        TutoringPair.mentee_id == mentee_id, TutoringPair.status.in_(("active", "requested"))
    )
    capacity = func.coalesce(Learner.tutor_capacity, DEFAULT_TUTOR_CAPACITY)
    n_taken = func.coalesce(taken.c.taken, 0)
    return (
        select(
            Learner.id,
            Learner.display_name,
            Learner.team_id,
            Team.name.label("team"),
            capacity.label("capacity"),
            n_taken.label("taken"),
            done.c.lowest_best,
            done.c.mastered,
        )
        .join(RoleGrant, (RoleGrant.learner_id == Learner.id) & (RoleGrant.role == "tutor"))
        .join(done, done.c.learner_id == Learner.id)
        .outerjoin(taken, taken.c.tutor_id == Learner.id)
        .outerjoin(Team, Team.id == Learner.team_id)
        .where(
            Learner.active.is_(True),
            Learner.id != mentee_id,
            Learner.id.not_in(already),
            n_taken < capacity,
            done.c.done == len(target.module_ids),
        )
    )


def _shared_skills(target: Target) -> dict[int, set[str]]:
    """Per tutor, the target's tags carried by other modules they mastered."""
    if not target.tags:
        return {}
    tagged = select(ModuleTag.module_id).where(
        ModuleTag.tag.in_(sorted(target.tags)),
        ModuleTag.module_id.not_in(list(target.module_ids)),
    )
    mastered = _best_scores(tagged).having(func.max(Completion.score) >= HIGH_SCORE_PCT).subquery()
    found: dict[int, set[str]] = {}
    rows = session().execute(
        select(mastered.c.learner_id, ModuleTag.tag)
        .distinct()
        .join(ModuleTag, ModuleTag.module_id == mastered.c.module_id)
        .where(ModuleTag.tag.in_(sorted(target.tags)))
    )
    for tutor_id, tag in rows:
        found.setdefault(tutor_id, set()).add(tag)
    return found
