"""``lms-roi create-api-token`` and ``lms-roi revoke-api-token``."""

from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask.cli import with_appcontext

from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError


def _fail(message: str) -> None:
    session().rollback()
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.command("create-api-token")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True, help="What the token is for (shown to admins).")
@click.option(
    "--roles",
    default="",
    help="Comma-separated roles the token may use, among the person's (default: all of them).",
)
@click.option(
    "--expires-in-days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Days until the token stops working (default: never).",
)
def create_api_token(email: str, name: str, roles: str, expires_in_days: int | None) -> None:
    """Create an API token for the person with EMAIL (or external id); the token is the
    last line of the output, shown this once."""
    from lms_roi.services.tokens import find_holder, issue_api_token

    holder = find_holder(email)
    if holder is None:
        _fail(f"nobody has the email or external id {email!r}")
    wanted = [role.strip() for role in roles.split(",") if role.strip()]
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    try:
        token, clear = issue_api_token(holder, name=name, scopes=wanted, expires_at=expires_at)
        session().commit()
    except DomainError as error:
        _fail(error.message)
    click.echo(
        f"created token {token.prefix} ({name}) for {holder.email or holder.external_id}"
        f" with roles {', '.join(token.scopes) or 'all of the person’s'}"
        + (f", valid until {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else ", no expiry")
    )
    click.echo(clear)


@click.command("revoke-api-token")
@with_appcontext
@click.argument("prefix")
def revoke_api_token_command(prefix: str) -> None:
    """Revoke the API token with PREFIX (as listed by admins, or the whole token)."""
    from lms_roi.services.tokens import find_api_token, revoke_api_token

    token = find_api_token(prefix)
    if token is None:
        _fail(f"no API token with prefix {prefix!r}")
    already = token.revoked_at is not None
    revoke_api_token(token)
    session().commit()
    click.echo(f"token {token.prefix} was {'already ' if already else ''}revoked")
