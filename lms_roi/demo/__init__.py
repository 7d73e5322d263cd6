"""A realistic, deterministic demo organisation (``lms-roi demo``).

Same seed and same ``as_of`` date give the same data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from flask import current_app
from sqlalchemy import func, select, text

from lms_roi.db import Base, session
from lms_roi.models import Learner

from . import activity, catalog, journey, people
from .people import DEMO_DOMAIN, DEMO_PASSWORD


class DemoRefused(Exception):
    """The database already holds people; the demo would mix with real data."""


def build_demo(
    *,
    learners: int = 60,
    seed: int = 7,
    reset: bool = False,
    as_of: date | None = None,
    url: str = "http://127.0.0.1:5000",
) -> str:
    """Create the demo organisation, commit it, and return a summary with the demo logins."""
    as_of = as_of or date.today()
    if reset:
        reset_schema()
    db = session()
    if db.scalar(select(func.count(Learner.id))):
        raise DemoRefused(
            "the database already has people; run 'lms-roi demo --reset' to "
            "replace every lms-roi table with the demo"
        )
    rng = np.random.default_rng(seed)
    months = _last_twelve_months(as_of)
    improved_on = months[5]
    teams = people.create_teams()
    kpi_ids = catalog.create_kpis()
    staff = people.create_people(rng, learners, teams)
    module_ids = catalog.create_modules(kpi_ids, months[0], improved_on)
    journey.create_prerequisites(module_ids)
    quizzes = catalog.create_quizzes(module_ids)
    program_ids = catalog.create_programs(
        module_ids,
        kpi_ids,
        teams,
        staff["learners"],
        deadline=as_of + timedelta(days=120),
        starts_on=months[3],
    )
    catalog.create_badges()
    plan = activity.plan_completions(rng, staff["learners"], months, improved_on)
    values = activity.kpi_history(rng, staff["learners"], plan, months, kpi_ids)
    activity.insert_kpi_values(values)
    activity.record_assessments(rng, plan, quizzes)
    activity.record_completions(rng, plan, module_ids)
    activity.record_reactions_and_follow_ups(rng, plan, module_ids, as_of)
    n_pairs = activity.record_tutoring(rng, staff, program_ids, months, as_of)
    journey.queue_missed_questions()
    journey.start_a_lesson(datetime.combine(as_of, time(9), tzinfo=UTC))
    # XP, levels, streaks and leaderboards from the history above, by the live rules.
    from lms_roi.gamification.rebuild import rebuild

    xp = rebuild()
    journey.create_challenges(as_of)
    db.commit()
    prefix = current_app.extensions["lms_roi"].url_prefix
    return "\n".join(
        [
            f"Demo organisation ready (seed {seed}, as of {as_of}):",
            f"  {learners + len(people.STAFF)} people in {len(teams)} teams, "
            f"{len(module_ids)} modules over 4 methods, {len(plan)} completions, "
            f"{len(values)} KPI values over 12 months "
            f"({months[0]} to {months[-1]}), {n_pairs} tutoring pairs",
            f"  {xp.xp_after:,} XP earned by {len(xp.learners)} learners",
            f"Sign in at {url.rstrip('/')}{prefix}/login with password '{DEMO_PASSWORD}':",
            f"  admin    admin@{DEMO_DOMAIN}",
            f"  analyst  analyst@{DEMO_DOMAIN}",
            f"  hr       hr@{DEMO_DOMAIN}",
            f"  tutor    tutor@{DEMO_DOMAIN}",
            f"  learner  learner1@{DEMO_DOMAIN}",
        ]
    )


def _last_twelve_months(as_of: date) -> list[date]:
    """First days of the twelve full months before ``as_of``."""
    month = as_of.replace(day=1)
    months = []
    for _ in range(12):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def reset_schema() -> None:
    """Drop every lms-roi table (and its migration record), then migrate to head."""
    from lms_roi.migrate import VERSION_TABLE, upgrade

    session().close()
    engine = current_app.extensions["lms_roi"].db.engine
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))
    upgrade()
