"""``lms-roi xapi-map ACTIVITY_IRI MODULE_SLUG``: map an xAPI activity to a module.

Registered on the ``lms-roi`` group by :mod:`lms_roi.cli`. The statements already
stored for the activity are processed (completions, attempts, XP). Exit status 0 on
success, 1 when refused (unknown module, malformed IRI), nothing written then.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import DomainError


@click.command("xapi-map")
@click.argument("activity_iri")
@click.argument("module_slug")
@with_appcontext
def xapi_map_command(activity_iri: str, module_slug: str) -> None:
    """Map ACTIVITY_IRI (a Moodle activity URL, say) to the module MODULE_SLUG and process
    the statements already stored for it."""
    from lms_roi.models import Module
    from lms_roi.xapi.mapping import map_activity

    db = session()
    module = db.scalar(select(Module).where(Module.slug == module_slug))
    if module is None:
        click.echo(f"error: no module with the slug {module_slug!r}", err=True)
        sys.exit(1)
    try:
        result = map_activity(activity_iri, module, None)
        db.commit()
    except DomainError as error:
        db.rollback()
        click.echo(f"error: {error.message}", err=True)
        sys.exit(1)
    except Exception:
        db.rollback()
        raise
    if result.moved_from is not None:
        click.echo(
            f"moved {activity_iri} from {result.moved_from.slug} to {module.slug}; "
            f"completions already recorded stay on {result.moved_from.slug}"
        )
    if not result.created and result.moved_from is None and not result.processed:
        click.echo(f"{activity_iri} already maps to {module.slug}: nothing new to process")
    else:
        noun = "statement" if result.processed == 1 else "statements"
        click.echo(
            f"mapped {activity_iri} to {module.slug}; {result.processed} stored {noun} processed"
        )
    if result.unknown_actors:
        click.echo(
            f"{result.unknown_actors} stored statements come from people no learner matches: "
            "give those learners the actor's account name as external id (or list the "
            "account's home page in LMS_ROI_XAPI_HOME_PAGES), then map the activity again"
        )
