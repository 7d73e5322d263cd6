"""``lms-roi create-xapi-client NAME``: ``KEY SECRET`` on the last line, the secret kept hashed."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from lms_roi.models import AuditLog, XapiClient
from lms_roi.xapi.clients import authenticate_client
from xapi_http import Lrs


def test_the_last_line_is_the_key_and_the_secret_and_they_sign_in(app, cli, db, client):
    result = cli.invoke(args=["lms-roi", "create-xapi-client", "Moodle (sales)"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "created xAPI client 'Moodle (sales)'; the secret is shown only once"
    key, secret = lines[-1].split(" ")
    assert len(key) == 32 and len(secret) >= 40
    with app.app_context():
        stored = db.session.scalar(select(XapiClient).where(XapiClient.key == key))
        assert stored.name == "Moodle (sales)" and stored.usable
        assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert authenticate_client(key, secret) is stored
        assert authenticate_client(key, secret + "x") is None
        audit = db.session.scalar(select(AuditLog).where(AuditLog.target_id == key))
        assert (audit.action, audit.actor_label) == ("xapi_client.created", "cli")
    assert Lrs(client, key, secret).get().status_code == 200


def test_two_clients_get_different_keys_and_secrets(cli, db):
    first = cli.invoke(args=["lms-roi", "create-xapi-client", "A"]).stdout.splitlines()[-1]
    second = cli.invoke(args=["lms-roi", "create-xapi-client", "A"]).stdout.splitlines()[-1]
    assert set(first.split()).isdisjoint(second.split())


def test_a_blank_or_too_long_name_is_refused_and_nothing_is_written(app, cli, db):
    for name in ("   ", "x" * 201):
        result = cli.invoke(args=["lms-roi", "create-xapi-client", name])
        assert result.exit_code == 1
        assert result.stderr.startswith("error: ")
    with app.app_context():
        assert db.session.scalar(select(XapiClient)) is None
