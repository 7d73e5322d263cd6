"""The demo organisation's fixed content: teams, KPIs, modules, programs, badges.

``effect`` is the true relative change a module causes on each KPI it targets
(e.g. 0.08 = +8 % per month after the lag); the generator uses it to make KPI
histories, so ROI reports find real, different effects per module and method.
"""

from __future__ import annotations

DEPARTMENTS = {
    "marketing": (
        "Marketing",
        {
            "content": "Content Marketing",
            "social": "Social Media",
            "seo": "SEO & Web",
            "paid": "Paid Acquisition",
        },
    ),
    "sales": ("Sales", {"inside-sales": "Inside Sales", "field-sales": "Field Sales"}),
    "customer-care": ("Customer Care", {"service": "Customer Service"}),
}

# key: (name, unit, direction, value_per_unit, baseline, spread, decimals)
KPIS = {
    "revenue": ("Revenue", "EUR", "higher", "0.30", 42000, 0.25, 0),
    "qualified_leads": ("Qualified leads", "lead", "higher", "150", 24, 0.30, 0),
    "conversion_rate": ("Conversion rate", "%", "higher", "600", 3.2, 0.20, 2),
    "web_traffic": ("Web traffic", "visit", "higher", "0.08", 9000, 0.35, 0),
    "social_engagement": ("Social engagement", "interaction", "higher", "0.05", 5200, 0.40, 0),
    "cost_per_lead": ("Cost per lead", "EUR", "lower", "18", 46, 0.20, 2),
    "csat": ("Customer satisfaction", "score", "higher", "90", 78, 0.08, 1),
}

TEAM_KPIS = {
    "content": ("web_traffic", "social_engagement", "qualified_leads"),
    "social": ("social_engagement", "web_traffic"),
    "seo": ("web_traffic", "qualified_leads"),
    "paid": ("cost_per_lead", "qualified_leads"),
    "inside-sales": ("revenue", "conversion_rate", "qualified_leads"),
    "field-sales": ("revenue", "conversion_rate"),
    "service": ("csat",),
}

# slug: (title, method, minutes, fixed cost, cost per learner, tags, {kpi: (weight, effect)})
MODULES = {
    "content-strategy": (
        "Content strategy that converts",
        "online",
        45,
        4000,
        20,
        "content;strategy",
        {"web_traffic": (1, 0.08), "social_engagement": (0.5, 0.05)},
    ),
    "storytelling-micro": (
        "Storytelling in 10 minutes",
        "micro_learning",
        10,
        900,
        2,
        "content;copywriting",
        {"social_engagement": (1, 0.06)},
    ),
    "seo-fundamentals": (
        "SEO fundamentals",
        "online",
        60,
        5000,
        25,
        "seo;web",
        {"web_traffic": (1, 0.10)},
    ),
    "seo-technical-audit": (
        "Technical SEO audit workshop",
        "in_person",
        240,
        9000,
        380,
        "seo;web",
        {"web_traffic": (1, 0.12)},
    ),
    "keyword-research-micro": (
        "Keyword research sprints",
        "micro_learning",
        8,
        700,
        2,
        "seo",
        {"web_traffic": (0.5, 0.05)},
    ),
    "paid-search-bidding": (
        "Paid search bidding strategies",
        "blended",
        120,
        7000,
        140,
        "paid acquisition;sea",
        {"cost_per_lead": (1, 0.12)},
    ),
    "landing-page-cro": (
        "Landing page conversion optimisation",
        "online",
        50,
        4500,
        20,
        "web;conversion",
        {"conversion_rate": (1, 0.05), "qualified_leads": (0.5, 0.04)},
    ),
    "social-ads-micro": (
        "Social ads in small bites",
        "micro_learning",
        12,
        800,
        2,
        "paid acquisition;social",
        {"cost_per_lead": (1, 0.06)},
    ),
    "community-management": (
        "Community management",
        "blended",
        90,
        6000,
        120,
        "social;content",
        {"social_engagement": (1, 0.09)},
    ),
    "consultative-selling": (
        "Consultative selling",
        "in_person",
        480,
        16000,
        650,
        "sales techniques",
        {"revenue": (1, 0.07), "conversion_rate": (0.5, 0.05)},
    ),
    "objection-handling-micro": (
        "Objection handling drills",
        "micro_learning",
        10,
        1000,
        3,
        "sales techniques",
        {"conversion_rate": (1, 0.06)},
    ),
    "negotiation-workshop": (
        "Negotiation masterclass",
        "in_person",
        360,
        22000,
        900,
        "sales techniques;negotiation",
        {"revenue": (0.5, 0.02)},
    ),
    "crm-hygiene": (
        "CRM hygiene for marketers",
        "online",
        30,
        2500,
        10,
        "crm;lead management",
        {"qualified_leads": (0.5, 0.02)},
    ),
    "lead-qualification": (
        "Lead qualification (BANT and beyond)",
        "blended",
        90,
        6500,
        110,
        "lead management;sales techniques",
        {"qualified_leads": (1, 0.08)},
    ),
    "email-nurturing": (
        "Email nurturing journeys",
        "online",
        40,
        3500,
        15,
        "content;email",
        {"qualified_leads": (0.5, 0.04)},
    ),
    "customer-empathy": (
        "Customer empathy workshop",
        "in_person",
        240,
        8000,
        300,
        "customer service",
        {"csat": (1, 0.04)},
    ),
    "complaint-handling-micro": (
        "Handling complaints",
        "micro_learning",
        10,
        800,
        2,
        "customer service",
        {"csat": (1, 0.03)},
    ),
    "brand-voice": (
        "Brand voice guidelines",
        "online",
        30,
        3000,
        10,
        "content;brand",
        {"social_engagement": (0.5, 0.0)},
    ),
    "analytics-dashboards": (
        "Marketing analytics dashboards",
        "blended",
        120,
        7500,
        150,
        "analytics;web",
        {"web_traffic": (0.5, 0.0)},
    ),
    "video-content-micro": (
        "Short video content",
        "micro_learning",
        12,
        1100,
        3,
        "social;content",
        {"social_engagement": (1, 0.07)},
    ),
}

