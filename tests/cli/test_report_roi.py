"""ROI reports end to end: the worked example from imported files, windows, flags."""

from __future__ import annotations

import json

import pytest

from conftest import run_import, write_file

MONTHS = [
    "2025-12-01",
    "2026-01-01",
    "2026-02-01",
    "2026-03-01",
    "2026-04-01",
    "2026-05-01",
    "2026-06-01",
    "2026-07-01",
    "2026-08-01",
    "2026-09-01",
]


def _kpi_values(people: dict) -> str:
    """A kpi-values CSV: each learner's qualified leads for the months of ``MONTHS``."""
    lines = ["learner,kpi,period_start,value"]
    for learner, values in people.items():
        lines += [f"{learner},qualified_leads,{m},{v}" for m, v in zip(MONTHS, values, strict=True)]
    return "\n".join(lines) + "\n"


def _setup_worked_example(
    cli, tmp_path, *, may_spike: float | None = None, n_treated=10, completion_date="2026-04-15"
):
    """10 completers gain 25 leads a month (worth 250 each), 10 colleagues gain nothing."""
    files = {
        "kpi-definitions": "key,name,unit,direction,value_per_unit,period\n"
        "qualified_leads,Qualified leads,lead,higher,250,month\n",
        "learners": "external_id,email,name,team,hourly_cost\n"
        + "".join(
            f"{p}{i:02d},{p.lower()}{i}@example.com,{p} {i},Sales,0\n"
            for p in ("T", "C")
            for i in range(1, 11)
        ),
        "modules": "slug,title,method,duration_minutes,kpis,fixed_cost,cost_per_learner\n"
        "lead-gen,Lead generation,online,60,qualified_leads:1,400000,2500\n",
        "completions": "learner,module,completed_at\n"
        + "".join(f"T{i:02d},lead-gen,{completion_date}\n" for i in range(1, n_treated + 1)),
    }
    for kind, text in files.items():
        result = run_import(cli, write_file(tmp_path, f"{kind}.csv", text), kind)
        assert result.exit_code == 0, result.stderr
    before, after = 10, 35
    treated = {
        f"T{i:02d}": [before] * 5 + [may_spike or before] + [after] * 4 for i in range(1, 11)
    }
    controls = {f"C{i:02d}": [10] * 10 for i in range(1, 11)}
    path = tmp_path / "values.csv"
    path.write_text(_kpi_values({**treated, **controls}))
    assert run_import(cli, path, "kpi-values").exit_code == 0


def _report(cli, *args):
    result = cli.invoke(args=["lms-roi", "report", "roi", "--format", "json", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_worked_example_from_imported_files(cli, tmp_path):
    _setup_worked_example(cli, tmp_path)
    [row] = _report(cli)
    assert list(row) == [
        "module",
        "method",
        "n_completions",
        "cost",
        "benefit",
        "net_benefit",
        "roi_pct",
        "bcr",
        "payback_months",
        "flags",
        "kpis",
    ]
    # benefit = 25 leads x 12 months x 250 x 10 learners; cost = 400,000 + 10 x 2,500
    assert row["benefit"] == 750_000.0
    assert row["cost"] == 425_000.0
    assert row["net_benefit"] == 325_000.0
    assert row["roi_pct"] == 76.47
    assert row["bcr"] == 1.76
    assert row["payback_months"] == 6.8
    assert row["flags"] == []
    [kpi] = row["kpis"]
    assert kpi == {
        "kpi": "qualified_leads",
        "isolation": "control_group",
        "n_treated": 10,
        "n_control": 10,
        "effect": 25.0,
        "std_error": 0.0,
        "ci_low": 25.0,
        "ci_high": 25.0,
        "benefit": 750_000.0,
    }


def test_lag_keeps_the_first_month_after_training_out(cli, tmp_path):
    # Completion 2026-04-15: post window [05-15, 08-13) holds June, July, August.
    # A May spike only counts with no lag: post window [04-15, 07-14) = May, June, July.
    _setup_worked_example(cli, tmp_path, may_spike=100)
    [lagged] = _report(cli)
    assert lagged["kpis"][0]["effect"] == 25.0
    [no_lag] = _report(cli, "--lag-days", "0")
    assert no_lag["kpis"][0]["effect"] == pytest.approx((100 + 35 + 35) / 3 - 10, abs=1e-4)
    [short] = _report(cli, "--horizon-months", "6")
    assert short["benefit"] == 375_000.0


def test_few_completers_are_flagged(cli, tmp_path):
    _setup_worked_example(cli, tmp_path, n_treated=3)
    [row] = _report(cli)
    assert "insufficient_data" in row["flags"]
    assert row["kpis"][0]["n_treated"] == 3
    # The 7 non-completers who still gained 25 are controls: control change 7 x 25 / 17.
    effect = 25 - 7 * 25 / 17
    assert row["kpis"][0]["effect"] == pytest.approx(effect, abs=1e-4)
    assert row["benefit"] == pytest.approx(effect * 12 * 250 * 3, abs=0.01)


def test_method_and_learner_reports(cli, tmp_path):
    _setup_worked_example(cli, tmp_path)
    methods = {r["method"]: r for r in _report(cli, "--by", "method")}
    assert list(methods) == ["in_person", "online", "blended", "micro_learning"]
    assert methods["online"]["n_modules"] == 1 and methods["online"]["roi_pct"] == 76.47
    assert methods["in_person"]["cost"] == 0 and methods["in_person"]["roi_pct"] is None
    assert set(methods["online"]) == {
        "method",
        "n_modules",
        "n_completions",
        "cost",
        "benefit",
        "net_benefit",
        "roi_pct",
        "bcr",
        "payback_months",
        "flags",
    }
    learners = _report(cli, "--by", "learner")
    assert [r["learner"] for r in learners] == [f"T{i:02d}" for i in range(1, 11)]
    assert learners[0] == {
        "learner": "T01",
        "cost": 42_500.0,
        "benefit": 75_000.0,
        "net_benefit": 32_500.0,
        "roi_pct": 76.47,
        "modules": ["lead-gen"],
    }


def test_table_and_csv_formats(cli, tmp_path):
    _setup_worked_example(cli, tmp_path)
    table = cli.invoke(args=["lms-roi", "report", "roi"]).stdout
    assert table.splitlines()[0].split()[:4] == [
        "module",
        "method",
        "n_completions",
        "cost_per_completion",
    ]
    assert "lead-gen" in table and "76.47" in table and "* Benefits count first-year" in table
    csv_text = cli.invoke(args=["lms-roi", "report", "roi", "--format", "csv"]).stdout
    header, line = csv_text.splitlines()[:2]
    assert header.startswith("module,method,n_completions,cost_per_completion,cost,benefit")
    assert line.startswith("lead-gen,online,10,42500.0,425000.0,750000.0")
