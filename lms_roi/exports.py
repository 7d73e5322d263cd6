"""Flat tables of reports for the terminal, CSV and XLSX, safe against formula injection."""

from __future__ import annotations

import csv
import io
import json

from lms_roi.analytics.levels import LEVEL_COLUMNS

# A cell starting with one of these is run as a formula by spreadsheet software.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet will not evaluate; numbers pass through unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def kpi_summary(kpis: list[dict]) -> str:
    """``key: effect [ci_low, ci_high] isolation`` per KPI, separated by ``; ``."""
    parts = []
    for k in kpis:
        effect = "n/a" if k["effect"] is None else f"{k['effect']:+.4g}"
        ci = "" if k["ci_low"] is None else f" [{k['ci_low']:.4g}, {k['ci_high']:.4g}]"
        parts.append(f"{k['kpi']}: {effect}{ci} {k['isolation']} (n={k['n_treated']})")
    return "; ".join(parts)


def flatten(report) -> tuple[list[str], list[list]]:
    """Headers and rows of a :class:`~lms_roi.analytics.RoiReport`, levels 1-3 included."""
    if not report.rows:
        return [], []
    keys = list(report.rows[0])
    headers = keys.copy()
    if "n_completions" in keys:
        headers.insert(headers.index("cost"), "cost_per_completion")
    if report.levels:
        headers += LEVEL_COLUMNS + [k for k in report.levels[0] if k not in LEVEL_COLUMNS]
    table = []
    for row, levels in zip(report.rows, report.levels or [{}] * len(report.rows), strict=True):
        values = dict(row)
        if "n_completions" in keys:
            n = row["n_completions"]
            values["cost_per_completion"] = round(row["cost"] / n, 2) if n else None
        values["kpis"] = kpi_summary(row["kpis"]) if "kpis" in row else None
        for name in ("flags", "modules"):
            if name in values:
                values[name] = ", ".join(values[name])
        values.update(levels)
        table.append([values.get(h) for h in headers])
    return headers, table


def to_csv(report) -> str:
    headers, rows = flatten(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(report) -> bytes:
    from openpyxl import Workbook

    headers, rows = flatten(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"ROI by {report.by}"
    sheet.append(headers)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    notes = workbook.create_sheet("Method notes")
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
