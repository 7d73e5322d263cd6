"""SMART objectives: the letter-by-letter check, the baseline, progress and a forecast."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.i18n import percent, short_date
from lms_roi.models import Enrollment, Kpi, KpiValue, Learner, ModuleKpi, ProgramModule, Team

from .loader import frame

BASELINE_DAYS = 90


@dataclass
class Check:
    """One SMART letter: ``ok`` (True), a warning (None) or a failure (False), and why."""

    letter: str
    word: str
    ok: bool | None
    reason: str


@dataclass
class ObjectiveStatus:
    """Baseline, target, progress and forecast of an objective's cohort on its KPI."""

    baseline: float | None
    target: float | None
    current: float | None
    progress_pct: float | None
    forecast: float | None
    verdict: str  # on track | at risk | not enough data
    periods: list[str] = field(default_factory=list)
    means: list[float] = field(default_factory=list)


def cohort_learners(program_id: int, team_id: int | None) -> list[int]:
    """The cohort: members of ``team_id`` (and its sub-teams), else the program's enrollees."""
    db = session()
    if team_id is not None:
        teams = {team_id} | set(db.scalars(select(Team.id).where(Team.parent_id == team_id)))
        return list(db.scalars(select(Learner.id).where(Learner.team_id.in_(teams))))
    return list(
        db.scalars(select(Enrollment.learner_id).where(Enrollment.program_id == program_id))
    )


def target_value(baseline: float | None, kind: str, value: float, direction: str) -> float | None:
    """The KPI level aimed at: a % change from the baseline (a fall when lower is better)."""
    if kind == "absolute":
        return value
    if baseline is None:
        return None
    sign = 1 if direction == "higher" else -1
    return baseline * (1 + sign * value / 100)


def baseline(learners: list[int], kpi_id: int, start: date) -> float | None:
    """Mean KPI value of the cohort over the ``BASELINE_DAYS`` days before ``start``."""
    if not learners:
        return None
    value = session().scalar(
        select(func.avg(KpiValue.value)).where(
            KpiValue.kpi_id == kpi_id,
            KpiValue.learner_id.in_(learners),
            KpiValue.period_start >= start - timedelta(days=BASELINE_DAYS),
            KpiValue.period_start < start,
        )
    )
    return None if value is None else float(value)


def smart_checks(
    *,
    program_id: int,
    kpi: Kpi | None,
    learners: list[int],
    cohort_label: str,
    target_kind: str,
    target: float | None,
    deadline: date | None,
    best_effect_pct: float | None,
    today: date,
) -> list[Check]:
    """Check each SMART letter and say why (``word`` stays English, ``reason`` is translated)."""
    db = session()
    checks = []
    specific = kpi is not None and bool(learners)
    checks.append(
        Check(
            "S",
            "Specific",
            specific,
            ngettext(
                "%(kpi)s for %(cohort)s (%(num)d learner)",
                "%(kpi)s for %(cohort)s (%(num)d learners)",
                len(learners),
                kpi=kpi.name,
                cohort=cohort_label,
            )
            if specific
            else _("choose a KPI and a cohort with learners in it"),
        )
    )
    n_values = 0
    if kpi is not None and learners:
        n_values = (
            db.scalar(
                select(func.count(KpiValue.id)).where(
                    KpiValue.kpi_id == kpi.id, KpiValue.learner_id.in_(learners)
                )
            )
            or 0
        )
    checks.append(
        Check(
            "M",
            "Measurable",
            n_values > 0,
            ngettext(
                "%(num)d value of %(kpi)s recorded for this cohort",
                "%(num)d values of %(kpi)s recorded for this cohort",
                n_values,
                kpi=kpi.name,
            )
            if n_values
            else _("no value of this KPI for the cohort yet: import KPI values first"),
        )
    )
    if target is None or target_kind == "absolute" or best_effect_pct is None:
        achievable = None
        reason = (
            _("no past module has a measured effect on this KPI to compare with")
            if best_effect_pct is None
            else _("absolute target: compare it with the baseline")
        )
    else:
        achievable = target <= best_effect_pct
        shown = {
            "target": percent(target, 0 if float(target).is_integer() else 1),
            "best": percent(best_effect_pct),
        }
        reason = (
            _("target %(target)s vs %(best)s achieved by the best past module", **shown)
            if achievable
            else _(
                "target %(target)s vs %(best)s achieved by the best past module: ambitious, "
                "check it is realistic",
                **shown,
            )
        )
    checks.append(Check("A", "Achievable", achievable, reason))
    n_linked = 0
    if kpi is not None:
        n_linked = (
            db.scalar(
                select(func.count(ModuleKpi.id))
                .join(ProgramModule, ProgramModule.module_id == ModuleKpi.module_id)
                .where(ProgramModule.program_id == program_id, ModuleKpi.kpi_id == kpi.id)
            )
            or 0
        )
    checks.append(
        Check(
            "R",
            "Relevant",
            n_linked > 0,
            ngettext(
                "%(num)d module of the program targets this KPI",
                "%(num)d modules of the program target this KPI",
                n_linked,
            )
            if n_linked
            else _("no module of the program targets this KPI: link one or pick another KPI"),
        )
    )
    timely = deadline is not None and deadline > today
    checks.append(
        Check(
            "T",
            "Time-bound",
            timely,
            ngettext(
                "deadline %(date)s, in %(num)d day",
                "deadline %(date)s, in %(num)d days",
                (deadline - today).days,
                date=short_date(deadline),
            )
            if timely
            else _("set a deadline in the future"),
        )
    )
    return checks


