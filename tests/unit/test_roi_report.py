"""ROI reports on hand-built data: lower-is-better KPIs, shared claims, the fallback."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from factories import make_completion, make_kpi, make_kpi_value, make_module, make_person
from lms_roi.analytics import roi_report
from lms_roi.db import session
from lms_roi.models import FollowUp, Kpi

MONTHS = [date(2026, m, 1) for m in range(1, 10)]
DONE = datetime(2026, 4, 15, 10, tzinfo=UTC)  # noon in Paris: t = 2026-04-15


def _series(person, kpi, before, after):
    # pre window [01-15, 04-15) = Feb, Mar, Apr; post [05-15, 08-13) = Jun, Jul, Aug
    for month in MONTHS:
        make_kpi_value(person, kpi, month, before if month < date(2026, 5, 1) else after)


def _scenario():
    cpl = make_kpi("cost_per_lead", direction="lower", value_per_unit="20")
    csat = make_kpi("csat", value_per_unit="40")
    ads = make_module("ads", kpis={cpl: 1.0})
    micro = make_module("ads-micro", method="micro_learning", kpis={cpl: 1.0})
    webinar = make_module("webinar", kpis={csat: 1.0})
    for i in range(6):
        a = make_person(f"a{i}@example.com", password=None)
        _series(a, cpl, 50, 40)
        make_completion(a, ads, DONE)
        make_completion(a, micro, DONE)
        c = make_person(f"c{i}@example.com", password=None)
        _series(c, cpl, 50, 50)
    w1 = make_person("w1@example.com", password=None)
    w2 = make_person("w2@example.com", password=None)
    _series(w1, csat, 70, 74)
    _series(w2, csat, 70, 78)
    make_completion(w1, webinar, DONE)
    make_completion(w2, webinar, DONE)
    session().add(
        FollowUp(
            learner_id=w1.id,
            module_id=webinar.id,
            offset_days=30,
            due_on=date(2026, 5, 15),
            attribution_pct=50,
            confidence_pct=50,
            answered_at=DONE,
            applied=True,
        )
    )
    session().flush()


def _by_module():
    return {row["module"]: row for row in roi_report("module").rows}


def test_lower_is_better_and_shared_claims(ctx):
    _scenario()
    rows = _by_module()
    ads = rows["ads"]["kpis"][0]
    assert (ads["isolation"], ads["n_treated"], ads["n_control"]) == ("control_group", 6, 6)
    assert ads["effect"] == 10.0  # cost per lead fell by 10 more than for colleagues
    # Both modules claim the whole change: each gets half. 10 x 12 x 20 x 6 x 0.5
    assert rows["ads"]["benefit"] == 7200.0
    assert rows["ads-micro"]["benefit"] == 7200.0


def test_participant_estimate_when_no_colleague_can_serve_as_control(ctx):
    _scenario()
    webinar = _by_module()["webinar"]
    [kpi] = webinar["kpis"]
    assert kpi["isolation"] == "participant_estimate"
    # w1: +4 x 50 % x 50 % = 1; w2 gave no estimate: 0. Mean 0.5 a month.
    assert kpi["effect"] == 0.5
    assert kpi["benefit"] == 0.5 * 12 * 40 * 2
    assert "participant_estimate_used" in webinar["flags"]
    assert "insufficient_data" in webinar["flags"]


def test_a_module_without_kpi_is_flagged_and_earns_nothing(ctx):
    _scenario()
    person = make_person("solo@example.com", password=None)
    make_completion(person, make_module("orphan"), DONE)
    orphan = _by_module()["orphan"]
    assert orphan["benefit"] == 0 and orphan["kpis"] == []
    assert "no_kpi_linked" in orphan["flags"]


def test_version_program_and_team_reports_have_their_keys(ctx):
    _scenario()
    versions = roi_report("version").rows
    assert {(r["module"], r["version"]) for r in versions} == {
        ("ads", 1),
        ("ads-micro", 1),
        ("webinar", 1),
    }
    assert sum(r["benefit"] for r in versions) == pytest.approx(
        sum(r["benefit"] for r in roi_report("module").rows)
    )
    team_rows = roi_report("team").rows
    # the team row counts the people who trained (6 + 2), not their untrained colleagues
    assert team_rows[0]["team"] == "(no team)" and team_rows[0]["n_learners"] == 8
    assert roi_report("program").rows == []


def test_levels_travel_beside_the_rows(ctx):
    _scenario()
    report = roi_report("method")
    assert len(report.levels) == len(report.rows) == 4
    online = report.levels[[r["method"] for r in report.rows].index("online")]
    assert online["l3_applied_pct"] == 100.0
    assert any("difference in differences" in note for note in report.notes)


def test_method_rows_carry_pooled_effects(ctx):
    import pandas as pd

    from lms_roi.analytics.pooled import pooled_effects

    effects = pd.DataFrame(
        {
            "kpi": ["leads", "leads", "csat"],
            "effect": [2.0, 4.0, None],
            "std_error": [0.3, 0.4, None],
            "n_treated": [10, 30, 5],
        }
    )
    # weights 1/4 and 3/4: effect 3.5; se sqrt((.25 x .3)^2 + (.75 x .4)^2)
    se = ((0.25 * 0.3) ** 2 + (0.75 * 0.4) ** 2) ** 0.5
    # An export cell: unrounded (repr of each float).
    assert pooled_effects(effects) == (
        f"leads: +3.5 [{3.5 - 1.96 * se!r}, {3.5 + 1.96 * se!r}] (2 modules)"
    )
    _scenario()
    online = roi_report("method").levels[1]
    assert (
        online["l4_effects"].startswith("cost_per_lead: +10.0 [")
        and "csat: +0.5" in online["l4_effects"]
    )


@pytest.mark.parametrize("by", ["module", "learner", "method", "program", "version", "team"])
def test_reports_on_an_empty_organisation(ctx, by):
    report = roi_report(by)
    assert report.rows == [] or by == "method"
    if by == "method":
        assert all(r["n_modules"] == 0 and r["roi_pct"] is None for r in report.rows)


@pytest.mark.parametrize("by", ["module", "learner", "method", "program", "version", "team"])
def test_reports_with_completions_but_no_kpi_values(ctx, by):
    leads = make_kpi("qualified_leads")
    module = make_module("lonely", kpis={leads: 1.0})
    make_completion(make_person("a@example.com", password=None), module, DONE)
    report = roi_report(by)
    assert all(row["benefit"] == 0 for row in report.rows)
    if by == "module":
        [kpi] = report.rows[0]["kpis"]
        assert (kpi["isolation"], kpi["n_treated"], kpi["effect"]) == ("none", 0, None)


def test_dashboard_on_an_empty_organisation(app, db, client):
    from conftest import login

    with app.app_context():
        make_person("nadia@example.com", roles=("analyst",))
        db.session.commit()
    login(client, "nadia@example.com")
    for url in (
        "/roi/analytics/",
        "/roi/analytics/?by=learner",
        "/roi/analytics/print",
        "/roi/analytics/export.xlsx",
        "/roi/analytics/programs/",
        "/roi/analytics/recommend?objective=seo",
    ):
        assert client.get(url).status_code == 200, url
    assert "No data yet" in client.get("/roi/analytics/").get_data(as_text=True)


def test_a_linked_module_nobody_took_is_not_called_unlinked(ctx):
    leads = make_kpi("qualified_leads")
    make_module("untaken", kpis={leads: 1.0})
    [row] = roi_report("module").rows
    assert row["n_completions"] == 0 and row["flags"] == ["insufficient_data"]


def test_outlier_counts_travel_with_module_rows(ctx):
    _scenario()
    spike = make_person("spike@example.com", password=None)
    _series(spike, make_kpi("spare"), 1, 1)  # unrelated KPI: no effect on the counts
    leads = session().scalar(select(Kpi).where(Kpi.key == "cost_per_lead"))
    wild = make_person("wild@example.com", password=None)
    _series(wild, leads, 50, 900)  # a colleague whose cost per lead exploded
    report = roi_report("module")
    row = next(r for r in report.rows if r["module"] == "ads")
    extras = report.levels[report.rows.index(row)]
    assert "outliers_present" in row["flags"] and extras["n_outliers"] == 1
