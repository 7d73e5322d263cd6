"""xAPI value formats (IRIs, UUIDs, ISO 8601 timestamps and durations, language maps)
and the stable key of an Agent or Group identifier.

Checks are plain regular expressions and dictionary look-ups: a batch of 500 statements
is validated in a few milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from functools import lru_cache

from flask_babel import lazy_gettext as _l

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
# An absolute IRI (RFC 3987): a scheme, a colon, then no spaces, controls or delimiters.
IRI_RE = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"{}|\\^`\x00-\x1f\x7f]+$')
MBOX_RE = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_RE = re.compile(r"^[0-9a-fA-F]{56,128}$")
LANGUAGE_TAG_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
# ISO 8601 combined date and time, extended or basic format, with a time zone
# (RFC 3339's "-00:00", an unknown offset, names no time zone and is refused).
TIMESTAMP_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}([.,]\d+)?)?"
    r"|\d{8}T\d{4}(\d{2}([.,]\d+)?)?)"
    r"(Z|[+-]\d{2}(:?\d{2})?)$"
)
_NUMBER = r"\d+(?:[.,]\d+)?"
DURATION_RE = re.compile(
    rf"^P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$"
)

#: Identifier properties of an Agent or identified Group (exactly one is required).
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
#: Longest actor key kept as is; longer keys are stored as their SHA-256.
ACTOR_KEY_MAX = 255


class FormatError(ValueError):
    """A value does not have the expected format; ``message`` says which one."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def is_uuid(value) -> bool:
    """Whether ``value`` is a UUID in its standard string form."""
    return type(value) is str and UUID_RE.match(value) is not None


def is_iri(value) -> bool:
    """Whether ``value`` is an absolute IRI (``http://…``, ``urn:…``, ``mailto:…``)."""
    return type(value) is str and IRI_RE.match(value) is not None


def parse_timestamp(value) -> datetime:
    """An ISO 8601 timestamp with a time zone as an aware UTC datetime.

    Fractions beyond microseconds are cut (the spec asks for milliseconds at least).
    Raises :class:`FormatError` otherwise.
    """
    if type(value) is not str:
        raise FormatError(_BAD_TIMESTAMP)
    parsed = _parsed(value)
    if parsed is None:
        raise FormatError(_BAD_TIMESTAMP)
    if parsed is _IMPOSSIBLE:
        raise FormatError(_l("is not a real date and time"))
    return parsed


_BAD_TIMESTAMP = _l("must be an ISO 8601 timestamp with a time zone, such as 2026-01-31T09:30:00Z")
_IMPOSSIBLE = datetime.min.replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def _parsed(value: str) -> datetime | None:
    # Cached: a statement's timestamp is read to validate, to compare and to store it.
    if TIMESTAMP_RE.match(value) is None or value.endswith("-00:00"):
        return None
    text = value.replace(",", ".")
    dot = text.find(".")
    if dot != -1:
        end = dot + 1
        while end < len(text) and text[end].isdigit():
            end += 1
        text = text[: dot + 1] + text[dot + 1 : end][:6].ljust(6, "0") + text[end:]
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:  # well formed but impossible (2026-02-30T25:00Z)
        return _IMPOSSIBLE


def format_timestamp(moment: datetime) -> str:
    """``moment`` in UTC with milliseconds, as the LRS writes ``stored`` and ``timestamp``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def is_duration(value) -> bool:
    """Whether ``value`` is an ISO 8601 duration (``PT1H30M``, ``P1DT2.5S``)."""
    return (
        type(value) is str
        and value not in ("P", "PT")
        and not value.endswith("T")
        and DURATION_RE.match(value) is not None
    )


def is_language_tag(value) -> bool:
    """Whether ``value`` looks like an RFC 5646 language tag (``en``, ``fr-CA``)."""
    return type(value) is str and LANGUAGE_TAG_RE.match(value) is not None


def agent_key(agent: dict) -> str:
    """A stable text key of an Agent's or Group's identifier, for storage and filters.

    ``mbox:mailto:ana@example.org``, ``account:https://lms.example.org 42``…; an anonymous
    group is keyed by its members. Keys longer than 255 characters become a SHA-256.
    """
    if "mbox" in agent:
        key = "mbox:" + agent["mbox"]
    elif "mbox_sha1sum" in agent:
        key = "mbox_sha1sum:" + agent["mbox_sha1sum"].lower()
    elif "openid" in agent:
        key = "openid:" + agent["openid"]
    elif "account" in agent:
        account = agent["account"]
        # An IRL has no space, so the space cannot be part of the home page.
        key = f"account:{account['homePage']} {account['name']}"
    else:
        members = sorted(agent_key(member) for member in agent.get("member") or ())
        key = "group:" + hashlib.sha256(json.dumps(members).encode()).hexdigest()
    if len(key) > ACTOR_KEY_MAX:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key
