"""Test data builders; call inside an application context, then commit if a request needs it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from lms_roi.db import session
from lms_roi.models import (
    Completion,
    CostItem,
    Kpi,
    KpiValue,
    Learner,
    Module,
    ModuleKpi,
    Program,
    ProgramModule,
    Team,
    TutoringPair,
    TutoringSession,
)
from lms_roi.services.people import create_person

PASSWORD = "correct-horse-1"


def make_person(
    email: str = "ana@example.com",
    *,
    roles=("learner",),
    name: str | None = None,
    password: str | None = PASSWORD,
    external_id: str | None = None,
    team: Team | None = None,
) -> Learner:
    return create_person(
        email=email,
        display_name=name or email.split("@")[0].title(),
        roles=list(roles),
        password=password,
        external_id=external_id,
        team=team,
    )


def make_team(slug: str = "content", name: str | None = None) -> Team:
    team = Team(slug=slug, name=name or slug.title())
    session().add(team)
    session().flush()
    return team


def make_kpi(
    key: str = "qualified_leads",
    *,
    period: str = "month",
    direction: str = "higher",
    value_per_unit: str = "120",
) -> Kpi:
    kpi = Kpi(
        key=key,
        name=key.replace("_", " ").title(),
        unit="count",
        direction=direction,
        period=period,
        value_per_unit=Decimal(value_per_unit),
    )
    session().add(kpi)
    session().flush()
    return kpi


def make_module(
    slug: str = "seo-basics",
    *,
    method: str = "online",
    duration: int = 30,
    published: bool = True,
    kpis: dict | None = None,
    body: str = "",
) -> Module:
    module = Module(
        slug=slug,
        title=slug.replace("-", " ").title(),
        method=method,
        duration_minutes=duration,
        published=published,
        body_md=body,
    )
    session().add(module)
    session().flush()
    for kpi, weight in (kpis or {}).items():
        session().add(ModuleKpi(module_id=module.id, kpi_id=kpi.id, weight=weight))
    session().flush()
    return module


def make_completion(
    learner: Learner, module: Module, when: datetime | None = None, score: float | None = None
) -> Completion:
    completion = Completion(
        learner_id=learner.id,
        module_id=module.id,
        score=score,
        completed_at=when or datetime(2026, 3, 2, 10, tzinfo=UTC),
    )
    session().add(completion)
    session().flush()
    return completion


def make_kpi_value(learner: Learner, kpi: Kpi, start: date, value: float) -> KpiValue:
    kpi_value = KpiValue(learner_id=learner.id, kpi_id=kpi.id, period_start=start, value=value)
    session().add(kpi_value)
    session().flush()
    return kpi_value


def make_program(slug: str = "growth-academy", modules: tuple[Module, ...] = ()) -> Program:
    """A program whose path is ``modules`` in order."""
    program = Program(slug=slug, title=slug.replace("-", " ").title())
    session().add(program)
    session().flush()
    for position, module in enumerate(modules, start=1):
        session().add(ProgramModule(program_id=program.id, module_id=module.id, position=position))
    session().flush()
    return program


def make_pair(
    tutor: Learner,
    mentee: Learner,
    *,
    starts_on: date = date(2026, 1, 5),
    ends_on: date | None = None,
    program: Program | None = None,
    goals: str = "",
    active: bool = True,
) -> TutoringPair:
    """A tutoring pair (``ends_on`` None: open-ended)."""
    pair = TutoringPair(
        tutor_id=tutor.id,
        mentee_id=mentee.id,
        program_id=program.id if program else None,
        starts_on=starts_on,
        ends_on=ends_on,
        goals=goals,
        active=active,
    )
    session().add(pair)
    session().flush()
    return pair


def make_session(pair: TutoringPair, held_on: date, minutes: int = 45) -> TutoringSession:
    """A tutoring session logged in ``pair``."""
    tutoring = TutoringSession(pair_id=pair.id, held_on=held_on, minutes=minutes)
    session().add(tutoring)
    session().flush()
    return tutoring


#: make_diverging_trends: learner -> (pre-trend p, training change c); t* completed.
DIVERGING = {
    "t1": (5, 2),
    "t2": (6, 4),
    "t3": (7, 6),
    "c1": (0, 1),
    "c2": (1, 1),
    "c3": (2, 2),
    "c4": (3, 2),
    "c5": (4, 4),
}


def make_diverging_trends(slug: str = "coaching", key: str = "leads") -> Module:
    """A module whose completers already rose before training and whose effect is noisy.

    Three completers (2026-04-15) and five colleagues, monthly values October 2025 to
    August 2026: 10 until January, + p from February, + p + c from June (``DIVERGING``).
    Placebo windows (Nov-Jan vs Feb-Apr) see p: effect 6 - 2 = 4, flagged; real windows
    (Feb-Apr vs Jun-Aug) see c: effect 4 - 2 = 2 with a CI that includes 0 (underpowered).
    """
    kpi = make_kpi(key)
    module = make_module(slug, kpis={kpi: 1.0})
    months = [date(2025, m, 1) for m in (10, 11, 12)] + [date(2026, m, 1) for m in range(1, 9)]
    for name, (pre_trend, change) in DIVERGING.items():
        person = make_person(f"{name}@example.com", password=None)
        if name.startswith("t"):
            make_completion(person, module, datetime(2026, 4, 15, 12, tzinfo=UTC))
        for month in months:
            value = 10 + (pre_trend if month >= date(2026, 2, 1) else 0)
            value += change if month >= date(2026, 6, 1) else 0
            make_kpi_value(person, kpi, month, value)
    return module


def make_leads_case(slug: str = "seo-basics") -> Module:
    """Six completers (2026-04-15) gaining 5 leads a month from June, six colleagues flat.

    Leads are worth 100 and the module has a fixed cost of 1,000: 5 leads x 12 months
    x 100 x 6 completers = 36,000 of benefit, ROI 3,500 %.
    """
    leads = make_kpi("qualified_leads", value_per_unit="100")
    module = make_module(slug, kpis={leads: 1.0})
    for i in range(12):
        person = make_person(f"p{i}@example.com", password=None)
        trained = i < 6
        if trained:
            make_completion(person, module, datetime(2026, 4, 15, 10, tzinfo=UTC), score=80)
        for m in range(1, 10):
            make_kpi_value(person, leads, date(2026, m, 1), 10 + (5 if trained and m >= 6 else 0))
    session().add(
        CostItem(module_id=module.id, category="development", basis="fixed", amount=Decimal(1000))
    )
    session().flush()
    return module


def make_analyst_token() -> str:
    """An analyst's API token (clear text), a learner ``E1`` and the ``qualified_leads`` KPI."""
    from lms_roi.services.tokens import issue_api_token

    analyst = make_person("nadia@example.com", roles=("analyst",))
    make_person("mia@example.com", external_id="E1")
    make_kpi("qualified_leads")
    return issue_api_token(analyst)[1]
