"""The five import files an analyst uploads at the data desk, distinct per language run.

Each run (English, French) brings its own KPIs, people and module, so both runs really
insert rows instead of finding the first run's data unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class UploadFile:
    name: str
    content: str


@dataclass(frozen=True)
class ImportFiles:
    bad_kpis: UploadFile
    kpis: UploadFile
    learners: UploadFile
    modules: UploadFile
    completions: UploadFile
    kpi_values: UploadFile

    def in_order(self, t):
        """``(step, kind label, file)`` in the order the desk asks for, labels via ``t``."""
        return [
            ("kpis", t("KPI definitions"), self.kpis),
            ("learners", t("Learners and teams"), self.learners),
            ("modules", t("Modules, their KPIs and costs"), self.modules),
            ("completions", t("Completions"), self.completions),
            ("kpi-values", t("KPI values"), self.kpi_values),
        ]


def import_files(locale: str, today: date | None = None) -> ImportFiles:
    """Consistent files for one run; the KPI file's row 3 has a negative value per unit."""
    today = today or date.today()
    done = (today - timedelta(days=45)).replace(day=2)
    month = done.replace(day=1)
    before = (month - timedelta(days=1)).replace(day=1)
    p, tag = f"e2e_{locale}", locale.upper()
    kpis = (
        "key,name,unit,direction,value_per_unit,period\n"
        f"{p}_demos,Product demos {tag},demo,higher,80,month\n"
        f"{p}_churn,Churned accounts {tag},account,lower,{{churn}},month\n"
    )
    people = [(f"E2E-{tag}-{n}", f"e2e.{locale}.{n}@example.test") for n in (1, 2, 3)]
    learners = "external_id,email,name,team,hourly_cost,manager_email,timezone,locale\n" + "".join(
        f"{ext},{email},Person {n} {tag},Events {tag},44.5,,Europe/Paris,{locale}\n"
        for n, (ext, email) in enumerate(people, start=1)
    )
    module = f"e2e-{locale}-demo-skills"
    modules = (
        "slug,title,method,duration_minutes,kpis,fixed_cost,cost_per_learner,summary,tags\n"
        f"{module},Demo skills {tag},online,30,{p}_demos:1;{p}_churn:0.5,1200,15,"
        "Run demos that convert,sales\n"
    )
    completions = "learner,module,completed_at,score\n" + "".join(
        f"{ext},{module},{done.isoformat()}T09:30:00,{80 + n}\n"
        for n, (ext, _) in enumerate(people)
    )
    values = "learner,kpi,period_start,value\n" + "".join(
        f"{ext},{p}_demos,{start.isoformat()},{value}\n"
        for ext, _ in people
        for start, value in ((before, 10), (month, 13))
    )
    return ImportFiles(
        bad_kpis=UploadFile(f"kpis-{locale}.csv", kpis.format(churn="-250")),
        kpis=UploadFile(f"kpis-{locale}-fixed.csv", kpis.format(churn="250")),
        learners=UploadFile(f"learners-{locale}.csv", learners),
        modules=UploadFile(f"modules-{locale}.csv", modules),
        completions=UploadFile(f"completions-{locale}.csv", completions),
        kpi_values=UploadFile(f"kpi-values-{locale}.csv", values),
    )
