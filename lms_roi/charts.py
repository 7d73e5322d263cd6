"""Charts drawn as inline SVG on the server: no JavaScript, no CDN, printable offline.

Titles, legends and axis labels come translated from the caller; numbers are
written in the reader's locale (:func:`lms_roi.i18n.number`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from flask_babel import gettext as _
from markupsafe import Markup, escape

from lms_roi.i18n import number

PALETTE = ("#2458c6", "#d9822b", "#0f9960", "#c23030", "#7157d9", "#29a634")

__all__ = ["bar_chart", "event_study_chart", "line_chart", "number", "scatter"]


def bar_chart(
    labels: list[str],
    values: list[float | None],
    *,
    unit: str = "",
    title: str = "",
    value_format: Callable[[float], str] | None = None,
) -> Markup:
    """Horizontal bars (negative values to the left of a zero line); None is drawn as n/a.

    Values are written with ``value_format`` (e.g. :func:`lms_roi.i18n.percent`),
    else as a one-decimal number followed by ``unit``.
    """
    shown = value_format or (lambda v: number(v, 1) + unit)
    missing = _("n/a")
    row, label_w, width = 26, 210, 720
    plot_w = width - label_w - 90
    known = [v for v in values if v is not None] or [0.0]
    low, high = min(0.0, *known), max(0.0, *known)
    span = (high - low) or 1.0
    zero = label_w + plot_w * (-low / span)
    height = row * len(labels) + 30
    parts = [
        f'<svg class="chart" width="{width}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * row
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" '
            f'font-size="12">{escape(label)}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{zero + 4:.1f}" y="{y + 15}" font-size="11" fill="#5d6677">'
                f"{escape(missing)}</text>"
            )
            continue
        x1 = label_w + plot_w * ((min(value, 0) - low) / span)
        w = max(plot_w * abs(value) / span, 1)
        color = PALETTE[0] if value >= 0 else PALETTE[3]
        parts.append(
            f'<rect x="{x1:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{color}"><title>{escape(label)}: {escape(shown(value))}</title>'
            f"</rect>"
        )
        # Labels of losses go right of the zero line so they never cover the names.
        text_x = x1 + w + 4 if value >= 0 else zero + 4
        fill = "#1d2330" if value >= 0 else PALETTE[3]
        parts.append(
            f'<text x="{text_x:.1f}" y="{y + 15}" font-size="11" fill="{fill}">'
            f"{escape(shown(value))}</text>"
        )
    parts.append(
        f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="5" y2="{height - 15}" '
        f'stroke="#1d2330" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 (every label is escaped)


def line_chart(
    x_labels: list[str],
    series: dict[str, list[float | None]],
    *,
    title: str = "",
    marker: int | None = None,
) -> Markup:
    """Lines over shared x labels; ``marker`` draws a vertical line at that index."""
    width, height, left, bottom, top = 720, 280, 80, 60, 20
    plot_w, plot_h = width - left - 40, height - bottom - top
    known = [v for values in series.values() for v in values if v is not None] or [0.0, 1.0]
    low, high = min(known), max(known)
    pad = (high - low) * 0.1 or 1.0
    low, high = low - pad, high + pad
    n = max(len(x_labels) - 1, 1)

    def point(i: int, v: float) -> str:
        return f"{left + plot_w * i / n:.1f},{top + plot_h * (1 - (v - low) / (high - low)):.1f}"

    parts = [
        f'<svg class="chart" width="{width}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for k in range(5):
        value = low + (high - low) * k / 4
        y = top + plot_h * (1 - k / 4)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d9dde6"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end">{escape(number(value))}</text>'
        )
    step = max(-(-len(x_labels) // 6), 1)
    for i in range(0, len(x_labels), step):
        parts.append(
            f'<text x="{left + plot_w * i / n:.1f}" y="{height - 34}" font-size="11" '
            f'text-anchor="middle">{escape(x_labels[i])}</text>'
        )
    if marker is not None:
        x = left + plot_w * marker / n
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="#5d6677" stroke-dasharray="4 3"/>'
        )
    for j, (name, values) in enumerate(series.items()):
        color = PALETTE[j % len(PALETTE)]
        points = " ".join(point(i, v) for i, v in enumerate(values) if v is not None)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        legend_x = left + 260 * j  # legend under the plot, one entry per series
        parts.append(
            f'<rect x="{legend_x}" y="{height - 16}" width="12" height="12" fill="{color}"/>'
            f'<text x="{legend_x + 18}" y="{height - 6}" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 (every label is escaped)


def scatter(
    points: list[tuple[float, float]], *, x_label: str, y_label: str, title: str = ""
) -> Markup:
    """A scatter plot with axis labels (one dot per learner)."""
    width, height, left, bottom, top, right = 480, 300, 60, 46, 16, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [p[0] for p in points] or [0.0, 1.0]
    ys = [p[1] for p in points] or [0.0, 1.0]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)
    parts = [
        f'<svg class="chart" width="{width}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        f'stroke="#d9dde6"/>',
    ]
    for x, y in points:
        cx = left + plot_w * (x - x0) / (x1 - x0)
        cy = top + plot_h * (1 - (y - y0) / (y1 - y0))
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{PALETTE[0]}" fill-opacity="0.6"/>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 8}" font-size="12" '
        f'text-anchor="middle">{escape(_axis(x_label, x0, x1))}</text>'
    )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2})">{escape(_axis(y_label, y0, y1))}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 (every label is escaped)


def _axis(name: str, low: float, high: float) -> str:
    return _("%(axis)s (%(low)s to %(high)s)", axis=name, low=number(low), high=number(high))


def event_study_chart(
    rows: list[dict],
    *,
    title: str,
    x_label: str,
    y_label: str,
    effect_name: str,
    band_name: str,
    reference_name: str,
    reference: int = -1,
) -> Markup:
    """Effect by period since training with its 95 % CI band (DESIGN §7b).

    ``rows``: ``r``, ``effect``, ``ci_low``, ``ci_high`` (sorted by ``r``). The band and
    the line break where a period has no row; the zero line is solid and the reference
    period ``r = reference`` is marked by a dashed vertical line and a hollow diamond.
    """
    width, height, left, right, top, bottom = 720, 330, 70, 20, 24, 96
    plot_w, plot_h = width - left - right, height - top - bottom
    rs = [int(row["r"]) for row in rows] or [reference]
    r_low, r_high = min(*rs, reference), max(*rs, reference)
    span_r = max(r_high - r_low, 1)
    levels = [0.0] + [float(row[k]) for row in rows for k in ("ci_low", "ci_high", "effect")]
    ticks = _nice_ticks(min(levels), max(levels))
    low, high = ticks[0], ticks[-1]

    def x(r: float) -> float:
        return left + plot_w * (r - r_low) / span_r

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    def shown(v: float) -> str:
        # Float noise around 0 (1e-16) reads as 0, not in scientific notation.
        return number(0.0 if abs(v) < (high - low) * 1e-9 else v)

    parts = [
        f'<svg class="chart event-study" width="{width}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for value in ticks:  # horizontal grid with the effect scale
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#d9dde6"/><text x="{left - 6}" y="{y(value) + 4:.1f}" font-size="11" '
            f'text-anchor="end">{escape(shown(value))}</text>'
        )
    step = max(-(-(r_high - r_low + 1) // 20), 1)
    for r in range(r_low, r_high + 1, step):
        parts.append(
            f'<text x="{x(r):.1f}" y="{top + plot_h + 16}" font-size="11" '
            f'text-anchor="middle">{escape(number(r))}</text>'
        )
    for run in _runs(rows):
        band = [f"{x(row['r']):.1f},{y(row['ci_high']):.1f}" for row in run] + [
            f"{x(row['r']):.1f},{y(row['ci_low']):.1f}" for row in reversed(run)
        ]
        parts.append(
            f'<polygon class="ci-band" points="{" ".join(band)}" fill="{PALETTE[0]}" '
            f'fill-opacity="0.18" stroke="none"/>'
        )
        line = " ".join(f"{x(row['r']):.1f},{y(row['effect']):.1f}" for row in run)
        parts.append(
            f'<polyline fill="none" stroke="{PALETTE[0]}" stroke-width="2" points="{line}"/>'
        )
    parts.append(  # zero line: no effect
        f'<line x1="{left}" x2="{left + plot_w}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        f'stroke="#1d2330" stroke-width="1"/>'
    )
    rx, ry = x(reference), y(0)
    parts.append(
        f'<g class="reference-marker"><title>{escape(reference_name)}</title>'
        f'<line x1="{rx:.1f}" x2="{rx:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#5d6677" '
        f'stroke-dasharray="4 3"/><path d="M{rx:.1f} {ry - 7:.1f} l7 7 l-7 7 l-7 -7 z" '
        f'fill="#fff" stroke="{PALETTE[1]}" stroke-width="2"/></g>'
    )
    for row in rows:
        if int(row["r"]) == reference:
            continue
        tip = _(
            "period %(r)s: %(effect)s (95 %% CI %(low)s to %(high)s)",
            r=number(row["r"]),
            effect=shown(row["effect"]),
            low=shown(row["ci_low"]),
            high=shown(row["ci_high"]),
        )
        parts.append(
            f'<circle cx="{x(row["r"]):.1f}" cy="{y(row["effect"]):.1f}" r="3.5" '
            f'fill="{PALETTE[0]}"><title>{escape(tip)}</title></circle>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 36}" font-size="12" '
        f'text-anchor="middle">{escape(x_label)}</text>'
        f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(y_label)}</text>'
    )
    legend_y = height - 40
    parts.append(
        f'<line x1="{left}" x2="{left + 22}" y1="{legend_y}" y2="{legend_y}" '
        f'stroke="{PALETTE[0]}" stroke-width="2"/>'
        f'<text x="{left + 28}" y="{legend_y + 4}" font-size="12">{escape(effect_name)}</text>'
        f'<rect x="{left + 230}" y="{legend_y - 6}" width="22" height="12" fill="{PALETTE[0]}" '
        f'fill-opacity="0.18"/>'
        f'<text x="{left + 258}" y="{legend_y + 4}" font-size="12">{escape(band_name)}</text>'
        f'<path d="M{left + 8} {legend_y + 10} l6 6 l-6 6 l-6 -6 z" fill="#fff" '
        f'stroke="{PALETTE[1]}" stroke-width="2"/>'
        f'<text x="{left + 28}" y="{legend_y + 20}" font-size="12">'
        f"{escape(reference_name)}</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 (every label is escaped)


def _nice_ticks(low: float, high: float, target: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering the range."""
    span = high - low
    if span <= 0:
        span = abs(high) or 1.0
        low, high = low - span / 2, high + span / 2
    raw = span / (target - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [k * step for k in range(first, last + 1)]


def _runs(rows: list[dict]) -> list[list[dict]]:
    """Rows split where consecutive relative periods are missing (no line across a gap)."""
    runs: list[list[dict]] = []
    for row in rows:
        if runs and int(row["r"]) == int(runs[-1][-1]["r"]) + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs
