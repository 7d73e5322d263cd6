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

from .content import BADGES, DEPARTMENTS, IMPROVED, KPIS, MODULES, PROGRAMS, QUESTIONS

GENERIC_QUESTIONS = (
    (
        "How will you know this training changed your results?",
        "The KPI it targets moves more than for colleagues who did not take it",
        "The number of slides",
        "Attendance alone",
    ),
    (
        "When should you first apply what you learned?",
        "In a real task within the next week",
        "After a year",
        "Only when asked",
    ),
)
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
    for slug, (title, method, minutes, _, _, tags, links) in MODULES.items():
        module = Module(
            slug=slug,
            title=title,
            method=method,
            duration_minutes=minutes,
            published=True,
            summary=f"{title}: a {method.replace('_', '-')} module.",
            body_md=_body(title, links),
            current_version=2 if slug in IMPROVED else 1,
        )
        module.tags = [ModuleTag(tag=tag) for tag in tags.split(";")]
        module.versions = [
            ModuleVersion(
                version=1,
                title=title,
                duration_minutes=minutes,
                body_md=module.body_md,
                change_note="First release",
                published_at=v1_at,
            )
        ]
        if slug in IMPROVED:
            module.versions.append(
                ModuleVersion(
                    version=2,
                    title=title,
                    duration_minutes=minutes,
                    body_md=module.body_md,
                    change_note="Reworked exercises with real campaign data",
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


def _body(title: str, links: dict) -> str:
    targets = ", ".join(key.replace("_", " ") for key in links)
    return (
        f"## {title}\n\nThis module is meant to move **{targets}**.\n\n"
        "1. Learn the idea\n2. Try it on a real case\n3. Apply it this week\n"
    )


def create_quizzes(module_ids: dict[str, int]) -> dict[str, dict]:
    """A pre-test and a post-test (three questions each) per module.

    Returns per module slug ``{"pre": quiz_id, "post": quiz_id, "questions":
    {quiz_id: [(question_id, correct_choice_id, [wrong_choice_ids])]}}``.
    """
    db = session()
    quizzes = {}
    for slug, module_id in module_ids.items():
        entry = {"questions": {}}
        for kind in ("pre_test", "post_test"):
            quiz = Quiz(
                slug=f"{slug}-{kind.replace('_', '-')}",
                module_id=module_id,
                kind=kind,
                title=f"{MODULES[slug][0]} — {kind.replace('_', '-')}",
                pass_mark_pct=PASS_MARK,
                max_attempts=3 if kind == "post_test" else 1,
            )
            for position, (prompt, correct, *wrong) in enumerate(
                (QUESTIONS[slug], *GENERIC_QUESTIONS), start=1
            ):
                question = Question(position=position, kind="single", prompt=prompt)
                question.choices = [
                    Choice(position=1, text=correct, is_correct=True, feedback="Right.")
                ]
                question.choices += [
                    Choice(position=i, text=text, feedback=f"No: {correct}.")
                    for i, text in enumerate(wrong, start=2)
                ]
                quiz.questions.append(question)
            db.add(quiz)
            db.flush()
            entry["pre" if kind == "pre_test" else "post"] = quiz.id
            entry["questions"][quiz.id] = [
                (q.id, q.choices[0].id, [c.id for c in q.choices[1:]]) for q in quiz.questions
            ]
        quizzes[slug] = entry
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
