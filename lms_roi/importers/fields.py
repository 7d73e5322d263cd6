"""Parsers for import cells. Each raises :class:`FieldError` with a message and a fix."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, available_timezones


class FieldError(ValueError):
    """A cell that cannot be used, with what is wrong and how to fix it."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message = message
        self.fix = fix


SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,119}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOCALE_RE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z]{2,4})?$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def required(value: str, what: str) -> str:
    """The trimmed value; empty is an error."""
    if not value:
        raise FieldError(f"{what} is empty", f"write the {what}")
    return value


def number(value: str, what: str, *, minimum: float | None = None) -> float:
    """A finite decimal number; a decimal comma (``12,5``) is accepted."""
    if not _NUMBER_RE.match(value or ""):
        raise FieldError(
            f"{what} {value!r} is not a number",
            "write a plain number such as 1250 or 12.5, without currency or thousands separators",
        )
    result = float(value.replace(",", "."))
    if not math.isfinite(result):
        raise FieldError(f"{what} {value!r} is not a finite number", "write a plain number")
    if minimum is not None and result < minimum:
        raise FieldError(
            f"{what} {value} is below {minimum:g}", f"write a value of at least {minimum:g}"
        )
    return result


def money(value: str, what: str) -> Decimal:
    """A non-negative amount, rounded to cents."""
    number(value, what, minimum=0)
    return Decimal(value.replace(",", ".")).quantize(Decimal("0.01"))


def whole(value: str, what: str, *, minimum: int = 1) -> int:
    """A whole number of at least ``minimum``."""
    if not re.fullmatch(r"[+-]?\d+", value or ""):
        raise FieldError(
            f"{what} {value!r} is not a whole number",
            f"write a whole number such as {max(minimum, 30)}",
        )
    result = int(value)
    if result < minimum:
        raise FieldError(
            f"{what} {result} is below {minimum}", f"write a whole number of at least {minimum}"
        )
    return result


def choice(value: str, what: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` (case-insensitive)."""
    lowered = (value or "").lower()
    if lowered not in allowed:
        raise FieldError(f"{what} {value!r} is not allowed", f"use one of: {', '.join(allowed)}")
    return lowered


def iso_date(value: str, what: str) -> date:
    """A calendar date written ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise FieldError(
            f"{what} {value!r} is not a date", "write the date as YYYY-MM-DD, e.g. 2026-03-01"
        ) from error


def iso_moment(value: str, what: str, timezone: str) -> datetime:
    """An ISO 8601 date or datetime as an aware UTC datetime.

    A datetime without offset is read in ``timezone``. A bare date becomes noon
    in ``timezone``, so converting to UTC never moves it to another calendar day.
    """
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""):
            moment = datetime.combine(date.fromisoformat(value), time(12, 0))
        else:
            moment = datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError as error:
        raise FieldError(
            f"{what} {value!r} is not an ISO 8601 date or datetime",
            "write 2026-03-14 or 2026-03-14T09:30:00 (optionally with +01:00 or Z)",
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def email(value: str, what: str = "email") -> str:
    """A lower-cased email address."""
    value = (value or "").strip().lower()
    if not EMAIL_RE.match(value):
        raise FieldError(
            f"{what} {value!r} is not an email address", "write an address such as ana@example.com"
        )
    return value


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def timezone_name(value: str) -> str:
    """An IANA time zone name."""
    if value not in _zones():
        raise FieldError(
            f"time zone {value!r} is unknown", "use an IANA name such as Europe/Paris or UTC"
        )
    return value


def period_start(value: date, period: str, kpi_key: str) -> date:
    """Check that ``value`` is the first day of a ``period`` (weeks start on Monday)."""
    if period == "week" and value.weekday() != 0:
        first = date.fromordinal(value.toordinal() - value.weekday())
        raise FieldError(
            f"{value} is not the Monday starting a week of KPI {kpi_key}",
            f"use {first} (the Monday of that week)",
        )
    if period == "month" and value.day != 1:
        raise FieldError(
            f"{value} is not the first day of a month (KPI {kpi_key} is monthly)",
            f"use {value.replace(day=1)}",
        )
    if period == "quarter" and (value.day != 1 or value.month not in (1, 4, 7, 10)):
        first = date(value.year, 3 * ((value.month - 1) // 3) + 1, 1)
        raise FieldError(
            f"{value} is not the first day of a quarter (KPI {kpi_key} is quarterly)",
            f"use {first}",
        )
    return value


def now_utc() -> datetime:
    """The current moment (a function so tests can reason about 'the future')."""
    return datetime.now(UTC)
