"""Builders for xAPI processing tests: statements stored as the LRS stores them."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from lms_roi.db import session
from lms_roi.models import XapiStatement
from lms_roi.xapi.formats import agent_key, parse_timestamp

MOODLE = Path(__file__).parent / "data" / "xapi" / "moodle-logstore"
MOODLE_HOME = "http://www.example.org"
ADL = "http://adlnet.gov/expapi/verbs/"
WHEN = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def moodle(name: str) -> dict:
    """The first statement of a Moodle log store sample (``course_completed``...)."""
    return json.loads((MOODLE / f"{name}.json").read_text(encoding="utf-8"))[0]


def statement(
    verb: str = ADL + "completed",
    *,
    actor: dict | None = None,
    activity: str = "https://lms.example.org/roi/modules/seo-basics",
    result: dict | None = None,
    timestamp: datetime = WHEN,
    name: str | None = None,
) -> dict:
    """A statement as a client sends it (no id)."""
    body = {
        "actor": actor or {"mbox": "mailto:ana@example.com", "name": "Ana"},
        "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[-1]}},
        "object": {"id": activity, "objectType": "Activity"},
        "timestamp": timestamp.isoformat(),
    }
    if name:
        body["object"]["definition"] = {"name": {"en": name}}
    if result is not None:
        body["result"] = result
    return body


def store(body: dict, *, statement_id: str | None = None, stored: datetime = WHEN) -> XapiStatement:
    """Store ``body`` as the statement store does (flushed, status ``received``)."""
    raw = copy.deepcopy(body)
    raw.setdefault("id", statement_id or str(uuid.uuid4()))
    moment = parse_timestamp(raw["timestamp"]) if raw.get("timestamp") else stored
    row = XapiStatement(
        statement_id=raw["id"],
        actor=agent_key(raw["actor"]),
        verb=raw["verb"]["id"],
        object_type=raw["object"].get("objectType", "Activity"),
        object_id=raw["object"]["id"],
        result=raw.get("result"),
        timestamp=moment,
        stored=stored,
        raw=raw,
        content_hash=uuid.uuid4().hex,
    )
    session().add(row)
    session().flush()
    return row
