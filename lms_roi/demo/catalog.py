"""Demo catalog: KPIs, modules with versions, costs and quizzes, programs, badges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from lms_roi.db import session
from lms_roi.models import (
    Badge,
    Choice,
    CostItem,
    Enrollment,
    Kpi,
    Module,
    ModuleKpi,
    ModuleTag,
    ModuleVersion,
    Objective,
    Program,
    ProgramModule,
    Question,
    Quiz,
)

from .content import BADGES, DEPARTMENTS, IMPROVED, KPIS, MODULES, PROGRAMS
from .lessons import LESSONS, REVISIONS, body_of
from .questions import QUESTIONS

PASS_MARK = 66


def create_kpis() -> dict[str, int]:
    db = session()
    db.execute(
        insert(Kpi),
        [
            dict(
                key=key,
                name=name,
                unit=unit,
                direction=direction,
                period="month",
                value_per_unit=Decimal(value),
            )
            for key, (name, unit, direction, value, *_rest) in KPIS.items()
        ],
    )
    return dict(db.execute(select(Kpi.key, Kpi.id)).all())


def create_modules(kpi_ids: dict[str, int], first_month: date, improved_on: date) -> dict:
    """Modules, their KPI links, tags, costs and versions (improved ones get a v2)."""
    db = session()
    v1_at = datetime.combine(first_month - timedelta(days=30), datetime.min.time(), UTC)
    v2_at = datetime.combine(improved_on, datetime.min.time(), UTC)
    modules = {}
    for slug, (title, method, minutes, _, _, tags, _) in MODULES.items():
        current = 2 if slug in IMPROVED else 1
        module = Module(
            slug=slug,
            title=title,
            method=method,
            duration_minutes=minutes,
            published=True,
            summary=LESSONS[slug].summary,
            body_md=body_of(slug, current),
            current_version=current,
        )
        module.tags = [ModuleTag(tag=tag) for tag in tags.split(";")]
        module.versions = [
            ModuleVersion(
                version=1,
                title=title,
                duration_minutes=minutes,
                body_md=body_of(slug, 1),
                change_note="First release",
                published_at=v1_at,
            )
        ]
        if current == 2:
            module.versions.append(
                ModuleVersion(
                    version=2,
                    title=title,
                    duration_minutes=minutes,
                    body_md=module.body_md,
                    change_note=REVISIONS[slug].change_note,
                    published_at=v2_at,
                )
            )
        db.add(module)
        modules[slug] = module
    db.flush()
    for slug, (*_, fixed, per_learner, _, links) in MODULES.items():
        module_id = modules[slug].id
        for key, (weight, _) in links.items():
            db.add(ModuleKpi(module_id=module_id, kpi_id=kpi_ids[key], weight=weight))
        db.add(
            CostItem(
                module_id=module_id,
                category="development",
                basis="fixed",
                amount=Decimal(fixed),
                description="Design and production",
            )
        )
        db.add(
            CostItem(
                module_id=module_id,
                category="delivery",
                basis="per_learner",
                amount=Decimal(per_learner),
                description="Licences, rooms and materials",
            )
        )
    db.flush()
    return {slug: module.id for slug, module in modules.items()}


def create_quizzes(module_ids: dict[str, int]) -> dict[str, dict]:
    """A pre-test (one attempt) and a post-test (three) per module, from its question bank.

    Returns per module slug ``{"pre": quiz_id, "post": quiz_id, "questions":
    {quiz_id: [(question_id, kind, [correct_choice_ids], [wrong_choice_ids])]}}``.
    """
    db = session()
    made = {}
    for slug, module_id in module_ids.items():
        for kind in ("pre_test", "post_test"):
            quiz = Quiz(
                slug=f"{slug}-{kind.replace('_', '-')}",
                module_id=module_id,
                kind=kind,
                title=f"{MODULES[slug][0]} — {kind.replace('_', '-')}",
                pass_mark_pct=PASS_MARK,
                max_attempts=3 if kind == "post_test" else 1,
            )
            for position, bank in enumerate(QUESTIONS[slug], start=1):
                question = Question(
                    position=position,
                    kind=bank.kind,
                    prompt=bank.prompt,
                    explanation=bank.explanation,
                )
                question.choices = [
                    Choice(position=i, text=c.text, is_correct=c.correct, feedback=c.feedback)
                    for i, c in enumerate(bank.choices, start=1)
                ]
                quiz.questions.append(question)
            made[slug, kind] = quiz
    db.add_all(made.values())
    db.flush()  # one flush: the inserts go in batches
    quizzes = {}
    for (slug, kind), quiz in made.items():
        entry = quizzes.setdefault(slug, {"questions": {}})
        entry["pre" if kind == "pre_test" else "post"] = quiz.id
        entry["questions"][quiz.id] = [
            (
                q.id,
                q.kind,
                [c.id for c in q.choices if c.is_correct],
                [c.id for c in q.choices if not c.is_correct],
            )
            for q in quiz.questions
        ]
    return quizzes


def create_programs(module_ids, kpi_ids, teams, learners, deadline: date, starts_on: date) -> dict:
    """Programs with ordered modules, enrolled cohorts, objectives and program-level costs."""
    db = session()
    programs = {}
    for slug, (title, cohort, steps, (kpi, target)) in PROGRAMS.items():
        program = Program(
            slug=slug,
            title=title,
            cohort_team_id=teams[cohort],
            description=f"{title}: {len(steps)} modules.",
            starts_on=starts_on,
        )
        program.steps = [
            ProgramModule(module_id=module_ids[m], position=i) for i, m in enumerate(steps, start=1)
        ]
        db.add(program)
        db.flush()
        programs[slug] = program.id
        db.add(
            Objective(
                program_id=program.id,
                kpi_id=kpi_ids[kpi],
                cohort_team_id=teams[cohort],
                target_kind="percent",
                target_value=target,
                deadline=deadline,
                statement=f"Raise {kpi.replace('_', ' ')} by {target:g} % for the "
                f"{cohort.replace('-', ' ')} cohort"
                if kpi != "cost_per_lead"
                else f"Cut cost per lead by {target:g} % for the paid team",
            )
        )
        for category, amount in (("analysis", 2500), ("evaluation", 3000), ("overhead", 4000)):
            db.add(
                CostItem(
                    program_id=program.id,
                    category=category,
                    basis="fixed",
                    amount=Decimal(amount),
                    description=f"Program {category}",
                )
            )
    members = {
        slug: [lid for lid, team in learners if _in_cohort(team, PROGRAMS[slug][1])]
        for slug in PROGRAMS
    }
    db.execute(
        insert(Enrollment),
        [
            dict(learner_id=lid, program_id=programs[slug])
            for slug, ids in members.items()
            for lid in ids
        ],
    )
    return programs


def _in_cohort(team: str, cohort: str) -> bool:
    return team == cohort or team in DEPARTMENTS.get(cohort, ("", {}))[1]


def create_badges() -> None:
    session().execute(
        insert(Badge),
        [
            dict(slug=slug, name=name, description=text, criteria=criteria, xp=xp)
            for slug, (name, text, criteria, xp) in BADGES.items()
        ],
    )
