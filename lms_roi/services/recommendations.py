"""Next-best modules for a learner, each with the one reason it is recommended.

Three rules, in priority order (a module recommended by an earlier rule keeps that
reason; the later rule adds nothing for it):

a. **next in your path**: for each active enrollment (oldest first), the first module of
   the path the learner can take now;
b. **low pre-test**: modules whose pre-test the learner took with a first score under
   60 %, lowest score first;
c. **KPI below the team's median**: for each KPI linked to modules, the learner's mean
   value over the last 90 days is compared with the median of their team's learners'
   means (the learner included, at least 3 learners with values); when it is worse
   (lower for a higher-is-better KPI, higher for a lower-is-better one) the published
   module with the highest weight for that KPI is recommended, KPIs by name.

Every rule skips modules already completed, mastered (first pre-test score of 80 % or
more), unpublished, or locked by a prerequisite not completed. A fixed number of
queries (eight), whatever the size of the catalog or the team.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms_roi.analytics.knowledge import ModuleGain, learner_gains
from lms_roi.db import session, utcnow
from lms_roi.i18n import percent
from lms_roi.models import Enrollment, Kpi, KpiValue, Learner, Module, ModuleKpi, Program

from .paths import completed_module_ids, locked_module_ids, step_rows

#: A first pre-test score under this (percent) suggests the module.
LOW_PRE_TEST_PCT = 60
#: A first pre-test score at or above this (percent) means the module is mastered.
MASTERED_PCT = 80
#: KPI values of the last days compared with the team.
KPI_WINDOW_DAYS = 90
#: Fewest team learners with values (the learner included): the privacy minimum of DESIGN §8.
MIN_TEAM_LEARNERS = 5

NEXT_IN_PATH, LOW_PRE_TEST, KPI_BELOW_TEAM = "next_in_path", "low_pre_test", "kpi_below_team"


@dataclass(frozen=True)
class Recommendation:
    """A module to take next, with one machine ``reason_code`` and its translated sentence."""

    module: Module
    reason_code: str
    reason_text: str


def recommend(learner: Learner, today: date | None = None, limit: int = 5) -> list[Recommendation]:
    """Up to ``limit`` modules for ``learner``, rule a, then b, then c (see the module doc)."""
    today = today or utcnow().date()
    gains = learner_gains(learner.id)
    first_pre = {gain.module_id: gain.pre for gain in gains if gain.pre is not None}
    skipped = (
        completed_module_ids(learner.id)
        | locked_module_ids(learner.id)
        | {module_id for module_id, score in first_pre.items() if score >= MASTERED_PCT}
    )
    # (module id, reason code, reason text builder), in priority order.
    candidates = [*_next_in_paths(learner, skipped)]
    candidates += _low_pre_tests(gains, skipped)
    candidates += _kpis_below_team(learner, today, skipped)
    published = {
        module.id: module
        for module in session().scalars(
            select(Module).where(
                Module.id.in_({module_id for module_id, _code, _text in candidates}),
                Module.published.is_(True),
            )
        )
    }
    chosen: list[Recommendation] = []
    for module_id, code, text in candidates:
        if len(chosen) == limit:
            break
        if module_id in published:  # the first reason wins: a module is offered once
            chosen.append(Recommendation(published.pop(module_id), code, text()))
    return chosen


def _next_in_paths(learner: Learner, skipped: set[int]) -> list[tuple]:
    """Rule a: the first module each active path offers (path order is advisory)."""
    programs = (
        session()
        .execute(
            select(Program.id, Program.title)
            .join(Enrollment, Enrollment.program_id == Program.id)
            .where(Enrollment.learner_id == learner.id, Enrollment.status == "active")
            .order_by(Enrollment.enrolled_at, Program.title, Program.id)
        )
        .all()
    )
    steps = step_rows(learner.id, [program_id for program_id, _title in programs])
    candidates = []
    for program_id, title in programs:
        for _position, module, done, locked in steps.get(program_id, []):
            if not (done or locked or module.id in skipped) and module.published:
                candidates.append(
                    (
                        module.id,
                        NEXT_IN_PATH,
                        lambda title=title: _(
                            "because it is next in your path “%(path)s”", path=title
                        ),
                    )
                )
                break
    return candidates


def _low_pre_tests(gains: list[ModuleGain], skipped: set[int]) -> list[tuple]:
    """Rule b: modules whose first pre-test score is under 60 %, lowest score first."""
    low = [
        gain
        for gain in gains
        if gain.pre is not None and gain.pre < LOW_PRE_TEST_PCT and gain.module_id not in skipped
    ]
    low.sort(key=lambda gain: (gain.pre, gain.title, gain.module_id))
    return [
        (
            gain.module_id,
            LOW_PRE_TEST,
            lambda gain=gain: _(
                "because your pre-test score in %(module)s was %(score)s",
                module=gain.title,
                score=percent(gain.pre, 0),
            ),
        )
        for gain in low
    ]


def _kpis_below_team(learner: Learner, today: date, skipped: set[int]) -> list[tuple]:
    """Rule c: for each KPI where the learner does worse than their team's median, a module."""
    if learner.team_id is None:
        return []
    since = today - timedelta(days=KPI_WINDOW_DAYS)
    means = session().execute(
        select(KpiValue.kpi_id, KpiValue.learner_id, func.avg(KpiValue.value))
        .join(Learner, Learner.id == KpiValue.learner_id)
        .where(
            Learner.team_id == learner.team_id,
            Learner.active.is_(True),
            KpiValue.period_start > since,
            KpiValue.period_start <= today,
            KpiValue.kpi_id.in_(select(ModuleKpi.kpi_id)),
        )
        .group_by(KpiValue.kpi_id, KpiValue.learner_id)
    )
    by_kpi: dict[int, dict[int, float]] = defaultdict(dict)
    for kpi_id, learner_id, mean in means:
        by_kpi[kpi_id][learner_id] = float(mean)
    team_medians = {
        kpi_id: (team[learner.id], statistics.median(team.values()))
        for kpi_id, team in by_kpi.items()
        if learner.id in team and len(team) >= MIN_TEAM_LEARNERS
    }
    if not team_medians:
        return []
    links = session().execute(
        select(Kpi.id, Kpi.name, Kpi.direction, ModuleKpi.module_id)
        .join(ModuleKpi, ModuleKpi.kpi_id == Kpi.id)
        .join(Module, Module.id == ModuleKpi.module_id)
        .where(Kpi.id.in_(list(team_medians)), Module.published.is_(True))
        .order_by(Kpi.name, Kpi.id, ModuleKpi.weight.desc(), Module.title, Module.id)
    )
    candidates, served = [], set()
    for kpi_id, name, direction, module_id in links:
        own, median = team_medians[kpi_id]
        worse = own > median if direction == "lower" else own < median
        if not worse or kpi_id in served or module_id in skipped:
            continue
        served.add(kpi_id)
        candidates.append((module_id, KPI_BELOW_TEAM, _kpi_reason(name, direction)))
    return candidates


def _kpi_reason(name: str, direction: str):
    kpi = _lower_first(name)
    if direction == "lower":
        return lambda: _("because your %(kpi)s is above your team's median", kpi=kpi)
    return lambda: _("because your %(kpi)s is below your team's median", kpi=kpi)


def _lower_first(name: str) -> str:
    """ "Cost per lead" reads "cost per lead" inside a sentence; acronyms (CSAT) stay."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]
