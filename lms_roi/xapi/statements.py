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
    existing = _existing_hashes([sid for sid, s in zip(ids, statements, strict=True) if "id" in s])
    new = []
    for sid, digest, statement in zip(ids, hashes, statements, strict=True):
        if sid not in existing:
            new.append((sid, digest, statement))
        elif existing[sid] != digest:
            raise ConflictError(
                "statement_conflict",
                _("a different statement with the id %(id)s is already stored", id=sid),
                "id",
            )
    if not new:
        return Stored(ids=ids, created=[])
    voiding = {sid: s["object"]["id"].lower() for sid, _h, s in new if s["verb"]["id"] == VOIDED}
    _refuse_voiding_a_voiding_statement(voiding)
    voided_ahead = _voided_ahead([sid for sid, _h, s in new if "id" in s])
    rows = _rows(new, client, authority, version, voided_ahead)
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


def _existing_hashes(ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in chunked(ids):
        found.update(
            session()
            .execute(
                select(XapiStatement.statement_id, XapiStatement.content_hash).where(
                    one_of(XapiStatement.statement_id, chunk)
                )
            )
            .all()
        )
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


def _voided_ahead(ids: list[str]) -> dict[str, str]:
    """Statements voided before they arrived: target id -> id of the voiding statement."""
    found: dict[str, str] = {}
    for chunk in chunked(ids):
        rows = session().execute(
            select(XapiStatement.object_id, XapiStatement.statement_id).where(
                one_of(XapiStatement.object_id, chunk),
                XapiStatement.object_type == "StatementRef",
                XapiStatement.verb == VOIDED,
            )
        )
        found.update(rows.all())
    return found


def _rows(new, client, authority: dict, version: str, voided_ahead: dict[str, str]) -> list[dict]:
    stored_at = _now_in_milliseconds()
    stored_text = format_timestamp(stored_at)
    default_version = "2.0.0" if version == "2.0" else "1.0.0"
    client_id = client.id if client is not None else None
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
    """SHA-256 of what makes the statement itself (xAPI statement comparison).

    Left out or normalised: what the LRS adds (id, stored, authority, version), an
    Activity object's definition (the LRS may keep a newer one), the timestamp's
    time zone and precision beyond milliseconds, the case of UUIDs, the order of a
    group's members and ``5`` against ``5.0`` in scores.
    """
    body = {key: value for key, value in statement.items() if key not in LRS_PROPERTIES}
    if "timestamp" in body:
        body["timestamp"] = format_timestamp(parse_timestamp(body["timestamp"]))
    body["actor"] = _sorted_members(body["actor"])
    target = body["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        body["object"] = {k: v for k, v in target.items() if k != "definition"}
    elif kind == "StatementRef":
        body["object"] = {**target, "id": target["id"].lower()}
    elif kind in ("Agent", "Group"):
        body["object"] = _sorted_members(target)
    score = (body.get("result") or {}).get("score")
    if score:
        body["result"] = {**body["result"], "score": {k: _plain(v) for k, v in score.items()}}
    context = body.get("context")
    if context and "registration" in context:
        body["context"] = {**context, "registration": context["registration"].lower()}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _sorted_members(agent: dict) -> dict:
    if "member" not in agent:
        return agent
    members = sorted(agent["member"], key=lambda m: json.dumps(m, sort_keys=True))
    return {**agent, "member": members}


def _plain(number):
    return int(number) if type(number) is float and number.is_integer() else number
