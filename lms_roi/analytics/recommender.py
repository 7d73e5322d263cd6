"""Which KPIs should a training objective be measured on?

Starts from the usual mapping of marketing and sales learning objectives to
business KPIs, then refines it with the effects measured on past modules whose
tags match the objective.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
from flask_babel import gettext as _
from flask_babel import ngettext

from lms_roi.i18n import number
from lms_roi.labels import N_

from .effects import RoiParams
from .estimate import RoiInputs, estimate

# category: (label, keywords (accent-free, lower case), [(kpi key, aliases, reason)]).
# Labels and reasons stay English here (the labels also match module tags) and are
# translated where a person reads them.
CATEGORIES: dict[str, tuple[str, tuple[str, ...], list[tuple[str, tuple[str, ...], str]]]] = {
    "content_marketing": (
        N_("Content marketing"),
        (
            "content",
            "contenu",
            "blog",
            "copywriting",
            "redaction",
            "storytelling",
            "editorial",
            "newsletter",
            "video",
        ),
        [
            (
                "web_traffic",
                ("traffic", "visits", "sessions"),
                N_("useful content brings visitors to the site"),
            ),
            (
                "social_engagement",
                ("engagement", "social"),
                N_("content is shared, liked and commented on"),
            ),
            (
                "qualified_leads",
                ("leads", "mql", "sql"),
                N_("gated and nurturing content turns readers into leads"),
            ),
        ],
    ),
    "sales_techniques": (
        N_("Sales techniques"),
        (
            "sales",
            "selling",
            "vente",
            "vendre",
            "negotiation",
            "negociation",
            "objection",
            "closing",
            "prospect",
            "consultative",
        ),
        [
            (
                "revenue",
                ("sales", "turnover", "chiffre_affaires"),
                N_("better selling shows first in revenue"),
            ),
            (
                "conversion_rate",
                ("conversion", "win_rate", "close_rate"),
                N_("more opportunities are won"),
            ),
        ],
    ),
    "seo": (
        N_("SEO"),
        ("seo", "search engine", "referencement", "keyword", "mots cles", "google", "serp"),
        [
            (
                "organic_traffic",
                ("web_traffic", "traffic", "visits"),
                N_("search optimisation is judged on organic visits"),
            )
        ],
    ),
    "customer_service": (
        N_("Customer service"),
        (
            "customer service",
            "service client",
            "support",
            "complaint",
            "reclamation",
            "empathy",
            "satisfaction",
            "relation client",
        ),
        [("csat", ("satisfaction", "nps"), N_("service quality is what customers rate"))],
    ),
    "paid_acquisition": (
        N_("Paid acquisition"),
        (
            "paid",
            "ads",
            "advertising",
            "publicite",
            "sea",
            "ppc",
            "acquisition",
            "campaign",
            "campagne",
            "bidding",
        ),
        [
            (
                "cost_per_lead",
                ("cpl", "cost_per_acquisition", "cpa"),
                N_("better targeting and bidding cut the cost of each lead"),
            )
        ],
    ),
}


@dataclass
class Evidence:
    module: str
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    isolation: str


@dataclass
class Recommendation:
    kpi: str  # the organisation's KPI key, or the usual key when not defined yet
    name: str
    defined: bool
    score: float
    reasons: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " " + re.sub(r"[^a-z0-9]+", " ", folded).strip() + " "


def categories_for(objective: str, category: str | None = None) -> list[str]:
    """Categories named explicitly or whose keywords appear in the objective text."""
    found = [category] if category in CATEGORIES else []
    text = normalise(objective)
    for key, (_label, keywords, _seeds) in CATEGORIES.items():
        if key not in found and any(f" {word} " in text for word in keywords):
            found.append(key)
    return found


def recommend_kpis(objective: str, category: str | None = None) -> list[Recommendation]:
    """KPIs for a learning objective, best first, each with the reasons."""
    inputs = RoiInputs.load()
    kpis = inputs.kpis.set_index("key")
    matched = categories_for(objective, category)
    recommendations: dict[str, Recommendation] = {}
    for key in matched:
        label, _keywords, seeds = CATEGORIES[key]
        for seed, aliases, reason in seeds:
            kpi_key = _defined_key(seed, aliases, kpis)
            rec = recommendations.setdefault(
                kpi_key or seed,
                Recommendation(
                    kpi=kpi_key or seed,
                    name=kpis.loc[kpi_key, "name"] if kpi_key else seed,
                    defined=kpi_key is not None,
                    score=1.25 if kpi_key else 1.0,  # a tracked KPI is more actionable
                ),
            )
            rec.reasons.append(_("%(category)s: %(reason)s", category=_(label), reason=_(reason)))
            if kpi_key is None:
                rec.reasons.append(
                    _(
                        "not defined in this organisation yet: add it in kpi-definitions to "
                        "measure it"
                    )
                )
    _add_evidence(recommendations, inputs, kpis, objective, matched)
    return sorted(recommendations.values(), key=lambda r: (-r.score, r.kpi))


def _defined_key(seed: str, aliases: tuple[str, ...], kpis: pd.DataFrame) -> str | None:
    for candidate in (seed, *aliases):
        if candidate in kpis.index:
            return candidate
    for key, name in kpis["name"].items():
        if any(alias.replace("_", " ") in normalise(name) for alias in (seed, *aliases)):
            return key
    return None


def _add_evidence(
    recommendations, inputs: RoiInputs, kpis: pd.DataFrame, objective: str, matched: list[str]
) -> None:
    """Boost KPIs that past modules with matching tags measurably moved (or not)."""
    words = {w for w in normalise(objective).split() if len(w) > 2}
    words |= {normalise(CATEGORIES[c][0]).strip() for c in matched}
    tags = _module_tags()
    similar = tags[tags["tag"].map(lambda t: normalise(t).strip()).isin(words)]["module_id"]
    if similar.empty:
        return
    effects = estimate(inputs, RoiParams(), module_ids=similar.unique().tolist()).effects
    effects = effects[effects["effect"].notna()]
    slugs = inputs.modules.set_index("module_id")["slug"]
    key_of = inputs.kpis.set_index("kpi_id")["key"]
    for kpi_id, rows in effects.groupby("kpi_id"):
        key = key_of[kpi_id]
        significant = rows["ci_low"].notna() & (rows["ci_low"] > 0)
        # +1 per significant improvement, +0.5 per unsure one, -0.5 per module that did not help
        delta = float(
            (
                significant * 1.0
                + (~significant & (rows["effect"] > 0)) * 0.5
                - (rows["effect"] <= 0) * 0.5
            ).sum()
        )
        if key not in recommendations:
            if delta <= 0:
                continue
            recommendations[key] = Recommendation(
                kpi=key,
                name=kpis.loc[key, "name"],
                defined=True,
                score=0.25,
                reasons=[_("not in the usual mapping, but moved by past modules on this subject")],
            )
        rec = recommendations[key]
        rec.score += delta
        rec.evidence += [
            Evidence(
                slugs[r.module_id],
                _clean(r.effect),
                _clean(r.ci_low),
                _clean(r.ci_high),
                r.isolation,
            )
            for r in rows.itertuples(index=False)
        ]
        n_good = int(significant.sum())
        rec.reasons.append(
            ngettext(
                "%(good)s of %(total)s past module on this subject improved it "
                "beyond doubt (95 %% CI above 0)",
                "%(good)s of %(total)s past modules on this subject improved it "
                "beyond doubt (95 %% CI above 0)",
                len(rows),
                good=number(n_good),
                total=number(len(rows)),
            )
        )


def _module_tags() -> pd.DataFrame:
    from sqlalchemy import select

    from lms_roi.models import ModuleTag

    from .loader import frame

    return frame(select(ModuleTag.module_id, ModuleTag.tag))


def _clean(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 4)
