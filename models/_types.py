"""Small helpers shared by the model modules."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import CheckConstraint


def one_of(column: str, values: Iterable[str], name: str | None = None) -> CheckConstraint:
    """A named CHECK constraint restricting ``column`` to ``values``.

    Plain strings with a check constraint stay portable between SQLite and
    PostgreSQL and need no enum type migrations when a value is added.
    """
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or f"{column}_valid")


ROLES = ("learner", "tutor", "analyst", "hr", "admin")
METHODS = ("in_person", "online", "blended", "micro_learning")
VISIBILITIES = ("named", "pseudonymous", "hidden")
KPI_DIRECTIONS = ("higher", "lower")
KPI_PERIODS = ("day", "week", "month", "quarter")
COMPLETION_SOURCES = ("web", "api", "xapi", "import")
QUIZ_KINDS = ("practice", "pre_test", "post_test")
QUESTION_KINDS = ("single", "multiple", "true_false")
COST_CATEGORIES = (
    "analysis",
    "development",
    "acquisition",
    "delivery",
    "facilitation",
    "evaluation",
    "overhead",
)
COST_BASES = ("fixed", "per_learner")
IMPORT_KINDS = ("learners", "kpi-definitions", "modules", "completions", "kpi-values")
