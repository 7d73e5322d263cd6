"""``lms-roi report event-study`` and ``lms-roi report plan`` end to end, with known answers."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime

import pytest

from factories import make_completion, make_kpi, make_kpi_value, make_module, make_person

# The panel of tests/unit/test_event_study.py, months January-May 2026 (periods 0-4).
# Cohort A completed in March, cohort B (b1 alone) in April, "late" in October.
PANEL = {
    "k1": (None, [10, 11, 12, 13, 14]),
    "k2": (None, [20, 21, 22, 23, 24]),
    "k3": (None, [5, 6, 8, 9, 10]),
    "k4": (None, [7, 8, 9, 9, 11]),
    "k5": (None, [12, 13, 14, 16, None]),
    "late": (10, [3, 4, 5, 6, None]),
    "a1": (3, [10, 11, 22, 23, 24]),
    "a2": (3, [15, 16, 27, 28, 29]),
    "a3": (3, [8, 10, 20, 21, 22]),
    "b1": (4, [30, 31, 32, 43, 44]),
}
# Worked out by hand in tests/unit/test_event_study.py (periods before 2, after 1):
# r = -2: (3 x -1/3 + 1/6) / 4 = -5/24, Var 37/576; r = 0: (3 x 9.5 + 10) / 4 = 9.625,
# Var 79/960; r = 1: cohort A only (B's cell has 4 controls): 9.5, Var 37/180.
EXPECTED = {-2: (-5 / 24, 37 / 576, 4, 6), 0: (9.625, 79 / 960, 4, 6), 1: (9.5, 37 / 180, 3, 6)}


@pytest.fixture
def panel(ctx):
    kpi = make_kpi("leads")
    other = make_kpi("calls", direction="lower")
    module = make_module("lead-gen", kpis={kpi: 1})
    make_module("unlinked")
    for name, (month, series) in PANEL.items():
        person = make_person(f"{name}@example.com", password=None)
        if month is not None:
            make_completion(person, module, datetime(2026, month, 10, 12, tzinfo=UTC))
        for index, value in enumerate(series):
            if value is not None:
                make_kpi_value(person, kpi, date(2026, index + 1, 1), value)
        make_kpi_value(person, other, date(2026, 1, 1), 1.0)
    ctx.session.commit()
    return module


def _invoke(cli, *args):
    return cli.invoke(args=["lms-roi", "report", *args])


def test_event_study_json_is_the_known_answer_unrounded(cli, panel):
    result = _invoke(
        cli, "event-study", "--module", "lead-gen", "--periods-before", "2",
        "--periods-after", "1", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["r"] for row in rows] == [-2, -1, 0, 1]
    assert list(rows[0]) == [
        "kpi", "r", "effect", "std_error", "ci_low", "ci_high", "n_treated", "n_control",
    ]  # fmt: skip
    by_r = {row["r"]: row for row in rows}
    assert by_r[-1] == {
        "kpi": "leads", "r": -1, "effect": 0.0, "std_error": 0.0, "ci_low": 0.0,
        "ci_high": 0.0, "n_treated": 4, "n_control": 6,
    }  # fmt: skip
    for r, (effect, variance, n_treated, n_control) in EXPECTED.items():
        se = math.sqrt(variance)
        # rel 1e-12: only float noise, no rounding to 4 digits anywhere.
        assert by_r[r]["effect"] == pytest.approx(effect, rel=1e-12)
        assert by_r[r]["std_error"] == pytest.approx(se, rel=1e-12)
        assert by_r[r]["ci_low"] == pytest.approx(effect - 1.959964 * se, rel=1e-12)
        assert by_r[r]["ci_high"] == pytest.approx(effect + 1.959964 * se, rel=1e-12)
        assert (by_r[r]["n_treated"], by_r[r]["n_control"]) == (n_treated, n_control)


def test_event_study_table_and_csv(cli, panel):
    options = ["event-study", "--module", "lead-gen", "--kpi", "leads", "--periods-before", "2"]
    table = _invoke(cli, *options, "--periods-after", "1")
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "kpi", "r", "effect", "std_error", "ci_low", "ci_high", "n_treated", "n_control",
    ]  # fmt: skip
    assert lines[3].split()[:3] == ["leads", "0", "9.625"]
    assert "r = -1 is the reference period" in table.stdout
    csv_text = _invoke(cli, *options, "--periods-after", "1", "--format", "csv").stdout
    header, first = csv_text.splitlines()[:2]
    assert header == "kpi,r,effect,std_error,ci_low,ci_high,n_treated,n_control"
    kpi, r, effect = first.split(",")[:3]
    assert (kpi, r) == ("leads", "-2")
    assert float(effect) == pytest.approx(-5 / 24, rel=1e-12) and len(effect) > 15  # unrounded


def test_event_study_defaults_cover_six_periods_before_and_twelve_after(cli, panel):
    rows = json.loads(
        _invoke(cli, "event-study", "--module", "lead-gen", "--format", "json").stdout
    )
    # Data from January: cohort A (March) reaches back to r = -2, cohort B (April) to r = -3.
    assert min(row["r"] for row in rows) == -3
    assert max(row["r"] for row in rows) == 1  # no value after May


def test_event_study_of_a_module_without_kpi(cli, panel):
    result = _invoke(cli, "event-study", "--module", "unlinked", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--module", "nope"], "no module with slug 'nope'"),
        (["--module", "lead-gen", "--kpi", "nope"], "no KPI with key 'nope'"),
        (
            ["--module", "lead-gen", "--kpi", "calls"],
            "is not linked to KPI 'calls' (linked: leads)",
        ),
        (["--module", "lead-gen", "--periods-before", "0"], "--periods-before"),
    ],
)
def test_event_study_usage_errors_exit_2(cli, panel, args, message):
    result = _invoke(cli, "event-study", *args)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.fixture
def planned(ctx):
    """Three completers (changes 2, 4, 6) and five colleagues (1, 1, 2, 2, 4) on one date.

    Completion 2026-04-15: pre window Feb-Apr, post window Jun-Aug (lag 30, 90 days each).
    """
    kpi = make_kpi("leads")
    module = make_module("lead-gen", kpis={kpi: 1})
    solo = make_module("solo", kpis={kpi: 1})
    changes = {"t1": 2, "t2": 4, "t3": 6, "c1": 1, "c2": 1, "c3": 2, "c4": 2, "c5": 4}
    for name, change in changes.items():
        person = make_person(f"{name}@example.com", password=None)
        when = datetime(2026, 4, 15, 12, tzinfo=UTC)
        make_completion(person, solo, when)  # everybody took "solo": no controls there
        if name.startswith("t"):
            make_completion(person, module, when)
        for month in range(2, 9):
            make_kpi_value(person, kpi, date(2026, month, 1), 10 + (change if month > 5 else 0))
    ctx.session.commit()


def test_plan_known_answers(cli, planned):
    # Effect 4 - 2 = 2; pooled s^2 = (8 + 6) / (2 + 4) = 7/3; se = sqrt(7/3 (1/3 + 1/5))
    # = 1.115547; sd = se / sqrt(1/3 + 1/5) = sqrt(7/3) = 1.527525; 2.8016 sd = 4.279517.
    # delta 3: (3 / 4.279517)^2 = 0.491421; - 1/5 = 0.291421; 1 / 0.291421 = 3.43 -> 4.
    result = _invoke(
        cli, "plan", "--module", "lead-gen", "--kpi", "leads", "--effect", "3", "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    se = math.sqrt(7 / 3 * (1 / 3 + 1 / 5))
    assert answer["effect"] == pytest.approx(2.0)
    assert answer["std_error"] == pytest.approx(se, rel=1e-12)
    assert answer["sd"] == pytest.approx(math.sqrt(7 / 3), rel=1e-12)
    assert answer["mde"] == pytest.approx(2.8016 * se, rel=1e-12)  # 3.125316
    assert (answer["n_treated"], answer["n_control"]) == (3, 5)
    assert answer["completers_needed"] == 4 and answer["reachable"] is True
    text = _invoke(cli, "plan", "--module", "lead-gen", "--kpi", "leads", "--effect", "3").stdout
    assert "MDE): 3.125" in text
    assert "To detect 3 per learner and period: 4 completers" in text


def test_plan_not_reachable(cli, planned):
    # delta 1: (1 / 4.279517)^2 = 0.054602 < 1/5; floor 4.279517 x sqrt(1/5) = 1.913857.
    result = _invoke(cli, "plan", "--module", "lead-gen", "--kpi", "leads", "--effect", "-1")
    assert result.exit_code == 0, result.stderr
    assert "not reachable with 5 controls" in result.stdout
    assert "only detect 1.914 or more" in result.stdout
    answer = json.loads(
        _invoke(
            cli, "plan", "--module", "lead-gen", "--kpi", "leads", "--effect", "1",
            "--format", "json",
        ).stdout
    )  # fmt: skip
    assert answer["completers_needed"] is None and answer["reachable"] is False
    assert answer["mde_floor"] == pytest.approx(2.8016 * math.sqrt(7 / 3 / 5), rel=1e-12)


def test_plan_without_control_group_exits_1(cli, planned):
    result = _invoke(cli, "plan", "--module", "solo", "--kpi", "leads", "--effect", "3")
    assert result.exit_code == 1
    assert "no control-group estimate" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--module", "nope", "--kpi", "leads", "--effect", "1"], "no module with slug"),
        (["--module", "lead-gen", "--kpi", "nope", "--effect", "1"], "no KPI with key"),
        (["--module", "lead-gen", "--kpi", "leads", "--effect", "0"], "non-zero"),
        (["--module", "lead-gen", "--kpi", "leads"], "--effect"),
    ],
)
def test_plan_usage_errors_exit_2(cli, planned, args, message):
    result = _invoke(cli, "plan", *args)
    assert result.exit_code == 2
    assert message in result.stderr
