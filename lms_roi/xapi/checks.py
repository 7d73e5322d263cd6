"""Checks shared by xAPI statement validation: JSON types, IRIs, language maps,
timestamps, and Agents and Groups with exactly one identifier.

Each check raises :class:`StatementInvalid` naming the property path and the problem.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .formats import (
    IFIS,
    MBOX_RE,
    SHA1_RE,
    FormatError,
    is_iri,
    is_language_tag,
    parse_timestamp,
)

AGENT_KEYS = frozenset({"objectType", "name", *IFIS})
GROUP_KEYS = AGENT_KEYS | {"member"}


class StatementInvalid(ValueError):
    """A statement breaks a rule: ``path`` names the property, ``message`` the problem."""

    def __init__(self, path: str, message, index: int | None = None):
        super().__init__(path)
        self.path = path
        self.message = message
        self.index = index

    def describe(self) -> str:
        """``statement 2: actor.mbox: must start with mailto:`` in the caller's language
        (``index`` counts from 0; people count statements from 1)."""
        if self.index is None:
            return _("%(field)s: %(message)s", field=self.path, message=str(self.message))
        return _(
            "statement %(number)d: %(field)s: %(message)s",
            number=self.index + 1,
            field=self.path,
            message=str(self.message),
        )


def need_object(value, path: str) -> dict:
    """``value`` when it is a JSON object."""
    if type(value) is not dict:
        raise StatementInvalid(path, _l("must be a JSON object"))
    return value


def need_list(value, path: str) -> list:
    """``value`` when it is a JSON array."""
    if type(value) is not list:
        raise StatementInvalid(path, _l("must be a list"))
    return value


def need_string(value, path: str) -> str:
    """``value`` when it is a string."""
    if type(value) is not str:
        raise StatementInvalid(path, _l("must be a string"))
    return value


def need_boolean(value, path: str) -> None:
    """Refuse anything but ``true`` or ``false``."""
    if type(value) is not bool:
        raise StatementInvalid(path, _l("must be true or false"))


def need_number(value, path: str) -> float:
    """``value`` when it is a number (not a boolean)."""
    if type(value) not in (int, float):
        raise StatementInvalid(path, _l("must be a number"))
    return value


def only_known(value: dict, allowed: frozenset, prefix: str) -> None:
    """Refuse a property of ``value`` that is not in ``allowed``."""
    for key in value:
        if key not in allowed:
            raise StatementInvalid(prefix + key, _l("is not an xAPI property here"))


def need_iri(value, path: str, limit: int | None = None) -> str:
    """``value`` when it is an absolute IRI of at most ``limit`` characters."""
    if not is_iri(value):
        raise StatementInvalid(path, _l("must be an absolute IRI, such as http://example.com/x"))
    if limit is not None and len(value) > limit:
        raise StatementInvalid(path, _l("is too long (at most %(max)d characters)", max=limit))
    return value


def need_language_map(value, path: str) -> None:
    """Refuse anything but ``{"en-US": "text", …}``."""
    for tag, text in need_object(value, path).items():
        if not is_language_tag(tag):
            raise StatementInvalid(f"{path}.{tag}", _l("must be a language tag such as en-US"))
        need_string(text, f"{path}.{tag}")


def need_extensions(value, path: str) -> None:
    """Refuse extensions whose keys are not IRIs (their values may be anything)."""
    for key in need_object(value, path):
        need_iri(key, f"{path}.{key}")


def need_timestamp(value, path: str) -> None:
    """Refuse anything but an ISO 8601 timestamp with a time zone."""
    try:
        parse_timestamp(value)
    except FormatError as error:
        raise StatementInvalid(path, error.message) from None


def need_actor(value, path: str) -> str:
    """An Agent or a Group (identified or anonymous); returns its objectType."""
    actor = need_object(value, path)
    kind = actor.get("objectType", "Agent")
    if kind == "Agent":
        _agent(actor, path)
    elif kind == "Group":
        _group(actor, path)
    else:
        raise StatementInvalid(path + ".objectType", _l("must be Agent or Group"))
    return kind


def _identifiers(actor: dict, path: str, *, required: bool) -> None:
    found = [ifi for ifi in IFIS if ifi in actor]
    if len(found) > 1 or (required and not found):
        raise StatementInvalid(
            path, _l("needs exactly one identifier: mbox, mbox_sha1sum, openid or account")
        )
    if "name" in actor:
        need_string(actor["name"], path + ".name")
    if not found:
        return
    ifi = found[0]
    value = actor[ifi]
    where = f"{path}.{ifi}"
    if ifi == "mbox":
        if type(value) is not str or not value.startswith("mailto:"):
            raise StatementInvalid(where, _l("must start with mailto:"))
        if MBOX_RE.match(value) is None:
            raise StatementInvalid(where, _l("must be mailto: followed by an email address"))
    elif ifi == "mbox_sha1sum":
        if type(value) is not str or SHA1_RE.match(value) is None:
            raise StatementInvalid(where, _l("must be a SHA-1 hash: 40 hexadecimal characters"))
    elif ifi == "openid":
        need_iri(value, where)
    else:
        account = need_object(value, where)
        only_known(account, frozenset({"homePage", "name"}), where + ".")
        for required in ("homePage", "name"):
            if required not in account:
                raise StatementInvalid(f"{where}.{required}", _l("is required"))
        need_iri(account["homePage"], where + ".homePage")
        need_string(account["name"], where + ".name")


def _agent(agent: dict, path: str) -> None:
    only_known(agent, AGENT_KEYS, path + ".")
    _identifiers(agent, path, required=True)


def _group(group: dict, path: str) -> None:
    only_known(group, GROUP_KEYS, path + ".")
    anonymous = not any(ifi in group for ifi in IFIS)
    _identifiers(group, path, required=False)
    if anonymous and "member" not in group:
        raise StatementInvalid(path + ".member", _l("is required in a group without identifier"))
    if "member" in group:
        members = need_list(group["member"], path + ".member")
        if anonymous and not members:
            raise StatementInvalid(path + ".member", _l("must list at least one agent"))
        for i, member in enumerate(members):
            where = f"{path}.member[{i}]"
            if need_object(member, where).get("objectType", "Agent") != "Agent":
                raise StatementInvalid(where + ".objectType", _l("a group member must be an Agent"))
            _agent(member, where)
