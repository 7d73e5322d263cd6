"""Builders for the tutoring pair and matching tests (call inside an application context)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from factories import make_completion, make_module, make_person
from lms_roi.db import session
from lms_roi.models import Learner, Module, ModuleTag, TutoringPair

WHEN = datetime(2026, 3, 2, 10, tzinfo=UTC)


def make_tutor(
    email: str, name: str, *, team=None, capacity: int | None = None, password: str | None = None
) -> Learner:
    """An active tutor (also a learner) with ``capacity`` places (None: the default).

    No login unless ``password`` is given (hashing one costs a second).
    """
    tutor = make_person(email, roles=("tutor", "learner"), name=name, team=team, password=password)
    tutor.tutor_capacity = capacity
    session().flush()
    return tutor


def make_tagged_module(slug: str, *tags: str) -> Module:
    module = make_module(slug)
    for tag in tags:
        session().add(ModuleTag(module_id=module.id, tag=tag))
    session().flush()
    return module


def complete(learner: Learner, module: Module, *scores: float | None) -> None:
    """One completion of ``module`` per score, a day apart."""
    for day, score in enumerate(scores, start=1):
        make_completion(learner, module, WHEN.replace(day=day), score=score)


def mentees(n: int, prefix: str = "m") -> list[Learner]:
    """``n`` learners without a login, "Mentee m0"...."""
    return [
        make_person(f"{prefix}{i}@example.com", name=f"Mentee {prefix}{i}", password=None)
        for i in range(n)
    ]


def all_pairs() -> list[TutoringPair]:
    """Every pair row, oldest first."""
    return list(session().scalars(select(TutoringPair).order_by(TutoringPair.id)))
