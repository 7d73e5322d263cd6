"""A team under the privacy threshold, so HR pages must suppress its figures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms_roi.db import session, utcnow
from lms_roi.models import Completion, Module, Team
from lms_roi.services.people import create_person

SMALL_TEAM = ("brand-studio", "Brand Studio")
SMALL_TEAM_SIZE = 3


def add_small_team() -> None:
    """Three active learners in one marketing team, each with a recent completion."""
    db = session()
    marketing = db.scalar(select(Team).where(Team.slug == "marketing"))
    team = Team(slug=SMALL_TEAM[0], name=SMALL_TEAM[1], parent_id=marketing.id)
    db.add(team)
    module = db.scalar(select(Module).order_by(Module.id))
    for n in range(1, SMALL_TEAM_SIZE + 1):
        person = create_person(
            email=f"brand{n}@brand-studio.test",
            display_name=f"Brand Person {n}",
            team=team,
            hourly_cost=45,
        )
        db.add(
            Completion(
                learner_id=person.id,
                module_id=module.id,
                completed_at=utcnow() - timedelta(days=n),
                score=80.0,
                source="import",
            )
        )
    db.commit()
