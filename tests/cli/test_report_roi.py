"""ROI reports end to end: the worked example from imported files, windows, flags."""

from __future__ import annotations

import csv
import io
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
        "cost_breakdown",
    ]
    # benefit = 25 leads x 12 months x 250 x 10 learners; cost = 400,000 + 10 x 2,500
    assert row["benefit"] == 750_000.0
    assert row["cost"] == 425_000.0
    assert row["net_benefit"] == 325_000.0
    # Unrounded (DESIGN §7b): 76.47 % and 1.76 on pages, every digit in the data.
    assert row["roi_pct"] == 325_000 / 425_000 * 100 == 76.47058823529412
    assert row["bcr"] == 750_000 / 425_000 == 1.7647058823529411
    assert row["payback_months"] == 6.8
    assert row["flags"] == []
    [kpi] = row["kpis"]
    # Placebo windows [2025-10-17, 2026-01-15) and [01-15, 04-15): everybody stays at 10,
    # so the placebo is exactly 0 (no pre-trend). The effect has no noise: se 0, MDE 0,
    # CI [25, 25] excludes 0, so the KPI is not underpowered.
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
        "placebo_effect": 0.0,
        "placebo_ci_low": 0.0,
        "placebo_ci_high": 0.0,
        "pre_trend_differs": False,
        "mde": 0.0,
        "underpowered": False,
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


def test_json_and_csv_keep_full_precision(cli, tmp_path):
    # 3 completers: effect 25 - 7 x 25 / 17 = 250/17 a month, benefit 250/17 x 12 x 250 x 3;
    # cost 400,000 + 3 x 2,500, so each learner carries 400,000/3 + 2,500.
    _setup_worked_example(cli, tmp_path, n_treated=3)
    [row] = _report(cli)
    assert row["kpis"][0]["effect"] == pytest.approx(250 / 17, rel=1e-12)
    assert row["benefit"] == pytest.approx(2_250_000 / 17, rel=1e-12)
    assert row["benefit"] != round(row["benefit"], 2)  # not cut to cents
    learners = _report(cli, "--by", "learner")
    assert learners[0]["cost"] == pytest.approx(400_000 / 3 + 2_500, rel=1e-15)
    assert repr(learners[0]["cost"]) == "135833.33333333334"
    # The learner rows share the module's money out exactly: no rounding drift.
    assert abs(sum(r["cost"] for r in learners) - row["cost"]) < 1e-9
    assert abs(sum(r["benefit"] for r in learners) - row["benefit"]) < 1e-9
    # CSV cells are the same floats, written whole.
    csv_rows = list(csv.DictReader(io.StringIO(_csv(cli, "--by", "learner"))))
    assert csv_rows[0]["cost"] == "135833.33333333334"
    assert float(csv_rows[0]["benefit"]) == learners[0]["benefit"]
    [module_line] = csv.DictReader(io.StringIO(_csv(cli)))
    assert float(module_line["benefit"]) == row["benefit"]
    assert float(module_line["roi_pct"]) == row["roi_pct"]
    assert float(module_line["cost_per_completion"]) == row["cost"] / 3


def _csv(cli, *args) -> str:
    result = cli.invoke(args=["lms-roi", "report", "roi", "--format", "csv", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_method_and_learner_reports(cli, tmp_path):
    _setup_worked_example(cli, tmp_path)
    methods = {r["method"]: r for r in _report(cli, "--by", "method")}
    assert list(methods) == ["in_person", "online", "blended", "micro_learning"]
    assert methods["online"]["n_modules"] == 1
    assert methods["online"]["roi_pct"] == 325_000 / 425_000 * 100
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
        "cost_breakdown",
    }
    learners = _report(cli, "--by", "learner")
    assert [r["learner"] for r in learners] == [f"T{i:02d}" for i in range(1, 11)]
    assert learners[0] == {
        "learner": "T01",
        "cost": 42_500.0,
        "benefit": 75_000.0,
        "net_benefit": 32_500.0,
        "roi_pct": 32_500 / 42_500 * 100,
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
