"""Domain errors that carry a stable code, a human message and the offending field."""

from __future__ import annotations

from sqlalchemy.exc import DataError


class DomainError(Exception):
    """A refused state change; views turn it into a 4xx, the CLI into exit status 1."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        """The JSON error body: ``code``, ``message`` and ``field``."""
        return {"code": self.code, "message": self.message, "field": self.field}


class ConflictError(DomainError):
    """The change clashes with existing data (a duplicate natural key)."""

    status = 409


def number_out_of_range(exc: Exception) -> bool:
    """Whether ``exc`` is the database refusing a number too large for an id column
    (``/mentees/99999999999999999999``): such an address names nothing (404)."""
    if isinstance(exc, OverflowError):  # SQLite: the driver cannot bind it
        return True
    return isinstance(exc, DataError) and type(exc.orig).__name__ == "NumericValueOutOfRange"
