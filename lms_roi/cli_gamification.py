"""``lms-roi gamification ...``: maintenance of the XP ledger and what is derived from it.

Registered on the ``lms-roi`` group by :mod:`lms_roi.cli`. Exit status 0 on success.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms_roi.db import session

gamification_group = AppGroup("gamification", help="XP, levels, streaks and badges.")


@gamification_group.command("rebuild")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
def rebuild_command(dry_run: bool) -> None:
    """Replay completions, attempts, reviews and tutoring sessions into the XP ledger,
    totals, streaks and level notifications (deterministic: a second run changes nothing)."""
    from lms_roi.gamification.rebuild import rebuild

    db = session()
    try:
        report = rebuild(dry_run=dry_run)
    except Exception:
        db.rollback()
        raise
    if dry_run:
        db.rollback()
    else:
        db.commit()
    click.echo("\n".join(report.lines()))


@gamification_group.command("settle")
def settle_command() -> None:
    """Reward the winners of every challenge whose window has closed (once each), and give
    every learner with questions due today their "review due" notification (for cron)."""
    from lms_roi.gamification.challenges import settle_due
    from lms_roi.services.review_notices import notify_all_due

    db = session()
    try:
        settled = settle_due()
        reminded = notify_all_due()
    except Exception:
        db.rollback()
        raise
    db.commit()
    click.echo(f"{settled} challenge(s) settled")
    click.echo(f"{reminded} review reminder(s) created")
