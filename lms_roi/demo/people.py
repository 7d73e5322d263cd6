"""Demo people: staff in every role and learners spread over the teams."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from sqlalchemy import insert, select, update
from werkzeug.security import generate_password_hash

from lms_roi.db import session
from lms_roi.models import Account, Learner, RoleGrant, Team

from .content import DEPARTMENTS, FIRST_NAMES, LAST_NAMES, TEAM_KPIS

DEMO_DOMAIN = "demo.lms-roi.test"
DEMO_PASSWORD = "demo-password"  # noqa: S105 (printed for the demo; never a real account)

STAFF = (
    # external id, name, email local part, roles, team slug
    ("STAFF-ADMIN", "Alex Morel", "admin", ("admin",), None),
    ("STAFF-ANALYST", "Anaïs Lambert", "analyst", ("analyst", "learner"), "marketing"),
    ("STAFF-HR", "Hélène Girard", "hr", ("hr",), None),
    ("STAFF-TUTOR-1", "Claire Fournier", "tutor", ("tutor", "learner"), "content"),
    ("STAFF-TUTOR-2", "Samir Benali", "tutor2", ("tutor", "learner"), "paid"),
    ("STAFF-TUTOR-3", "Marc Dupont", "tutor3", ("tutor", "learner"), "inside-sales"),
    ("STAFF-TUTOR-4", "Elise Vincent", "tutor4", ("tutor", "learner"), "service"),
)


def create_teams() -> dict[str, int]:
    """Departments and their teams; returns team ids by slug."""
    db = session()
    for slug, (name, _) in DEPARTMENTS.items():
        db.add(Team(slug=slug, name=name))
    db.flush()
    parents = dict(db.execute(select(Team.slug, Team.id)).all())
    db.execute(
        insert(Team),
        [
            dict(slug=slug, name=name, parent_id=parents[dept])
            for dept, (_, teams) in DEPARTMENTS.items()
            for slug, name in teams.items()
        ],
    )
    return dict(db.execute(select(Team.slug, Team.id)).all())


def create_people(rng: np.random.Generator, n_learners: int, teams: dict[str, int]) -> dict:
    """Staff and learners with accounts (one shared demo password) and roles.

    Returns ``{"staff": {email_local: id}, "learners": [(id, team_slug)], "logins": [...]}``.
    """
    db = session()
    team_slugs = list(TEAM_KPIS)
    # Bigger marketing teams, smaller customer service, as in a marketing-led company.
    weights = np.array([0.18, 0.14, 0.14, 0.12, 0.16, 0.12, 0.14])
    assigned = rng.choice(team_slugs, size=n_learners, p=weights / weights.sum())
    rows = []
    for external_id, name, local, _, team in STAFF:
        rows.append(
            dict(
                external_id=external_id,
                email=f"{local}@{DEMO_DOMAIN}",
                display_name=name,
                team_id=teams.get(team) if team else None,
                hourly_cost=Decimal("55.00"),
                timezone="Europe/Paris",
                locale="fr",
            )
        )
    for i, team in enumerate(assigned, start=1):
        first = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]
        last = LAST_NAMES[int(rng.integers(len(LAST_NAMES)))]
        rows.append(
            dict(
                external_id=f"EMP{1000 + i}",
                email=f"learner{i}@{DEMO_DOMAIN}",
                display_name=f"{first} {last}",
                team_id=teams[str(team)],
                hourly_cost=Decimal(str(round(float(rng.uniform(32, 68)), 2))),
                timezone="America/Montreal" if rng.random() < 0.1 else "Europe/Paris",
                locale="en" if rng.random() < 0.25 else "fr",
                leaderboard_visibility=str(
                    rng.choice(["named", "pseudonymous", "hidden"], p=[0.75, 0.2, 0.05])
                ),
                pseudonym=None,
            )
        )
    db.execute(insert(Learner), rows)
    ids = dict(db.execute(select(Learner.external_id, Learner.id)).all())
    # Pseudonyms as the product gives them (nothing in them points back to the person).
    from lms_roi.gamification.pseudonyms import ensure_pseudonym

    for learner in db.scalars(
        select(Learner).where(Learner.leaderboard_visibility == "pseudonymous")
    ):
        ensure_pseudonym(learner)
    password_hash = generate_password_hash(DEMO_PASSWORD)
    db.execute(
        insert(Account),
        [
            dict(
                learner_id=ids[row["external_id"]], email=row["email"], password_hash=password_hash
            )
            for row in rows
        ],
    )
    grants = [
        dict(learner_id=ids[ext], role=role) for ext, _, _, roles, _ in STAFF for role in roles
    ]
    grants += [
        dict(learner_id=ids[f"EMP{1000 + i}"], role="learner") for i in range(1, n_learners + 1)
    ]
    db.execute(insert(RoleGrant), grants)
    learners = [(ids[f"EMP{1000 + i}"], str(team)) for i, team in enumerate(assigned, start=1)]
    _assign_managers(learners)
    return {
        "staff": {local: ids[ext] for ext, _, local, _, _ in STAFF},
        "learners": learners,
        "tutor_teams": {ids[ext]: team for ext, _, _, roles, team in STAFF if "tutor" in roles},
    }


def _assign_managers(learners: list[tuple[int, str]]) -> None:
    """The first learner of each team leads it; the others report to them."""
    leads: dict[str, int] = {}
    changes = []
    for learner_id, team in learners:
        if team not in leads:
            leads[team] = learner_id
        else:
            changes.append(dict(id=learner_id, manager_id=leads[team]))
    if changes:
        session().execute(update(Learner), changes)
