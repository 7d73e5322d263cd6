"""``lms-roi create-xapi-client NAME``: let a learning platform send xAPI statements.

Registered on the ``lms-roi`` group by :mod:`lms_roi.cli`. Prints ``KEY SECRET`` on its
last line (the secret is shown only this once; only its hash is kept). Exit status 0 on
success, 1 when refused (an empty or too long name), nothing written then.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from lms_roi.db import session
from lms_roi.errors import DomainError


@click.command("create-xapi-client")
@click.argument("name")
@with_appcontext
def create_xapi_client_command(name: str) -> None:
    """Create an xAPI client called NAME (the LMS it stands for); print its key and secret,
    the HTTP Basic user name and password to give that LMS."""
    from flask import url_for

    from lms_roi.xapi.clients import create_client

    db = session()
    try:
        client, secret = create_client(name, actor_label="cli")
        db.commit()
    except DomainError as error:
        db.rollback()
        click.echo(f"error: {error.message}", err=True)
        sys.exit(1)
    try:
        endpoint = url_for("lms_roi.xapi.about", _external=True).removesuffix("about")
    except RuntimeError:  # no SERVER_NAME: the address is only known to a request
        endpoint = None
    click.echo(f"created xAPI client {client.name!r}; the secret is shown only once")
    if endpoint:
        click.echo(f"endpoint: {endpoint}")
    click.echo(f"{client.key} {secret}")
