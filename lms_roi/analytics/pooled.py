"""Per KPI, the effect of a group of modules (a method's row): pooled module effects."""

from __future__ import annotations

import pandas as pd


def pooled_effect_rows(effects: pd.DataFrame) -> list[dict]:
    """Per KPI, the effect of a group of modules: their effects weighted by completers.

    The standard error combines the modules' errors as independent estimates,
    ``sqrt(sum((n_i / N)^2 se_i^2))``, with a normal 95 % interval. Each entry:
    ``kpi``, ``effect``, ``ci_low`` and ``ci_high`` (None without every error),
    ``n_modules``.
    """
    pooled = []
    usable = effects[effects["effect"].notna()]
    for key, group in usable.groupby("kpi"):
        weights = group["n_treated"] / group["n_treated"].sum()
        effect = float((weights * group["effect"]).sum())
        low = high = None
        if group["std_error"].notna().all():
            se = float(((weights * group["std_error"].astype(float)) ** 2).sum() ** 0.5)
            low, high = effect - 1.96 * se, effect + 1.96 * se
        pooled.append(
            {"kpi": key, "effect": effect, "ci_low": low, "ci_high": high, "n_modules": len(group)}
        )
    return pooled


def pooled_effects(effects: pd.DataFrame) -> str:
    """:func:`pooled_effect_rows` as one line of text (exports and the CLI)."""
    return pooled_text(pooled_effect_rows(effects))


def pooled_text(pooled: list[dict], digits: int | None = None) -> str:
    """Pooled effects as one line of text.

    Exports carry it as data, so by default every number keeps its full precision
    (``repr`` of the float); ``digits`` rounds to that many significant digits for
    a terminal table.
    """
    spec = "" if digits is None else f".{digits}g"
    parts = []
    for p in pooled:
        text = f"{p['kpi']}: {p['effect']:+{spec}}"
        if p["ci_low"] is not None:
            text += f" [{p['ci_low']:{spec}}, {p['ci_high']:{spec}}]"
        n = p["n_modules"]
        parts.append(f"{text} ({n} module{'s' if n > 1 else ''})")
    return "; ".join(parts)
