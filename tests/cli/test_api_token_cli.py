"""``lms-roi create-api-token`` and ``lms-roi revoke-api-token``."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from factories import make_person
from lms_roi.db import utcnow
from lms_roi.models import ApiToken
from lms_roi.services.tokens import authenticate_token


def _nadia(app, db):
    with app.app_context():
        make_person("nadia@example.com", roles=("analyst", "admin", "learner"))
        db.session.commit()


def _create(cli, *args):
    return cli.invoke(args=["lms-roi", "create-api-token", *args])


def test_create_prints_the_token_last_with_roles_and_expiry(app, cli, db):
    _nadia(app, db)
    result = _create(
        cli, "Nadia@example.com", "--name", "BI", "--roles", "analyst,admin",
        "--expires-in-days", "90",
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("created token ") and "with roles admin, analyst" in lines[0]
    clear = lines[-1]
    with app.app_context():
        token = authenticate_token(clear)
        assert token is not None and token.name == "BI"
        assert token.scopes == ["admin", "analyst"]
        left = token.expires_at - utcnow()
        assert timedelta(days=89, hours=23) < left <= timedelta(days=90)
        assert clear not in (token.token_hash, token.prefix)


def test_create_refuses_a_role_the_person_lacks_and_unknown_people(app, cli, db):
    _nadia(app, db)
    refused = _create(cli, "nadia@example.com", "--name", "x", "--roles", "hr")
    assert refused.exit_code == 1 and "does not have the role HR" in refused.stderr
    nobody = _create(cli, "ghost@example.com", "--name", "x")
    assert nobody.exit_code == 1 and "ghost@example.com" in nobody.stderr
    with app.app_context():
        assert db.session.query(ApiToken).count() == 0


def test_revoke_by_prefix(app, cli, db):
    _nadia(app, db)
    clear = _create(cli, "nadia@example.com", "--name", "old").stdout.strip().splitlines()[-1]
    prefix = clear.split("_")[1]
    result = cli.invoke(args=["lms-roi", "revoke-api-token", prefix])
    assert result.exit_code == 0 and result.stdout.strip() == f"token {prefix} was revoked"
    with app.app_context():
        assert authenticate_token(clear) is None
        assert db.session.scalar(select(ApiToken)).revoked_at is not None
    again = cli.invoke(args=["lms-roi", "revoke-api-token", f"lmsroi_{prefix}"])
    assert again.exit_code == 0 and "already revoked" in again.stdout
    unknown = cli.invoke(args=["lms-roi", "revoke-api-token", "ffffffffffff"])
    assert unknown.exit_code == 1 and "no API token" in unknown.stderr
