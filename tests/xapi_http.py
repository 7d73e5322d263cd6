"""Talking to the xAPI endpoint in tests: a signed-in client and statement builders."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.models import XapiStatement
from lms_roi.xapi.clients import create_client

URL = "/roi/xapi/statements"
ABOUT = "/roi/xapi/about"
MOODLE = Path(__file__).parent / "data" / "xapi" / "moodle-logstore"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def make_client(name: str = "Moodle") -> tuple[str, str]:
    """A new xAPI client, committed: ``(key, secret)``."""
    client, secret = create_client(name)
    session().commit()
    return client.key, secret


def basic(key: str, secret: str) -> str:
    """The ``Authorization`` header value for HTTP Basic."""
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


@dataclass
class Lrs:
    """A test client signed in as an xAPI client, sending the version header."""

    http: object
    key: str
    secret: str
    version: str = "1.0.3"
    headers: dict = field(default_factory=dict)

    def _headers(self, extra: dict | None) -> dict:
        headers = {"Authorization": basic(self.key, self.secret)}
        if self.version is not None:
            headers["X-Experience-API-Version"] = self.version
        return {**headers, **self.headers, **(extra or {})}

    def post(self, body, *, headers: dict | None = None, **kwargs):
        return self.http.post(URL, json=body, headers=self._headers(headers), **kwargs)

    def put(self, body, statement_id: str | None, *, headers: dict | None = None):
        query = {} if statement_id is None else {"statementId": statement_id}
        return self.http.put(URL, json=body, query_string=query, headers=self._headers(headers))

    def get(self, path: str = URL, *, headers: dict | None = None, **query):
        return self.http.get(path, query_string=query or None, headers=self._headers(headers))

    def raw(self, method: str, data, content_type: str = "application/json", **kwargs):
        return self.http.open(
            URL,
            method=method,
            data=data,
            content_type=content_type,
            headers=self._headers(kwargs.pop("headers", None)),
            **kwargs,
        )


def statement(
    *,
    sid: str | None = None,
    mbox: str = "mailto:ana@example.com",
    verb: str = COMPLETED,
    activity: str = "https://lms.example.org/mod/page/view.php?id=7",
    timestamp: str | None = "2026-03-10T09:30:00.000Z",
    **extra,
) -> dict:
    """A valid statement (with ``sid`` as its id when given)."""
    body = {
        "actor": {"objectType": "Agent", "name": "Ana", "mbox": mbox},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
        **extra,
    }
    if timestamp is not None:
        body["timestamp"] = timestamp
    if sid is not None:
        body["id"] = sid
    return body


def voiding(target: str, **extra) -> dict:
    """A statement voiding the statement ``target``."""
    return statement(verb=VOIDED, **extra) | {
        "object": {"objectType": "StatementRef", "id": target}
    }


def new_id() -> str:
    return str(uuid.uuid4())


def moodle_samples() -> dict[str, list]:
    """The Moodle log store samples, by file name."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(MOODLE.glob("*.json"))
    }


def count_statements() -> int:
    """How many statement rows are stored."""
    return session().scalar(select(func.count()).select_from(XapiStatement))
