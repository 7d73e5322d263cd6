"""xAPI 1.0.3 statement validation: each rule, the property path it names and its message."""

from __future__ import annotations

import copy

import pytest

from lms_roi.xapi.formats import agent_key, format_timestamp, is_duration, parse_timestamp
from lms_roi.xapi.statements import content_hash
from lms_roi.xapi.validation import StatementInvalid, validate_statement

SHA1 = "a" * 40


def good() -> dict:
    """A statement using most properties, valid."""
    return {
        "id": "2c4f5e3a-6d4b-4e8f-9a1c-3b2d1e0f9a8b",
        "actor": {"objectType": "Agent", "name": "Ana", "mbox": "mailto:ana@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "done"}},
        "object": {
            "objectType": "Activity",
            "id": "https://lms.example.org/mod/quiz/view.php?id=3",
            "definition": {
                "name": {"en-US": "Quiz"},
                "description": {"fr-FR": "Un quiz"},
                "type": "http://adlnet.gov/expapi/activities/assessment",
                "interactionType": "choice",
                "correctResponsesPattern": ["a"],
                "choices": [{"id": "a", "description": {"en": "A"}}],
                "extensions": {"https://example.org/ext/level": 3},
            },
        },
        "result": {
            "score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10},
            "success": True,
            "completion": True,
            "response": "a",
            "duration": "PT1M30.5S",
            "extensions": {"https://example.org/ext/tries": None},
        },
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "instructor": {"mbox_sha1sum": SHA1},
            "team": {"objectType": "Group", "member": [{"openid": "https://id.example.org/b"}]},
            "contextActivities": {
                "parent": {"id": "https://lms.example.org/course/view.php?id=1"},
                "grouping": [{"id": "https://lms.example.org"}],
            },
            "revision": "2",
            "platform": "Moodle",
            "language": "en-GB",
            "statement": {
                "objectType": "StatementRef",
                "id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            },
            "extensions": {"https://example.org/ext/cohort": "A"},
        },
        "timestamp": "2026-03-10T09:30:00.123+01:00",
        "version": "1.0.3",
        "attachments": [
            {
                "usageType": "http://adlnet.gov/expapi/attachments/signature",
                "display": {"en": "Signature"},
                "contentType": "application/pdf",
                "length": 12,
                "sha2": "b" * 64,
                "fileUrl": "https://files.example.org/s.pdf",
            }
        ],
    }


def _set(body: dict, path: str, value) -> dict:
    """``body`` with ``value`` at the dotted ``path`` (``...`` removes the property)."""
    *parents, last = path.split(".")
    node = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return body


def _refusal(body, version: str = "1.0") -> tuple[str, str]:
    with pytest.raises(StatementInvalid) as caught:
        validate_statement(body, version=version)
    return caught.value.path, str(caught.value.message)


def test_a_complete_statement_and_a_minimal_one_are_valid(ctx):
    validate_statement(good())
    validate_statement(
        {
            "actor": {"account": {"homePage": "http://www.example.org", "name": "1"}},
            "verb": {"id": "http://id.tincanapi.com/verb/viewed"},
            "object": {"id": "http://www.example.org/mod/quiz/view.php?id=1"},
        }
    )


@pytest.mark.parametrize(
    ("path", "value", "where", "message"),
    [
        # Unknown properties, anywhere but inside extensions.
        ("colour", "red", "colour", "is not an xAPI property here"),
        ("actor.age", 3, "actor.age", "is not an xAPI property here"),
        ("result.score.percent", 5, "result.score.percent", "is not an xAPI property here"),
        # Ids and timestamps.
        ("id", "42", "id", "must be a UUID"),
        ("id", None, "id", "must be a UUID"),
        ("timestamp", "2026-03-10T09:30:00", "timestamp",
         "must be an ISO 8601 timestamp with a time zone, such as 2026-01-31T09:30:00Z"),
        ("timestamp", "2026-03-10 09:30:00Z", "timestamp",
         "must be an ISO 8601 timestamp with a time zone, such as 2026-01-31T09:30:00Z"),
        ("timestamp", "2026-03-10T09:30:00-00:00", "timestamp",
         "must be an ISO 8601 timestamp with a time zone, such as 2026-01-31T09:30:00Z"),
        ("timestamp", "2026-02-30T09:30:00Z", "timestamp", "is not a real date and time"),
        ("stored", "yesterday", "stored",
         "must be an ISO 8601 timestamp with a time zone, such as 2026-01-31T09:30:00Z"),
        ("version", "0.95", "version", "must be 1.0.x or 2.0.x"),
        # Actor: exactly one identifier, each well formed.
        ("actor.mbox", "ana@example.com", "actor.mbox", "must start with mailto:"),
        ("actor.mbox", "mailto:ana", "actor.mbox", "must be mailto: followed by an email address"),
        ("actor.mbox_sha1sum", SHA1, "actor",
         "needs exactly one identifier: mbox, mbox_sha1sum, openid or account"),
        ("actor.mbox", ..., "actor",
         "needs exactly one identifier: mbox, mbox_sha1sum, openid or account"),
        ("actor.objectType", "Person", "actor.objectType", "must be Agent or Group"),
        ("actor.name", 7, "actor.name", "must be a string"),
        ("context.instructor.mbox_sha1sum", "abc", "context.instructor.mbox_sha1sum",
         "must be a SHA-1 hash: 40 hexadecimal characters"),
        ("context.team.member", [], "context.team.member", "must list at least one agent"),
        ("context.team.member", [{"objectType": "Group", "member": []}],
         "context.team.member[0].objectType", "a group member must be an Agent"),
        ("context.team", {"mbox": "mailto:t@x.org"}, "context.team.objectType", "must be Group"),
        # Verb, object.
        ("verb.id", "completed", "verb.id", "must be an absolute IRI, such as http://example.com/x"),
        ("verb.id", ..., "verb.id", "is required"),
        ("verb.display", {"en_US": "done"}, "verb.display.en_US",
         "must be a language tag such as en-US"),
        ("verb.display", {"en": 3}, "verb.display.en", "must be a string"),
        ("object", ..., "object", "is required"),
        ("object.id", "quiz 3", "object.id", "must be an absolute IRI, such as http://example.com/x"),
        ("object.objectType", "Thing", "object.objectType",
         "must be Activity, Agent, Group, StatementRef or SubStatement"),
        ("object.definition.interactionType", "essay", "object.definition.interactionType",
         "is not an xAPI interaction type"),
        ("object.definition.extensions", {"level": 3}, "object.definition.extensions.level",
         "must be an absolute IRI, such as http://example.com/x"),
        # Result and score ranges.
        ("result.score.scaled", 1.5, "result.score.scaled", "must be between -1 and 1"),
        ("result.score.scaled", -1.01, "result.score.scaled", "must be between -1 and 1"),
        ("result.score.raw", 11, "result.score.raw", "must not be above max"),
        ("result.score.raw", -1, "result.score.raw", "must not be below min"),
        ("result.score.max", 0, "result.score.max", "must be greater than min"),
        ("result.score.raw", "5", "result.score.raw", "must be a number"),
        ("result.score.raw", True, "result.score.raw", "must be a number"),
        ("result.success", "yes", "result.success", "must be true or false"),
        ("result.duration", "90 seconds", "result.duration",
         "must be an ISO 8601 duration, such as PT1H30M"),
        # Context.
        ("context.registration", "abc", "context.registration", "must be a UUID"),
        ("context.language", "english!", "context.language",
         "must be a language tag such as en-US"),
        ("context.contextActivities.parent", {"objectType": "Agent", "id": "https://x.org"},
         "context.contextActivities.parent.objectType", "must be Activity"),
        ("context.contextActivities.grouping", [{"name": "x"}],
         "context.contextActivities.grouping[0].name", "is not an xAPI property here"),
        ("context.statement", {"objectType": "Activity", "id": "x"},
         "context.statement.objectType", "must be StatementRef"),
        ("context.contextAgents", [], "context.contextAgents", "is not an xAPI property here"),
        # Attachments.
        ("attachments.0.fileUrl", ..., "attachments[0].fileUrl",
         "is required: this LRS does not accept attachment content"),
        ("attachments.0.length", -1, "attachments[0].length", "must be a whole number of bytes"),
        ("attachments.0.sha2", "xyz", "attachments[0].sha2", "must be a SHA-2 hash in hexadecimal"),
    ],
)  # fmt: skip
def test_each_rule_names_the_property_and_the_problem(ctx, path, value, where, message):
    assert _refusal(_set(good(), path, value)) == (where, message)


def test_revision_and_platform_need_an_activity_object(ctx):
    body = good()
    body["object"] = {"objectType": "Agent", "mbox": "mailto:ben@example.com"}
    assert _refusal(body) == ("context.revision", "is only allowed when the object is an Activity")


def test_voiding_needs_a_statement_ref(ctx):
    body = _set(good(), "verb.id", "http://adlnet.gov/expapi/verbs/voided")
    body.pop("context")
    assert _refusal(body) == ("object", "a voiding statement must target a StatementRef")
    body["object"] = {"objectType": "StatementRef", "id": "bad"}
    assert _refusal(body) == ("object.id", "must be a UUID")
    body["object"]["id"] = good()["id"]
    validate_statement(body)


def test_sub_statements_cannot_nest_or_carry_lrs_properties(ctx):
    inner = {k: v for k, v in good().items() if k in ("actor", "verb", "object")}
    body = good() | {"object": {"objectType": "SubStatement", **inner}}
    body.pop("context")
    validate_statement(body)
    nested = copy.deepcopy(body)
    nested["object"]["object"] = {"objectType": "SubStatement", **inner}
    assert _refusal(nested) == (
        "object.object.objectType",
        "a SubStatement cannot contain another SubStatement",
    )
    with_id = copy.deepcopy(body)
    with_id["object"]["id"] = good()["id"]
    assert _refusal(with_id) == ("object.id", "is not an xAPI property here")


def test_groups_accounts_and_anonymous_groups(ctx):
    body = good()
    body["actor"] = {"objectType": "Group", "member": []}
    assert _refusal(body) == ("actor.member", "must list at least one agent")
    body["actor"] = {"objectType": "Group"}
    assert _refusal(body) == ("actor.member", "is required in a group without identifier")
    body["actor"] = {"account": {"homePage": "https://lms.example.org"}}
    assert _refusal(body) == ("actor.account.name", "is required")
    body["actor"] = {"account": {"homePage": "lms", "name": "1"}}
    assert _refusal(body) == (
        "actor.account.homePage",
        "must be an absolute IRI, such as http://example.com/x",
    )


def test_2_0_adds_context_agents_and_groups(ctx):
    body = good()
    body["context"]["contextAgents"] = [
        {"objectType": "contextAgent", "agent": {"mbox": "mailto:t@example.org"}}
    ]
    validate_statement(body, version="2.0")
    body["context"]["contextGroups"] = [
        {"objectType": "contextGroup", "group": {"mbox": "mailto:g@x.org"}}
    ]
    assert _refusal(body, "2.0") == ("context.contextGroups[0].group.objectType", "must be Group")


def test_not_an_object_at_all(ctx):
    assert _refusal([1]) == ("statement", "must be a JSON object")
    assert _refusal(_set(good(), "actor", "ana")) == ("actor", "must be a JSON object")
    assert _refusal({"actor": {"mbox": "mailto:a@x.org"}}) == ("verb", "is required")


def test_batch_messages_count_statements_from_one(ctx):
    error = StatementInvalid("actor.mbox", "must start with mailto:", index=1)
    assert error.describe() == "statement 2: actor.mbox: must start with mailto:"
    error.index = None
    assert error.describe() == "actor.mbox: must start with mailto:"


def test_timestamps_durations_and_agent_keys(ctx):
    moment = parse_timestamp("2026-03-10T10:30:00.1234567+01:00")
    assert format_timestamp(moment) == "2026-03-10T09:30:00.123Z"
    assert parse_timestamp("20260310T093000Z") == parse_timestamp("2026-03-10T09:30:00Z")
    assert parse_timestamp("2026-03-10T09:30:00,5Z").microsecond == 500000
    assert all(is_duration(d) for d in ("PT1H30M", "P1D", "PT0.5S", "P2W", "P1Y2M3DT4H5M6S"))
    assert not any(is_duration(d) for d in ("P", "PT", "P1DT", "1H", "PT1H30", "P-1D"))
    assert agent_key({"mbox": "mailto:a@x.org"}) == "mbox:mailto:a@x.org"
    assert agent_key({"mbox_sha1sum": SHA1.upper()}) == "mbox_sha1sum:" + SHA1
    assert agent_key({"account": {"homePage": "http://m.org", "name": "7"}}) == (
        "account:http://m.org 7"
    )
    long = agent_key({"openid": "https://id.example.org/" + "x" * 300})
    assert long.startswith("sha256:") and len(long) == 71
    members = [{"mbox": "mailto:a@x.org"}, {"mbox": "mailto:b@x.org"}]
    assert agent_key({"member": members}) == agent_key({"member": members[::-1]})


def test_the_content_hash_ignores_what_the_lrs_may_change_only(ctx):
    base = good()
    same = copy.deepcopy(base)
    same.update(
        id=base["id"].upper(),
        stored="2030-01-01T00:00:00Z",
        authority={"mbox": "mailto:lrs@example.org"},
        version="1.0.0",
        timestamp="2026-03-10T08:30:00.123456Z",
    )
    same["object"]["definition"]["name"] = {"en-US": "Renamed"}
    same["result"]["score"]["raw"] = 5.0
    same["context"]["registration"] = base["context"]["registration"].upper()
    same["verb"]["display"] = {"fr-FR": "a terminé"}
    same["attachments"] = []
    local, domain = base["actor"]["mbox"].split("@")
    same["actor"]["mbox"] = f"{local}@{domain.upper()}"
    # The timestamp is left out here: store_statements compares it apart, only when
    # both sides give one (tests/http/test_xapi_statements.py).
    assert content_hash(same) == content_hash(base)
    for path, value in (
        ("result.score.raw", 6),
        ("result.duration", "PT60S"),
        ("verb.id", "http://adlnet.gov/expapi/verbs/passed"),
        ("actor.mbox", "mailto:other@example.com"),
        ("actor.mbox", base["actor"]["mbox"].replace("mailto:", "mailto:X")),
    ):
        assert content_hash(_set(copy.deepcopy(base), path, value)) != content_hash(base), path