def best_effect_pct(kpi_id: int) -> float | None:
    """The largest isolated effect a past module had on the KPI, in % of its average level."""
    from .effects import RoiParams
    from .estimate import RoiInputs, estimate

    inputs = RoiInputs.load()
    modules = inputs.module_kpis.loc[inputs.module_kpis["kpi_id"] == kpi_id, "module_id"]
    level = session().scalar(select(func.avg(KpiValue.value)).where(KpiValue.kpi_id == kpi_id))
    if modules.empty or not level:
        return None
    effects = estimate(inputs, RoiParams(), module_ids=modules.tolist()).effects
    effects = effects[(effects["kpi_id"] == kpi_id) & effects["effect"].notna()]
    if effects.empty:
        return None
    return float(effects["effect"].max()) / abs(float(level)) * 100


def status(
    learners: list[int],
    kpi: Kpi,
    base: float | None,
    target: float | None,
    start: date,
    deadline: date,
    today: date,
) -> ObjectiveStatus:
    """Progress from the baseline to the target and a linear forecast at the deadline."""
    df = (
        frame(
            select(KpiValue.period_start, func.avg(KpiValue.value).label("mean"))
            .where(
                KpiValue.kpi_id == kpi.id,
                KpiValue.learner_id.in_(learners),
                KpiValue.period_start >= start,
                KpiValue.period_start <= today,
            )
            .group_by(KpiValue.period_start)
            .order_by(KpiValue.period_start)
        )
        if learners
        else pd.DataFrame(columns=["period_start", "mean"])
    )
    periods = [str(p) for p in df["period_start"]]
    means = [round(float(m), 3) for m in df["mean"]]
    if base is None or target is None or len(df) < 2:
        return ObjectiveStatus(
            base,
            target,
            means[-1] if means else None,
            None,
            None,
            "not enough data",
            periods,
            means,
        )
    days = np.array(
        [(pd.Timestamp(p) - pd.Timestamp(start)).days for p in df["period_start"]], dtype=float
    )
    slope, intercept = np.polyfit(days, df["mean"].astype(float).to_numpy(), 1)
    forecast = float(intercept + slope * (deadline - start).days)
    current = means[-1]
    gap = target - base
    progress = round(100 * (current - base) / gap, 1) if gap else None
    reached = forecast >= target if gap >= 0 else forecast <= target
    return ObjectiveStatus(
        base,
        target,
        current,
        progress,
        round(forecast, 3),
        "on track" if reached else "at risk",
        periods,
        means,
    )
