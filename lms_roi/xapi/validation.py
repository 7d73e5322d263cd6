"""xAPI 1.0.3 statement validation (with the 2.0 context additions under a 2.0 header).

:func:`validate_statement` raises :class:`StatementInvalid` naming the property path
(``actor.mbox``, ``context.contextActivities.parent[0].id``) and what is wrong with it,
in the caller's language. Unknown properties are refused everywhere except inside
``extensions``, as the specification asks of an LRS.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .checks import (
    StatementInvalid,
    need_actor,
    need_boolean,
    need_extensions,
    need_iri,
    need_language_map,
    need_list,
    need_number,
    need_object,
    need_string,
    need_timestamp,
    only_known,
)
from .formats import SHA2_RE, is_duration, is_language_tag, is_uuid

__all__ = ["VOIDED", "StatementInvalid", "validate_actor", "validate_statement"]

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
VERSION_PREFIXES = ("1.0", "2.0")
VERB_ID_MAX = 255
OBJECT_ID_MAX = 1024

STATEMENT_KEYS = frozenset(
    {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
     "version", "attachments"}
)  # fmt: skip
SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
VERB_KEYS = frozenset({"id", "display"})
ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
DEFINITION_KEYS = frozenset(
    {"name", "description", "type", "moreInfo", "extensions", "interactionType",
     "correctResponsesPattern", "choices", "scale", "source", "target", "steps"}
)  # fmt: skip
INTERACTION_TYPES = frozenset(
    {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
     "sequencing", "likert", "numeric", "other"}
)  # fmt: skip
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
CONTEXT_KEYS = frozenset(
    {"registration", "instructor", "team", "contextActivities", "revision", "platform",
     "language", "statement", "extensions"}
)  # fmt: skip
CONTEXT_KEYS_2 = CONTEXT_KEYS | {"contextAgents", "contextGroups"}
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)


def validate_statement(statement, *, version: str = "1.0") -> None:
    """Check one statement against the xAPI data model; raises :class:`StatementInvalid`.

    ``version`` is the request's ``X-Experience-API-Version`` major.minor (``1.0`` or
    ``2.0``): 2.0 adds ``context.contextAgents`` and ``context.contextGroups``.
    """
    need_object(statement, "statement")
    only_known(statement, STATEMENT_KEYS, "")
    if "id" in statement and not is_uuid(statement["id"]):
        raise StatementInvalid("id", _l("must be a UUID"))
    _statement_body(statement, "", version)
    if "stored" in statement:
        need_timestamp(statement["stored"], "stored")
    if "authority" in statement:
        need_actor(statement["authority"], "authority")
    if "version" in statement:
        value = statement["version"]
        if type(value) is not str or not _known_version(value):
            raise StatementInvalid("version", _l("must be 1.0.x or 2.0.x"))


def validate_actor(value, path: str = "actor") -> str:
    """Check an Agent or Group (a query's ``agent`` filter); returns its objectType."""
    return need_actor(value, path)


def _known_version(value: str) -> bool:
    parts = value.split(".")
    return (
        ".".join(parts[:2]) in VERSION_PREFIXES
        and len(parts) <= 3
        and all(part.isdigit() and len(part) <= 3 for part in parts)
    )


def _statement_body(statement: dict, prefix: str, version: str) -> None:
    """What statements and sub-statements share: actor, verb, object, result, context…"""
    for required in ("actor", "verb", "object"):
        if required not in statement:
            raise StatementInvalid(prefix + required, _l("is required"))
    need_actor(statement["actor"], prefix + "actor")
    verb = _verb(statement["verb"], prefix + "verb")
    target = statement["object"]
    object_type = _object_of_statement(target, prefix + "object", nested=bool(prefix), v=version)
    if verb == VOIDED and object_type != "StatementRef":
        raise StatementInvalid(
            prefix + "object", _l("a voiding statement must target a StatementRef")
        )
    if "result" in statement:
        _result(statement["result"], prefix + "result")
    if "context" in statement:
        _context(statement["context"], prefix + "context", object_type, version)
    if "timestamp" in statement:
        need_timestamp(statement["timestamp"], prefix + "timestamp")
    if "attachments" in statement:
        _attachments(statement["attachments"], prefix + "attachments")


def _verb(value, path: str) -> str:
    verb = need_object(value, path)
    only_known(verb, VERB_KEYS, path + ".")
    if "id" not in verb:
        raise StatementInvalid(path + ".id", _l("is required"))
    need_iri(verb["id"], path + ".id", VERB_ID_MAX)
    if "display" in verb:
        need_language_map(verb["display"], path + ".display")
    return verb["id"]


def _object_of_statement(value, path: str, *, nested: bool, v: str) -> str:
    target = need_object(value, path)
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        _activity(target, path)
    elif kind in ("Agent", "Group"):
        need_actor(target, path)
    elif kind == "StatementRef":
        only_known(target, frozenset({"objectType", "id"}), path + ".")
        if not is_uuid(target.get("id")):
            raise StatementInvalid(path + ".id", _l("must be a UUID"))
    elif kind == "SubStatement":
        if nested:
            raise StatementInvalid(
                path + ".objectType", _l("a SubStatement cannot contain another SubStatement")
            )
        only_known(target, SUBSTATEMENT_KEYS, path + ".")
        _statement_body(target, path + ".", v)
    else:
        raise StatementInvalid(
            path + ".objectType",
            _l("must be Activity, Agent, Group, StatementRef or SubStatement"),
        )
    return kind


def _activity(activity, path: str) -> None:
    only_known(activity, ACTIVITY_KEYS, path + ".")
    if "id" not in activity:
        raise StatementInvalid(path + ".id", _l("is required"))
    need_iri(activity["id"], path + ".id", OBJECT_ID_MAX)
    if "definition" in activity:
        _definition(activity["definition"], path + ".definition")


def _definition(value, path: str) -> None:
    definition = need_object(value, path)
    only_known(definition, DEFINITION_KEYS, path + ".")
    for key in ("name", "description"):
        if key in definition:
            need_language_map(definition[key], f"{path}.{key}")
    for key in ("type", "moreInfo"):
        if key in definition:
            need_iri(definition[key], f"{path}.{key}")
    if "extensions" in definition:
        need_extensions(definition["extensions"], path + ".extensions")
    if "interactionType" in definition and definition["interactionType"] not in INTERACTION_TYPES:
        raise StatementInvalid(path + ".interactionType", _l("is not an xAPI interaction type"))
    if "correctResponsesPattern" in definition:
        pattern = need_list(
            definition["correctResponsesPattern"], path + ".correctResponsesPattern"
        )
        for i, response in enumerate(pattern):
            need_string(response, f"{path}.correctResponsesPattern[{i}]")
    for key in COMPONENT_LISTS:
        for i, component in enumerate(need_list(definition.get(key, []), f"{path}.{key}")):
            where = f"{path}.{key}[{i}]"
            only_known(need_object(component, where), frozenset({"id", "description"}), where + ".")
            need_string(component.get("id"), where + ".id")
            if "description" in component:
                need_language_map(component["description"], where + ".description")


def _result(value, path: str) -> None:
    result = need_object(value, path)
    only_known(result, RESULT_KEYS, path + ".")
    for key in ("success", "completion"):
        if key in result:
            need_boolean(result[key], f"{path}.{key}")
    if "response" in result:
        need_string(result["response"], path + ".response")
    if "duration" in result and not is_duration(result["duration"]):
        raise StatementInvalid(
            path + ".duration", _l("must be an ISO 8601 duration, such as PT1H30M")
        )
    if "extensions" in result:
        need_extensions(result["extensions"], path + ".extensions")
    if "score" in result:
        _score(result["score"], path + ".score")


def _score(value, path: str) -> None:
    score = need_object(value, path)
    only_known(score, SCORE_KEYS, path + ".")
    numbers = {key: need_number(score[key], f"{path}.{key}") for key in SCORE_KEYS if key in score}
    scaled = numbers.get("scaled")
    if scaled is not None and not -1 <= scaled <= 1:
        raise StatementInvalid(path + ".scaled", _l("must be between -1 and 1"))
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and not low < high:
        raise StatementInvalid(path + ".max", _l("must be greater than min"))
    if raw is not None and low is not None and raw < low:
        raise StatementInvalid(path + ".raw", _l("must not be below min"))
    if raw is not None and high is not None and raw > high:
        raise StatementInvalid(path + ".raw", _l("must not be above max"))


def _context(value, path: str, object_type: str, version: str) -> None:
    context = need_object(value, path)
    only_known(context, CONTEXT_KEYS_2 if version == "2.0" else CONTEXT_KEYS, path + ".")
    if "registration" in context and not is_uuid(context["registration"]):
        raise StatementInvalid(path + ".registration", _l("must be a UUID"))
    if "instructor" in context:
        need_actor(context["instructor"], path + ".instructor")
    if "team" in context and need_actor(context["team"], path + ".team") != "Group":
        raise StatementInvalid(path + ".team.objectType", _l("must be Group"))
    for key in ("revision", "platform"):
        if key in context:
            need_string(context[key], f"{path}.{key}")
            if object_type != "Activity":
                raise StatementInvalid(
                    f"{path}.{key}", _l("is only allowed when the object is an Activity")
                )
    if "language" in context and not is_language_tag(context["language"]):
        raise StatementInvalid(path + ".language", _l("must be a language tag such as en-US"))
    if "statement" in context:
        reference = need_object(context["statement"], path + ".statement")
        only_known(reference, frozenset({"objectType", "id"}), path + ".statement.")
        if reference.get("objectType") != "StatementRef":
            raise StatementInvalid(path + ".statement.objectType", _l("must be StatementRef"))
        if not is_uuid(reference.get("id")):
            raise StatementInvalid(path + ".statement.id", _l("must be a UUID"))
    if "extensions" in context:
        need_extensions(context["extensions"], path + ".extensions")
    if "contextActivities" in context:
        activities = need_object(context["contextActivities"], path + ".contextActivities")
        only_known(activities, CONTEXT_ACTIVITY_KEYS, path + ".contextActivities.")
        for key, listed in activities.items():
            where = f"{path}.contextActivities.{key}"
            for i, activity in enumerate(listed if type(listed) is list else [listed]):
                at = f"{where}[{i}]" if type(listed) is list else where
                if need_object(activity, at).get("objectType", "Activity") != "Activity":
                    raise StatementInvalid(at + ".objectType", _l("must be Activity"))
                _activity(activity, at)
    for key, kind in (("contextAgents", "Agent"), ("contextGroups", "Group")):
        for i, item in enumerate(need_list(context.get(key, []), f"{path}.{key}")):
            where = f"{path}.{key}[{i}]"
            member = kind.lower()
            only_known(
                need_object(item, where),
                frozenset({"objectType", "relevantTypes", member}),
                where + ".",
            )
            if member not in item:
                raise StatementInvalid(f"{where}.{member}", _l("is required"))
            if need_actor(item[member], f"{where}.{member}") != kind:
                raise StatementInvalid(
                    f"{where}.{member}.objectType",
                    _l("must be Agent") if kind == "Agent" else _l("must be Group"),
                )


def _attachments(value, path: str) -> None:
    for i, attachment in enumerate(need_list(value, path)):
        where = f"{path}[{i}]"
        only_known(need_object(attachment, where), ATTACHMENT_KEYS, where + ".")
        for required in ("usageType", "display", "contentType", "length", "sha2"):
            if required not in attachment:
                raise StatementInvalid(f"{where}.{required}", _l("is required"))
        need_iri(attachment["usageType"], where + ".usageType")
        need_language_map(attachment["display"], where + ".display")
        if "description" in attachment:
            need_language_map(attachment["description"], where + ".description")
        need_string(attachment["contentType"], where + ".contentType")
        if type(attachment["length"]) is not int or attachment["length"] < 0:
            raise StatementInvalid(where + ".length", _l("must be a whole number of bytes"))
        if type(attachment["sha2"]) is not str or SHA2_RE.match(attachment["sha2"]) is None:
            raise StatementInvalid(where + ".sha2", _l("must be a SHA-2 hash in hexadecimal"))
        if "fileUrl" not in attachment:
            # Attachment content travels in multipart/mixed requests, which we do not take.
            raise StatementInvalid(
                where + ".fileUrl", _l("is required: this LRS does not accept attachment content")
            )
        need_iri(attachment["fileUrl"], where + ".fileUrl")
