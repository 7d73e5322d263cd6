"""Reading xAPI statements back: one by id, or a filtered page with a ``more`` link.

Pages follow ``stored`` then the row id (a stable order, newest first unless
``ascending``) and continue after the last row shown, so statements stored meanwhile
neither repeat nor shift a page. The ``more`` token is signed: it carries the query
and where to continue, and a changed token is refused rather than trusted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, or_, select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import XapiStatement

from .formats import IFIS, FormatError, agent_key, is_iri, is_uuid, parse_timestamp
from .validation import StatementInvalid, validate_actor

FILTERS = ("agent", "verb", "activity", "since", "until", "limit", "ascending", "format")
#: Parameters accepted with their default value only (what they ask for is not kept).
ONLY_DEFAULT = {
    "attachments": "false",
    "related_activities": "false",
    "related_agents": "false",
}
FORMATS = ("exact", "canonical", "ids")


@dataclass
class StatementQuery:
    """A parsed ``GET /statements`` filter, and where the page starts."""

    agent: str | None = None
    verb: str | None = None
    activity: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 0
    ascending: bool = False
    format: str = "exact"
    after: tuple[str, int] | None = None


def bad_parameter(name: str, message: str) -> DomainError:
    """A 400 naming the query parameter."""
    return DomainError(
        "invalid_parameter", _("%(field)s: %(message)s", field=name, message=message), name
    )


def parse_query(args) -> StatementQuery:
    """Read the filters of ``GET /statements`` (or its ``more`` token); raises a 400."""
    if "more" in args:
        if set(args) != {"more"}:
            raise bad_parameter("more", _("a more link cannot be combined with other parameters"))
        return _from_token(args["more"])
    for name in args:
        if name not in FILTERS and name not in ONLY_DEFAULT:
            raise bad_parameter(name, _("this parameter is not supported"))
    for name, default in ONLY_DEFAULT.items():
        if name in args and args[name].lower() != default:
            raise bad_parameter(name, _("only %(value)s is supported", value=default))
    query = StatementQuery(limit=_limit(args.get("limit")))
    if "agent" in args:
        query.agent = _agent(args["agent"])
    for name in ("verb", "activity"):
        if name in args:
            if not is_iri(args[name]):
                raise bad_parameter(
                    name, _("must be an absolute IRI, such as http://example.com/x")
                )
            setattr(query, name, args[name])
    for name in ("since", "until"):
        if name in args:
            try:
                setattr(query, name, parse_timestamp(args[name]).isoformat())
            except FormatError as error:
                raise bad_parameter(name, str(error.message)) from None
    if "ascending" in args:
        if args["ascending"].lower() not in ("true", "false"):
            raise bad_parameter("ascending", _("must be true or false"))
        query.ascending = args["ascending"].lower() == "true"
    if "format" in args:
        if args["format"] not in FORMATS:
            raise bad_parameter("format", _("must be exact, canonical or ids"))
        query.format = args["format"]
    return query


def _limit(value: str | None) -> int:
    most = current_app.config["LMS_ROI_XAPI_PAGE_MAX"]
    if value is None:
        return min(current_app.config["LMS_ROI_XAPI_PAGE_SIZE"], most)
    if not value.isdigit():
        raise bad_parameter("limit", _("must be a whole number, 0 for the largest page"))
    return most if int(value) == 0 else min(int(value), most)


def _agent(text: str) -> str:
    try:
        agent = json.loads(text)
    except ValueError:
        raise bad_parameter("agent", _("must be an Agent or Group in JSON")) from None
    try:
        validate_actor(agent, "agent")
    except StatementInvalid as invalid:
        raise bad_parameter(invalid.path, str(invalid.message)) from None
    if not any(ifi in agent for ifi in IFIS):
        raise bad_parameter("agent", _("must be an Agent or Group in JSON"))
    return agent_key(agent)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="lms-roi-xapi-more")


def more_token(query: StatementQuery, last: XapiStatement) -> str:
    """The opaque token continuing ``query`` after ``last``."""
    state = asdict(query)
    state["after"] = [last.stored.isoformat(), last.id]
    return _serializer().dumps(state)


def _from_token(token: str) -> StatementQuery:
    try:
        state = _serializer().loads(token)
        state["after"] = tuple(state["after"])
        return StatementQuery(**state)
    except (BadSignature, TypeError, KeyError, ValueError):
        raise bad_parameter(
            "more", _("this more link is not valid; start the query again")
        ) from None


def find_statement(statement_id: str, *, voided: bool, client_id: int) -> XapiStatement | None:
    """The statement with this id sent by the client ``client_id``: voided ones only
    when ``voided``, others only when not."""
    if not is_uuid(statement_id):
        raise bad_parameter("statementId", _("must be a UUID"))
    return session().scalar(
        select(XapiStatement).where(
            XapiStatement.statement_id == statement_id.lower(),
            XapiStatement.voided.is_(voided),
            XapiStatement.client_id == client_id,
        )
    )


def list_statements(query: StatementQuery, *, client_id: int) -> tuple[list[XapiStatement], bool]:
    """A page of the statements the client ``client_id`` sent that match ``query`` (never
    voided ones), and whether more follow.

    A client reads only its own statements: each source (a Moodle site, an authoring
    tool) sees what it sent, never another source's learners.
    """
    stmt = select(XapiStatement).where(
        XapiStatement.voided.is_(False), XapiStatement.client_id == client_id
    )
    if query.agent is not None:
        stmt = stmt.where(
            or_(
                XapiStatement.actor == query.agent,
                and_(
                    XapiStatement.object_type.in_(("Agent", "Group")),
                    XapiStatement.object_id == query.agent,
                ),
            )
        )
    if query.verb is not None:
        stmt = stmt.where(XapiStatement.verb == query.verb)
    if query.activity is not None:
        stmt = stmt.where(
            XapiStatement.object_type == "Activity", XapiStatement.object_id == query.activity
        )
    if query.since is not None:
        stmt = stmt.where(XapiStatement.stored > datetime.fromisoformat(query.since))
    if query.until is not None:
        stmt = stmt.where(XapiStatement.stored <= datetime.fromisoformat(query.until))
    order = (XapiStatement.stored, XapiStatement.id)
    if query.after is not None:
        stored, row_id = datetime.fromisoformat(query.after[0]), query.after[1]
        if query.ascending:
            after = or_(
                XapiStatement.stored > stored,
                and_(XapiStatement.stored == stored, XapiStatement.id > row_id),
            )
        else:
            after = or_(
                XapiStatement.stored < stored,
                and_(XapiStatement.stored == stored, XapiStatement.id < row_id),
            )
        stmt = stmt.where(after)
    stmt = stmt.order_by(*(order if query.ascending else (c.desc() for c in order)))
    rows = list(session().scalars(stmt.limit(query.limit + 1)))
    return rows[: query.limit], len(rows) > query.limit


def as_format(statement: dict, fmt: str) -> dict:
    """The statement as ``format`` asks: as stored, or with ``ids`` only for agents and
    activities (``canonical`` returns it as stored: we keep one language map)."""
    if fmt != "ids":
        return statement
    shown = {**statement, "actor": _ids_of_agent(statement["actor"])}
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        shown["object"] = {"objectType": "Activity", "id": target["id"]}
    elif kind in ("Agent", "Group"):
        shown["object"] = _ids_of_agent(target)
    if "authority" in statement:
        shown["authority"] = _ids_of_agent(statement["authority"])
    return shown


def _ids_of_agent(agent: dict) -> dict:
    kept = {key: agent[key] for key in ("objectType", *IFIS) if key in agent}
    if "member" in agent:
        kept["member"] = [_ids_of_agent(member) for member in agent["member"]]
    return kept
