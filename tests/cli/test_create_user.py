"""``lms-roi create-user``: roles, password from stdin, API token on the last line."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash

from lms_roi.models import ApiToken, Learner
from lms_roi.services.tokens import authenticate_token


def test_create_user_with_roles_password_and_token(app, cli, db):
    result = cli.invoke(
        args=[
            "lms-roi",
            "create-user",
            "Nadia@Example.com",
            "--name",
            "Nadia Benali",
            "--role",
            "analyst",
            "--role",
            "hr",
            "--password-stdin",
            "--token",
        ],
        input="s3cret-password\n",
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "created nadia@example.com with roles analyst, hr"
    token = lines[-1]
    assert token.startswith("lmsroi_")
    with app.app_context():
        nadia = db.session.scalar(select(Learner).where(Learner.email == "nadia@example.com"))
        assert nadia.roles == {"analyst", "hr"}
        assert nadia.display_name == "Nadia Benali"
        assert check_password_hash(nadia.account.password_hash, "s3cret-password")
        stored = db.session.scalar(select(ApiToken))
        assert token not in (stored.token_hash, stored.prefix)
        assert authenticate_token(token).learner_id == nadia.id
        assert authenticate_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_without_password_the_account_cannot_sign_in(cli):
    result = cli.invoke(args=["lms-roi", "create-user", "leo@example.com", "--name", "Léo"])
    assert result.exit_code == 0
    assert "no password: sign-in disabled" in result.stdout
    assert "lmsroi_" not in result.stdout


def test_duplicate_email_exits_1_and_writes_nothing(app, cli, db):
    args = ["lms-roi", "create-user", "leo@example.com", "--name", "Léo"]
    assert cli.invoke(args=args).exit_code == 0
    again = cli.invoke(args=[*args, "--token"])
    assert again.exit_code == 1
    assert "leo@example.com already belongs to someone" in again.stderr
    with app.app_context():
        assert db.session.query(ApiToken).count() == 0


def test_unknown_role_is_a_usage_error(cli):
    result = cli.invoke(
        args=["lms-roi", "create-user", "x@example.com", "--name", "X", "--role", "boss"]
    )
    assert result.exit_code == 2
    assert "'boss' is not one of" in result.stderr


def test_short_password_is_refused(cli):
    result = cli.invoke(
        args=["lms-roi", "create-user", "x@example.com", "--name", "X", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code == 1
    assert "at least 8 characters" in result.stderr
