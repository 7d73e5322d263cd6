"""Flat tables of reports for the terminal, CSV and XLSX, safe against formula injection.

The CLI writes the machine column names (``n_completions``); the web exports
write headers a person reads, in their language (``labels=True``). Cells keep
their raw values either way.
"""

from __future__ import annotations

import csv
import io
import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms_roi.analytics.levels import LEVEL_COLUMNS
from lms_roi.analytics.money import COST_LINES
from lms_roi.analytics.pooled import pooled_text
from lms_roi.labels import label

#: Column headers of the web exports, by column name.
HEADERS = {
    "module": _l("Module"),
    "method": _l("Method"),
    "program": _l("Program"),
    "version": _l("Version"),
    "team": _l("Team"),
    "learner": _l("Learner"),
    "n_modules": _l("Modules"),
    "n_learners": _l("Learners"),
    "n_completions": _l("Completions"),
    "cost_per_completion": _l("Cost per completion"),
    "cost": _l("Cost"),
    "benefit": _l("Benefit"),
    "net_benefit": _l("Net benefit"),
    "roi_pct": _l("ROI (%)"),
    "bcr": _l("Benefit-cost ratio"),
    "payback_months": _l("Payback (months)"),
    "cost_items": _l("Cost: own cost items"),
    "participant_time": _l("Cost: learners' time"),
    "program_items": _l("Cost: program cost items"),
    "tutoring_time": _l("Cost: tutoring time"),
    "flags": _l("Flags"),
    "kpis": _l("L4 effects by KPI"),
    "modules": _l("Modules taken"),
    "l1_reaction": _l("L1 reaction (1-5)"),
    "l2_gain": _l("L2 gain (points)"),
    "l3_applied_pct": _l("L3 applied (%)"),
    "satisfaction": _l("Satisfaction (1-5)"),
    "engagement_pct": _l("Engagement (%)"),
    "completion_rate_pct": _l("Completion rate (%)"),
    "n_outliers": _l("Outliers"),
    "l4_effects": _l("L4 effects by KPI (pooled)"),
}


def header_labels(headers: list[str]) -> list[str]:
    """The translated header of each column (an unknown column keeps its name)."""
    return [str(HEADERS.get(h, h)) for h in headers]


# A cell starting with one of these is run as a formula by spreadsheet software.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet will not evaluate; numbers pass through unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def kpi_summary(kpis: list[dict], *, labels: bool = False) -> str:
    """``key: effect [ci_low, ci_high] isolation`` per KPI, separated by ``; ``.

    A data cell: numbers keep full precision (``repr`` of the float). With
    ``labels`` (web exports) a missing effect reads in the person's language.
    """
    missing = _("n/a") if labels else "n/a"
    parts = []
    for k in kpis:
        effect = missing if k["effect"] is None else f"{k['effect']:+}"
        ci = "" if k["ci_low"] is None else f" [{k['ci_low']}, {k['ci_high']}]"
        parts.append(f"{k['kpi']}: {effect}{ci} {k['isolation']} (n={k['n_treated']})")
    return "; ".join(parts)


def pooled_summary(pooled: list[dict], *, labels: bool = False) -> str:
    """A method's pooled effects as one data cell (full precision, like :func:`kpi_summary`).

    Without ``labels`` exactly :func:`~lms_roi.analytics.pooled.pooled_text` (the CLI and
    machine exports); with them the module counts read in the person's language.
    """
    if not labels:
        return pooled_text(pooled)
    parts = []
    for p in pooled:
        effect = f"{p['kpi']}: {p['effect']:+}"
        if p["ci_low"] is not None:
            effect += f" [{p['ci_low']}, {p['ci_high']}]"
        parts.append(
            ngettext(
                "%(effect)s (%(num)d module)",
                "%(effect)s (%(num)d modules)",
                p["n_modules"],
                effect=effect,
            )
        )
    return "; ".join(parts)


def flatten(report, *, labels: bool = False) -> tuple[list[str], list[list]]:
    """Headers and rows of a :class:`~lms_roi.analytics.RoiReport`, levels 1-3 included.

    ``labels``: the few words inside cells (``n/a``, module counts) in the person's
    language, for the web exports; the values themselves never change.
    """
    if not report.rows:
        return [], []
    keys = list(report.rows[0])
    headers = keys.copy()
    if "cost_breakdown" in keys:  # one column per cost line, where the breakdown stood
        at = headers.index("cost_breakdown")
        headers[at : at + 1] = list(COST_LINES)
    if "n_completions" in keys:
        headers.insert(headers.index("cost"), "cost_per_completion")
    if report.levels:
        headers += LEVEL_COLUMNS + [k for k in report.levels[0] if k not in LEVEL_COLUMNS]
    table = []
    pooled = report.pooled or [None] * len(report.rows)  # by method: same order as the rows
    for row, levels, effects in zip(
        report.rows, report.levels or [{}] * len(report.rows), pooled, strict=True
    ):
        values = dict(row)
        values.update(row.get("cost_breakdown", {}))
        if "n_completions" in keys:
            n = row["n_completions"]
            values["cost_per_completion"] = row["cost"] / n if n else None
        values["kpis"] = kpi_summary(row["kpis"], labels=labels) if "kpis" in row else None
        for name in ("flags", "modules"):
            if name in values:
                values[name] = ", ".join(values[name])
        values.update(levels)
        if labels and effects is not None and "l4_effects" in values:
            values["l4_effects"] = pooled_summary(effects, labels=True)
        table.append([values.get(h) for h in headers])
    return headers, table


def to_csv(report, *, labels: bool = False) -> str:
    """The report as CSV; ``labels`` writes translated headers instead of column names."""
    headers, rows = flatten(report, labels=labels)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header_labels(headers) if labels else headers)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(report, *, labels: bool = False) -> bytes:
    """The report and its method notes as a workbook; ``labels`` as in :func:`to_csv`."""
    from openpyxl import Workbook

    headers, rows = flatten(report, labels=labels)
    workbook = Workbook()
    sheet = workbook.active
    if labels:
        sheet.title = _("ROI by %(by)s", by=label(report.by, "report"))[:31]
        sheet.append(header_labels(headers))
    else:
        sheet.title = f"ROI by {report.by}"
        sheet.append(headers)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    notes = workbook.create_sheet(_("Method notes")[:31] if labels else "Method notes")
    for note in report.notes:
        notes.append([safe_cell(note)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_json(report) -> str:
    return json.dumps(report.rows, indent=2, ensure_ascii=False)


def to_table(report) -> str:
    """An aligned plain-text table followed by the method notes."""
    headers, rows = flatten(report)
    if not headers:
        return "No data to report."
    if report.pooled and "l4_effects" in headers:  # rounded for reading, unlike the exports
        column = headers.index("l4_effects")
        for row, pooled in zip(rows, report.pooled, strict=True):
            row[column] = pooled_text(pooled, digits=4)
    shown = [h for h in headers if h != "kpis"]
    cells = [[_text(v) for v, h in zip(row, headers, strict=True) if h != "kpis"] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(shown)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(shown, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([*lines, "", *("* " + n for n in report.notes)])


def _text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
