"""Parsers for import cells. Each raises :class:`FieldError` with a message and a fix.

Messages are in the reader's language (English in the CLI); ``what`` names the
column, which stays as written in the file's header.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _


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
        raise FieldError(_("%(what)s is empty", what=what), _("write the %(what)s", what=what))
    return value


def number(value: str, what: str, *, minimum: float | None = None) -> float:
    """A finite decimal number; a decimal comma (``12,5``) is accepted."""
    if not _NUMBER_RE.match(value or ""):
        raise FieldError(
            _("%(what)s %(value)r is not a number", what=what, value=value),
            _(
                "write a plain number such as 1250 or 12.5, without currency or thousands "
                "separators"
            ),
        )
    result = float(value.replace(",", "."))
    if not math.isfinite(result):
        raise FieldError(
            _("%(what)s %(value)r is not a finite number", what=what, value=value),
            _("write a plain number"),
        )
    if minimum is not None and result < minimum:
        raise FieldError(
            _("%(what)s %(value)s is below %(minimum)g", what=what, value=value, minimum=minimum),
            _("write a value of at least %(minimum)g", minimum=minimum),
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
            _("%(what)s %(value)r is not a whole number", what=what, value=value),
            _("write a whole number such as %(example)s", example=max(minimum, 30)),
        )
    result = int(value)
    if result < minimum:
        raise FieldError(
            _("%(what)s %(value)s is below %(minimum)s", what=what, value=result, minimum=minimum),
            _("write a whole number of at least %(minimum)s", minimum=minimum),
        )
    return result


def choice(value: str, what: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` (case-insensitive)."""
    lowered = (value or "").lower()
    if lowered not in allowed:
        raise FieldError(
            _("%(what)s %(value)r is not allowed", what=what, value=value),
            _("use one of: %(allowed)s", allowed=", ".join(allowed)),
        )
    return lowered


def iso_date(value: str, what: str) -> date:
    """A calendar date written ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise FieldError(
            _("%(what)s %(value)r is not a date", what=what, value=value),
            _("write the date as YYYY-MM-DD, e.g. 2026-03-01"),
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
            _("%(what)s %(value)r is not an ISO 8601 date or datetime", what=what, value=value),
            _("write 2026-03-14 or 2026-03-14T09:30:00 (optionally with +01:00 or Z)"),
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def email(value: str, what: str = "email") -> str:
    """A lower-cased email address."""
    value = (value or "").strip().lower()
    if not EMAIL_RE.match(value):
        raise FieldError(
            _("%(what)s %(value)r is not an email address", what=what, value=value),
            _("write an address such as ana@example.com"),
        )
    return value


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def timezone_name(value: str) -> str:
    """An IANA time zone name."""
    if value not in _zones():
        raise FieldError(
            _("time zone %(zone)r is unknown", zone=value),
            _("use an IANA name such as Europe/Paris or UTC"),
        )
    return value


def period_start(value: date, period: str, kpi_key: str) -> date:
    """Check that ``value`` is the first day of a ``period`` (weeks start on Monday)."""
    if period == "week" and value.weekday() != 0:
        first = date.fromordinal(value.toordinal() - value.weekday())
        raise FieldError(
            _("%(date)s is not the Monday starting a week of KPI %(kpi)s", date=value, kpi=kpi_key),
            _("use %(date)s (the Monday of that week)", date=first),
        )
    if period == "month" and value.day != 1:
        raise FieldError(
            _(
                "%(date)s is not the first day of a month (KPI %(kpi)s is monthly)",
                date=value,
                kpi=kpi_key,
            ),
            _("use %(date)s", date=value.replace(day=1)),
        )
    if period == "quarter" and (value.day != 1 or value.month not in (1, 4, 7, 10)):
        first = date(value.year, 3 * ((value.month - 1) // 3) + 1, 1)
        raise FieldError(
            _(
                "%(date)s is not the first day of a quarter (KPI %(kpi)s is quarterly)",
                date=value,
                kpi=kpi_key,
            ),
            _("use %(date)s", date=first),
        )
    return value


def now_utc() -> datetime:
    """The current moment (a function so tests can reason about 'the future')."""
    return datetime.now(UTC)
