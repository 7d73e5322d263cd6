"""``lms-roi report event-study`` and ``lms-roi report plan``: the diagnostics of DESIGN §7b.

Registered on the ``report`` group by :mod:`lms_roi.cli`; same exit statuses
(0 success, 1 the data cannot answer, 2 usage error such as an unknown module).
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys

import click
import pandas as pd

from lms_roi.analytics.diagnostics import completers_needed, mde
from lms_roi.analytics.effects import RoiParams
from lms_roi.analytics.estimate import RoiInputs, estimate
from lms_roi.analytics.event_study import as_records, module_event_study
from lms_roi.analytics.lookup import module_and_kpi
from lms_roi.errors import DomainError
from lms_roi.exports import safe_cell


def _module_and_kpi(slug: str, key: str | None):
    """The module of ``--module`` and the linked KPI of ``--kpi`` (None without one), or exit 2."""
    try:
        return module_and_kpi(slug, key)
    except DomainError as error:
        raise click.BadParameter(error.message, param_hint=f"--{error.field}") from None


def _render_rows(rows: list[dict], fmt: str, note: str) -> str:
    """JSON (full precision), CSV (full precision) or an aligned table (3 decimals) plus a note."""
    if fmt == "json":
        return json.dumps(rows, indent=2)
    headers = list(rows[0]) if rows else []
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([safe_cell(row[h]) for h in headers] for row in rows)
        return out.getvalue().rstrip("\n")
    if not rows:
        return f"No rows.\n* {note}"
    cells = [[f"{v:,.3f}" if isinstance(v, float) else str(v) for v in r.values()] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([*lines, "", f"* {note}"])


@click.command("event-study")
@click.option("--module", "slug", required=True, help="Slug of the module.")
@click.option("--kpi", "key", help="Only this KPI (default: every KPI linked to the module).")
@click.option("--periods-before", default=6, show_default=True, type=click.IntRange(1, 120))
@click.option("--periods-after", default=12, show_default=True, type=click.IntRange(0, 120))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def event_study_command(slug, key, periods_before, periods_after, fmt) -> None:
    """Effect of a module by KPI period since training (reference period r = -1)."""
    module, kpi = _module_and_kpi(slug, key)
    study = module_event_study(
        module.id,
        None if kpi is None else [kpi.id],
        r_before=periods_before,
        r_after=periods_after,
        min_control=RoiParams().min_control,
    )
    rows = as_records(study)
    note = (
        "r = -1 is the reference period (effect 0 by construction); a period is shown when "
        f"at least one completer and {RoiParams().min_control} colleagues who had not "
        "completed the module have values in it and in the reference period."
    )
    click.echo(_render_rows(rows, fmt, note))


@click.command("plan")
@click.option("--module", "slug", required=True, help="Slug of the module.")
@click.option("--kpi", "key", required=True, help="Key of a KPI linked to the module.")
@click.option(
    "--effect", "delta", required=True, type=float, help="Effect to detect per learner and period."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def plan_command(slug, key, delta, fmt) -> None:
    """How many completers are needed to detect an effect of DELTA (DESIGN §7b)."""
    module, kpi = _module_and_kpi(slug, key)
    if delta == 0 or not math.isfinite(delta):
        raise click.BadParameter("give a non-zero, finite effect", param_hint="--effect")
    effects = estimate(RoiInputs.load(), RoiParams(), module_ids=[module.id]).effects
    found = effects[effects["kpi_id"] == kpi.id].to_dict("records")
    if not found:
        click.echo(f"error: nobody has completed {slug} yet; no effect to plan from", err=True)
        sys.exit(1)
    [row] = found
    if row["isolation"] != "control_group" or pd.isna(row["std_error"]):
        click.echo(
            f"error: the effect of {slug} on {key} has no control-group estimate with a "
            f"standard error ({row['n_control']} controls, at least {RoiParams().min_control} "
            "needed); the planner has nothing to scale from",
            err=True,
        )
        sys.exit(1)
    plan = completers_needed(row["std_error"], row["n_treated"], row["n_control"], delta)
    answer = {
        "module": slug,
        "kpi": key,
        "effect_to_detect": abs(delta),
        "effect": float(row["effect"]),
        "std_error": float(row["std_error"]),
        "n_treated": int(row["n_treated"]),
        "n_control": int(row["n_control"]),
        "sd": plan.sd,
        "mde": mde(float(row["std_error"])),
        "completers_needed": plan.completers,
        "reachable": plan.reachable,
        "mde_floor": plan.floor,
    }
    if fmt == "json":
        click.echo(json.dumps(answer, indent=2))
        return
    click.echo(
        f"{slug} on {key}: effect {answer['effect']:.4g} per learner and period, standard "
        f"error {answer['std_error']:.4g}, {answer['n_treated']} completers, "
        f"{answer['n_control']} controls; detectable now (MDE): {answer['mde']:.4g}."
    )
    if plan.reachable:
        click.echo(
            f"To detect {abs(delta):.4g} per learner and period: {plan.completers} completers "
            f"(with the current {answer['n_control']} controls)."
        )
    else:
        click.echo(
            f"To detect {abs(delta):.4g} per learner and period: not reachable with "
            f"{answer['n_control']} controls (even unlimited completers only detect "
            f"{plan.floor:.4g} or more); more colleagues without the module are needed."
        )
