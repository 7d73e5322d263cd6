"""Storing xAPI statements: a whole batch or nothing, replays change nothing, voiding.

:func:`store_statements` validates a batch, gives statements without an ``id`` a new
UUID, sets ``stored``, ``authority``, ``version`` and a missing ``timestamp``, hands the
new statements to :mod:`lms_roi.xapi.processing` for their outcome, inserts them with
one bulk INSERT after one query for the ids it already has, and marks the targets of
voiding statements voided — all in the caller's transaction (it only flushes).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import false, select, update

from lms_roi.db import chunked, session, utcnow
from lms_roi.errors import ConflictError, DomainError
from lms_roi.models import XapiClient, XapiStatement
from lms_roi.sql_lists import insert_many, one_of

from . import processing
from .formats import agent_key, format_timestamp, parse_timestamp
from .validation import VOIDED, StatementInvalid, validate_statement

#: What the LRS adds or may change: left out when telling a replay from a conflict.
LRS_PROPERTIES = ("id", "stored", "authority", "version")
STATEMENTS = XapiStatement.__table__


@dataclass
class Stored:
    """The outcome of a stored batch: every statement id in request order, and the ids
    of the statements this request created (replays of statements already stored
    create none)."""

    ids: list[str]
    created: list[str]


def store_statements(
    statements: Sequence[dict],
    *,
    client: XapiClient | None,
    authority: dict,
    version: str = "1.0",
    numbered: bool = True,
) -> Stored:
    """Store a batch of statements atomically; only flushes.

    Raises :class:`DomainError` (400) for an invalid statement or ids repeated in the
    batch, and :class:`ConflictError` (409) for an id already stored with different
    content; nothing is stored then. ``numbered`` says whether messages name the
    statement's position (a batch) or not (a single statement).
    """
    for index, statement in enumerate(statements):
        try:
            validate_statement(statement, version=version)
        except StatementInvalid as invalid:
            invalid.index = index if numbered else None
            raise DomainError("invalid_statement", invalid.describe(), invalid.path) from None
    ids = _statement_ids(statements)
    hashes = [content_hash(statement) for statement in statements]
    _begin_writing()
    existing = _existing([sid for sid, s in zip(ids, statements, strict=True) if "id" in s])
    new = []
    for sid, digest, statement in zip(ids, hashes, statements, strict=True):
        if sid not in existing:
            new.append((sid, digest, statement))
        elif not existing[sid].matches(digest, statement.get("timestamp")):
            raise ConflictError(
                "statement_conflict",
                _("a different statement with the id %(id)s is already stored", id=sid),
                "id",
            )
    if not new:
        return Stored(ids=ids, created=[])
    voiding = {sid: s["object"]["id"].lower() for sid, _h, s in new if s["verb"]["id"] == VOIDED}
    client_id = client.id if client is not None else None
    _refuse_voiding_a_voiding_statement(voiding)
    _refuse_voiding_others(voiding, client_id)
    voided_ahead = _voided_ahead([sid for sid, _h, s in new if "id" in s], client_id)
    rows = _rows(new, client_id, authority, version, voided_ahead)
    to_process = [row for row in rows if row["statement_id"] not in voiding and not row["voided"]]
    if to_process:
        # Before the insert: each row is written once, with its outcome.
        processing.process_rows(to_process)
    _insert(rows)
    if voiding:
        _void(voiding)
    return Stored(ids=ids, created=[row["statement_id"] for row in rows])


def _begin_writing() -> None:
    """On SQLite, take the database's write lock before the batch's first read.

    SQLite has one writer at a time. A transaction that reads, then writes, fails at
    once with "database is locked" when another writer committed in between (its reads
    are stale: waiting would not help). A no-op write first, in a transaction that has
    read nothing yet, makes a concurrent batch wait for the lock (the busy timeout)
    instead; the validation, which needs no database, runs before it, outside the
    lock. PostgreSQL locks rows: nothing to do there.
    """
    db = session()
    if db.get_bind().dialect.name == "sqlite":
        db.execute(update(STATEMENTS).where(false()).values(id=STATEMENTS.c.id))


def _statement_ids(statements: Sequence[dict]) -> list[str]:
    ids: list[str] = []
    seen: dict[str, int] = {}
    for index, statement in enumerate(statements):
        sid = statement["id"].lower() if "id" in statement else str(uuid.uuid4())
        if sid in seen:
            raise DomainError(
                "duplicate_statement_id",
                _(
                    "statements %(first)d and %(second)d have the same id %(id)s; "
                    "nothing was stored",
                    first=seen[sid] + 1,
                    second=index + 1,
                    id=sid,
                ),
                "id",
            )
        seen[sid] = index
        ids.append(sid)
    return ids


@dataclass(frozen=True)
class _Kept:
    """What a stored statement is compared by: its content hash and the timestamp its
    sender gave (None when the LRS set it)."""

    digest: str
    timestamp: datetime | None

    def matches(self, digest: str, timestamp: str | None) -> bool:
        """Whether a statement sent again is this one: same content, and the same
        instant when both sides give a timestamp (one the LRS set could differ)."""
        if digest != self.digest:
            return False
        if timestamp is None or self.timestamp is None:
            return True
        return format_timestamp(parse_timestamp(timestamp)) == format_timestamp(self.timestamp)


def _existing(ids: list[str]) -> dict[str, _Kept]:
    found: dict[str, _Kept] = {}
    columns = (
        XapiStatement.statement_id,
        XapiStatement.content_hash,
        XapiStatement.timestamp,
        XapiStatement.stored,
    )
    for chunk in chunked(ids):
        rows = session().execute(select(*columns).where(one_of(XapiStatement.statement_id, chunk)))
        for sid, digest, timestamp, stored in rows:
            # The LRS sets a missing timestamp to the stored time, to the millisecond.
            given = None if timestamp == stored else timestamp
            found[sid] = _Kept(digest, given)
    return found


def _refuse_voiding_a_voiding_statement(voiding: dict[str, str]) -> None:
    """A voiding statement cannot be voided (xAPI Data 2.3.2): refuse the batch."""
    if not voiding:
        return
    targets = set(voiding.values())
    in_batch = targets & set(voiding)
    stored = set()
    for chunk in chunked(targets - in_batch):
        stored.update(
            session().scalars(
                select(XapiStatement.statement_id).where(
                    XapiStatement.statement_id.in_(chunk), XapiStatement.verb == VOIDED
                )
            )
        )
    refused = in_batch | stored
    if refused:
        target = sorted(refused)[0]
        raise DomainError(
            "voiding_a_voiding_statement",
            _("statement %(id)s voids another statement and cannot be voided", id=target),
            "object.id",
        )


def _refuse_voiding_others(voiding: dict[str, str], client_id: int | None) -> None:
    """Only the client that sent a statement may void it (xAPI Data 2.3.2: 403 for a
    source not allowed to): refuse the batch. Statements stored without a client (the
    platform's own) and targets not stored yet are no obstacle."""
    if not voiding or client_id is None:
        return
    others: set[str] = set()
    for chunk in chunked(sorted(set(voiding.values()))):
        others.update(
            session().scalars(
                select(XapiStatement.statement_id).where(
                    one_of(XapiStatement.statement_id, chunk),
                    XapiStatement.client_id.is_not(None),
                    XapiStatement.client_id != client_id,
                )
            )
        )
    if others:
        refused = DomainError(
            "not_your_statement",
            _(
                "statement %(id)s was sent by another xAPI client: only its sender can void it",
                id=sorted(others)[0],
            ),
            "object.id",
        )
        refused.status = 403
        raise refused


def _voided_ahead(ids: list[str], client_id: int | None) -> dict[str, str]:
    """Statements voided before they arrived, by the client now sending them: target id ->
    id of the voiding statement."""
    found: dict[str, str] = {}
    same_client = (
        XapiStatement.client_id.is_(None)
        if client_id is None
        else XapiStatement.client_id == client_id
    )
    for chunk in chunked(ids):
        rows = session().execute(
            select(XapiStatement.object_id, XapiStatement.statement_id).where(
                one_of(XapiStatement.object_id, chunk),
                XapiStatement.object_type == "StatementRef",
                XapiStatement.verb == VOIDED,
                same_client,
            )
        )
        found.update(rows.all())
    return found


def _rows(
    new, client_id: int | None, authority: dict, version: str, voided_ahead: dict[str, str]
) -> list[dict]:
    stored_at = _now_in_milliseconds()
    stored_text = format_timestamp(stored_at)
    default_version = "2.0.0" if version == "2.0" else "1.0.0"
    rows = []
    for sid, digest, statement in new:
        raw = {**statement, "id": sid, "stored": stored_text, "authority": authority}
        raw.setdefault("version", default_version)
        timestamp = stored_at
        if "timestamp" in statement:
            timestamp = parse_timestamp(statement["timestamp"])
        else:
            raw["timestamp"] = stored_text
        target = statement["object"]
        object_type = target.get("objectType", "Activity")
        voiding = statement["verb"]["id"] == VOIDED
        rows.append(
            {
                "statement_id": sid,
                "client_id": client_id,
                "actor": agent_key(statement["actor"]),
                "verb": statement["verb"]["id"],
                "object_type": object_type,
                "object_id": _object_key(target, object_type),
                "result": statement.get("result"),
                "timestamp": timestamp,
                "stored": stored_at,
                "voided": sid in voided_ahead,
                "voided_by": voided_ahead.get(sid),
                "raw": raw,
                "version": raw["version"],
                "content_hash": digest,
                # Voiding statements act here; statements voided before they came do nothing.
                "status": "processed"
                if voiding
                else ("no_effect" if sid in voided_ahead else "received"),
                # Set by processing, before the insert.
                "learner_id": None,
                "effects": None,
            }
        )
    return rows


def _insert(rows: list[dict]) -> None:
    """One multi-row INSERT of the new statements, their outcome included."""
    insert_many(session(), STATEMENTS, rows)


def _object_key(target: dict, object_type: str) -> str:
    if object_type == "Activity":
        return target["id"]
    if object_type == "StatementRef":
        return target["id"].lower()
    if object_type in ("Agent", "Group"):
        return agent_key(target)
    return ""  # a SubStatement: its own object is not the statement's


def _void(voiding: dict[str, str]) -> None:
    """Mark the targets of new voiding statements voided and reverse what they caused."""
    by_target = {target: sid for sid, target in voiding.items()}
    targets: list[XapiStatement] = []
    for chunk in chunked(by_target):
        targets += session().scalars(
            select(XapiStatement).where(
                XapiStatement.statement_id.in_(chunk),
                XapiStatement.voided.is_(False),
                XapiStatement.verb != VOIDED,
            )
        )
    for target in targets:
        target.voided = True
        target.voided_by = by_target[target.statement_id]
    session().flush()
    if targets:
        processing.void_statements(targets)


def _now_in_milliseconds() -> datetime:
    # ``stored`` is written with milliseconds: the column keeps exactly what the
    # statement says, so a ``since`` taken from a returned statement excludes it.
    now = utcnow()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def content_hash(statement: dict) -> str:
    """SHA-256 of what makes the statement itself (xAPI 1.0.3 §2.3.1, statement comparison).

    Left out or normalised, as the exceptions to statement immutability ask: what the
    LRS adds or may set (id, stored, authority, version, timestamp — compared apart by
    :func:`store_statements`, only when both sides give one), attachments, the Verb's
    ``display``, Activity definitions (the LRS may keep a newer one), the case of
    UUIDs and of e-mail domains, the order of a group's members, and ``5`` against
    ``5.0`` in scores. ``result.duration`` stays a string, as the spec asks.
    """
    body = {
        key: value
        for key, value in statement.items()
        if key not in LRS_PROPERTIES and key not in ("timestamp", "attachments")
    }
    text = json.dumps(_normalised(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _normalised(body: dict) -> dict:
    """A statement (or sub-statement) body as compared: see :func:`content_hash`."""
    body = {**body, "actor": _agent(body["actor"])}
    body["verb"] = {k: v for k, v in body["verb"].items() if k != "display"}
    target = body["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        body["object"] = _activity(target)
    elif kind == "StatementRef":
        body["object"] = {**target, "id": target["id"].lower()}
    elif kind in ("Agent", "Group"):
        body["object"] = _agent(target)
    elif kind == "SubStatement":
        body["object"] = _normalised({k: v for k, v in target.items() if k != "timestamp"})
    score = (body.get("result") or {}).get("score")
    if score:
        body["result"] = {**body["result"], "score": {k: _plain(v) for k, v in score.items()}}
    if body.get("context"):
        body["context"] = _context(body["context"])
    return body


def _context(context: dict) -> dict:
    context = dict(context)
    if "registration" in context:
        context["registration"] = context["registration"].lower()
    for role in ("instructor", "team"):
        if role in context:
            context[role] = _agent(context[role])
    if "statement" in context:
        context["statement"] = {**context["statement"], "id": context["statement"]["id"].lower()}
    activities = context.get("contextActivities")
    if activities:
        context["contextActivities"] = {
            kind: [_activity(a) for a in (listed if type(listed) is list else [listed])]
            for kind, listed in activities.items()
        }
    return context


def _activity(activity: dict) -> dict:
    return {k: v for k, v in activity.items() if k != "definition"}


def _agent(agent: dict) -> dict:
    """An Agent or Group with its e-mail domain in lower case and its members sorted."""
    agent = dict(agent)
    mbox = agent.get("mbox")
    if type(mbox) is str and "@" in mbox:
        local, _at, domain = mbox.rpartition("@")
        agent["mbox"] = f"{local}@{domain.lower()}"
    if "member" in agent:
        members = [_agent(member) for member in agent["member"]]
        agent["member"] = sorted(members, key=lambda m: json.dumps(m, sort_keys=True))
    return agent


def _plain(number):
    return int(number) if type(number) is float and number.is_integer() else number