#: Modules improved mid-year: version 2 has this effect instead (before/after comparison).
IMPROVED = {"seo-fundamentals": 0.16, "lead-qualification": 0.12}

PROGRAMS = {
    "growth-marketing-academy": (
        "Growth Marketing Academy",
        "marketing",
        [
            "content-strategy",
            "storytelling-micro",
            "seo-fundamentals",
            "keyword-research-micro",
            "community-management",
            "video-content-micro",
            "email-nurturing",
            "brand-voice",
        ],
        ("web_traffic", 10.0),
    ),
    "performance-marketing": (
        "Performance Marketing",
        "paid",
        ["paid-search-bidding", "social-ads-micro", "landing-page-cro", "analytics-dashboards"],
        ("cost_per_lead", 8.0),
    ),
    "sales-excellence": (
        "Sales Excellence",
        "sales",
        [
            "lead-qualification",
            "consultative-selling",
            "objection-handling-micro",
            "negotiation-workshop",
            "crm-hygiene",
        ],
        ("revenue", 6.0),
    ),
    "customer-first": (
        "Customer First",
        "customer-care",
        ["customer-empathy", "complaint-handling-micro"],
        ("csat", 3.0),
    ),
}

# The question banks live in questions.py, the lessons in lessons.py.

FIRST_NAMES = (
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Emma",
    "Sarah",
    "Julie",
    "Lucie",
    "Nadia",
    "Hugo",
    "Lucas",
    "Théo",
    "Nathan",
    "Louis",
    "Karim",
    "Antoine",
    "Maxime",
    "Yanis",
    "Paul",
    "Olivia",
    "Sophie",
    "Amélie",
    "Claire",
    "Elise",
    "Tom",
    "Jules",
    "Adrien",
    "Samir",
    "Marc",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Francois",
    "Martinez",
    "Benali",
)

BADGES = {
    "first-steps": ("First steps", "Completed a first module.", {"modules_completed": 1}, 10),
    "micro-master": (
        "Micro master",
        "Completed five micro-learning modules.",
        {"method_completed": {"method": "micro_learning", "min": 5}},
        25,
    ),
    "perfectionist": ("Perfectionist", "Three perfect quiz scores.", {"perfect_quizzes": 3}, 25),
    "on-a-roll": ("On a roll", "A seven-day learning streak.", {"streak": 7}, 20),
}

# module: modules to complete first (the path order suggests; these are enforced).
PREREQUISITES = {
    "seo-technical-audit": ("seo-fundamentals",),
    "paid-search-bidding": ("keyword-research-micro",),
    "negotiation-workshop": ("objection-handling-micro",),
    "email-nurturing": ("lead-qualification",),
}
