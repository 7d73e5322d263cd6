"""Command line: ``lms-roi ...`` or ``flask --app lms_roi lms-roi ...``.

Exit status: 0 success, 1 refused data (nothing written), 2 usage error.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, run_command

from lms_roi.cli_diagnostics import event_study_command, plan_command
from lms_roi.cli_gamification import gamification_group
from lms_roi.cli_tokens import create_api_token, revoke_api_token_command
from lms_roi.cli_xapi_clients import create_xapi_client_command
from lms_roi.cli_xapi_mapping import xapi_map_command
from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.importers import IMPORTERS, ImportRejected, import_file
from lms_roi.models._types import ROLES

lms_roi_group = AppGroup("lms-roi", help="Manage lms-roi: database, people, imports, demo data.")


@lms_roi_group.command("init-db")
def init_db() -> None:
    """Create or upgrade the lms-roi tables to the latest migration."""
    from lms_roi.migrate import upgrade

    revision = upgrade("head")
    click.echo(f"lms-roi database is at revision {revision}")


@lms_roi_group.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(ROLES),
    help="Role to grant (repeat for several). Default: learner.",
)
@click.option("--external-id", help="Stable id from your HR system (default: the email).")
@click.option("--password-stdin", is_flag=True, help="Read the sign-in password from stdin.")
@click.option("--token", is_flag=True, help="Also print a new API token (last line of stdout).")
def create_user(email, name, roles, external_id, password_stdin, token) -> None:
    """Create a person with roles, a login password and optionally an API token."""
    from lms_roi.services.people import create_person
    from lms_roi.services.tokens import issue_api_token

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    if password_stdin and not password:
        raise click.UsageError("--password-stdin given but stdin was empty")
    db = session()
    try:
        person = create_person(
            email=email,
            display_name=name,
            roles=list(roles) or ["learner"],
            external_id=external_id,
            password=password,
        )
        clear = issue_api_token(person, name="created by lms-roi create-user")[1] if token else None
        db.commit()
    except DomainError as error:
        db.rollback()
        click.echo(f"error: {error.message}", err=True)
        sys.exit(1)
    click.echo(
        f"created {person.email or person.external_id} with roles {', '.join(sorted(person.roles))}"
        + ("" if password else " (no password: sign-in disabled until one is set)")
    )
    if clear:
        click.echo(clear)


def _progress_bar(label: str):
    threshold = current_app.config["LMS_ROI_IMPORT_PROGRESS_ROWS"]

    def factory(total: int):
        if total > threshold:
            return click.progressbar(length=total, label=label, file=sys.stderr)
        return nullcontext()

    return factory


@lms_roi_group.command("import")
@click.argument("kind", type=click.Choice(list(IMPORTERS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Validate and count exactly like a real run; write nothing."
)
def import_command(kind: str, file: Path, dry_run: bool) -> None:
    """Import a CSV or XLSX FILE of KIND, all or nothing."""
    db = session()
    try:
        result = import_file(
            kind,
            file.read_bytes(),
            str(file),
            dry_run=dry_run,
            actor_label="cli",
            progress=_progress_bar(f"Checking {file.name}"),
        )
    except ImportRejected as rejected:
        db.rollback()
        for issue in rejected.issues:
            click.echo(str(issue), err=True)
        click.echo(
            f"rejected: {len(rejected.issues)} problem(s) in {file}; nothing was written", err=True
        )
        sys.exit(1)
    except BaseException:
        db.rollback()
        raise
    if dry_run:
        db.rollback()
    else:
        db.commit()
    click.echo(("dry run, nothing written. " if dry_run else "") + result.summary())


@lms_roi_group.command("demo")
@click.option(
    "--learners",
    default=150,
    show_default=True,
    type=click.IntRange(10, 100_000),
    help="How many learners the demo organisation has.",
)
@click.option(
    "--seed",
    default=7,
    show_default=True,
    type=int,
    help="Random seed (same seed and date, same data).",
)
@click.option(
    "--reset", is_flag=True, help="Drop every lms-roi table first (loses all lms-roi data)."
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="End the 12 months of history before this date (default: today).",
)
@click.option(
    "--url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Address printed with the demo logins.",
)
def demo_command(learners: int, seed: int, reset: bool, as_of, url: str) -> None:
    """Fill the database with a realistic, deterministic demo organisation."""
    from lms_roi.demo import DemoRefused, build_demo

    try:
        summary = build_demo(
            learners=learners,
            seed=seed,
            reset=reset,
            url=url,
            as_of=as_of.date() if as_of else None,
        )
    except DemoRefused as refused:
        click.echo(f"error: {refused}", err=True)
        sys.exit(1)
    click.echo(summary)


@lms_roi_group.group("report")
def report_group() -> None:
    """Reports."""


@report_group.command("roi")
@click.option(
    "--by",
    "by",
    type=click.Choice(["module", "learner", "method", "program", "version", "team"]),
    default="module",
    show_default=True,
)
@click.option("--pre-days", default=90, show_default=True, type=click.IntRange(1, 3650))
@click.option("--lag-days", default=30, show_default=True, type=click.IntRange(0, 3650))
@click.option("--post-days", default=90, show_default=True, type=click.IntRange(1, 3650))
@click.option("--horizon-months", default=12, show_default=True, type=click.IntRange(1, 120))
@click.option(
    "--exclude-outliers", is_flag=True, help="Leave out changes with a robust z-score above 3.5."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
def report_roi(by, pre_days, lag_days, post_days, horizon_months, exclude_outliers, fmt) -> None:
    """Phillips ROI by module, learner, method, program, module version or team."""
    from lms_roi import exports
    from lms_roi.analytics import RoiParams, roi_report
    from lms_roi.services.audit import record_audit

    params = RoiParams(
        pre_days=pre_days,
        lag_days=lag_days,
        post_days=post_days,
        horizon_months=horizon_months,
        exclude_outliers=exclude_outliers,
    )
    report = roi_report(by, params)
    if by in ("learner", "team"):
        # Individual KPI data: every read is audited.
        record_audit(
            "report.roi_read",
            actor=None,
            actor_label="cli",
            target_type="report",
            target_id=by,
            details={"rows": len(report.rows)},
        )
        session().commit()
    render = {"table": exports.to_table, "csv": exports.to_csv, "json": exports.to_json}[fmt]
    click.echo(render(report))


report_group.add_command(event_study_command)
report_group.add_command(plan_command)
lms_roi_group.add_command(gamification_group)
lms_roi_group.add_command(create_api_token)
lms_roi_group.add_command(revoke_api_token_command)
lms_roi_group.add_command(xapi_map_command)
lms_roi_group.add_command(create_xapi_client_command)


def main() -> None:
    """Entry point of the ``lms-roi`` console script (the standalone app)."""
    from lms_roi.app import create_app

    cli = FlaskGroup(
        name="lms-roi",
        create_app=create_app,
        add_default_commands=False,
        add_version_option=False,
        help=lms_roi_group.help,
    )
    for name, command in lms_roi_group.commands.items():
        cli.add_command(command, name)
    cli.add_command(run_command, "run")
    cli.main(prog_name="lms-roi")
