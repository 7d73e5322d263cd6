"""Known answers for the event study (DESIGN §7b), worked out by hand from the definitions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lms_roi.analytics.event_study import Z975, event_study, period_index, period_start

# Periods 0..4. Cohort A completed in period 2 (a1, a2, a3); cohort B in period 3 (b1
# alone, a group of one). Controls k1..k5 never completed; "late" completed in period 9,
# after both cohorts' windows, so it is a control of both. None marks a missing value.
# Treated learners gain a planted +10 from their completion period on.
PANEL = {
    # learner: (completion period or None, values for periods 0..4)
    "k1": (None, [10, 11, 12, 13, 14]),
    "k2": (None, [20, 21, 22, 23, 24]),
    "k3": (None, [5, 6, 8, 9, 10]),
    "k4": (None, [7, 8, 9, 9, 11]),
    "k5": (None, [12, 13, 14, 16, None]),
    "late": (9, [3, 4, 5, 6, None]),
    "a1": (2, [10, 11, 22, 23, 24]),
    "a2": (2, [15, 16, 27, 28, 29]),
    "a3": (2, [8, 10, 20, 21, 22]),
    "b1": (3, [30, 31, 32, 43, 44]),
}


def _frames(panel=PANEL):
    ids = {name: i for i, name in enumerate(panel, start=1)}
    values = pd.DataFrame(
        [
            (ids[name], period, float(v))
            for name, (_, series) in panel.items()
            for period, v in enumerate(series)
            if v is not None
        ],
        columns=["learner_id", "period", "value"],
    )
    completions = pd.DataFrame(
        [(ids[name], done) for name, (done, _) in panel.items() if done is not None],
        columns=["learner_id", "period"],
    )
    return values, completions


def _study(direction=1, **options):
    values, completions = _frames()
    options = {"r_before": 2, "r_after": 1, "min_control": 5, "kpi": "leads", **options}
    rows = event_study(values, completions, direction, **options)
    return rows.set_index("r")


# Cohort A (c = 2, reference period 1), r_after 1: controls must not have completed by the
# end of period 3 -> k1..k5 and late (6); b1 (period 3) is excluded.
#   r = -2 (period 0 - period 1): treated -1, -1, -2: mean -4/3, s^2 = (1/9+1/9+4/9)/2 = 1/3
#                                 controls -1 x 6: mean -1, s^2 0
#            ATT = -1/3, Var = (1/3)/3 + 0/6 = 1/9
#   r = 0 (period 2 - period 1):  treated 11, 11, 10: mean 32/3, s^2 1/3
#                                 controls 1, 1, 2, 1, 1, 1: mean 7/6, s^2 = (5/36+25/36)/5 = 1/6
#            ATT = 32/3 - 7/6 = 57/6 = 9.5, Var = 1/9 + (1/6)/6 = 5/36
#   r = 1 (period 3 - period 1):  treated 12, 12, 11: mean 35/3, s^2 1/3
#                                 controls 2, 2, 3, 1, 3, 2: mean 13/6,
#                                 s^2 = (3 x 1/36 + 2 x 25/36 + 49/36)/5 = 17/30
#            ATT = 35/3 - 13/6 = 57/6 = 9.5, Var = 1/9 + (17/30)/6 = 37/180
# Cohort B (c = 3, reference period 2): controls must not have completed by the end of
# period 4 -> k1..k5 and late again (a1..a3 completed in period 2).
#   r = -2 (period 1 - period 2): b1 -1 (a group of one adds 0 to the variance)
#                                 controls -1, -1, -2, -1, -1, -1: mean -7/6, s^2 1/6
#            ATT = -1 + 7/6 = 1/6, Var = 0 + (1/6)/6 = 1/36
#   r = 0 (period 3 - period 2):  b1 11; controls 1, 1, 1, 0, 2, 1: mean 1, s^2 = 2/5
#            ATT = 10, Var = 0 + (2/5)/6 = 1/15
#   r = 1 (period 4 - period 2):  k5 and late have no period-4 value: 4 controls < 5, dropped.
# theta(r) = sum n_c ATT_c / sum n_c, Var = sum (n_c / N)^2 Var_c:
#   r = -2: (3 x -1/3 + 1 x 1/6) / 4 = -5/24; Var = (9/16)(1/9) + (1/16)(1/36) = 37/576
#   r = 0:  (3 x 9.5 + 1 x 10) / 4 = 9.625;   Var = (9/16)(5/36) + (1/16)(1/15) = 79/960
#   r = 1:  cohort A only: 9.5;                Var = 37/180
EXPECTED = {
    -2: (-5 / 24, 37 / 576, 4, 6),
    0: (9.625, 79 / 960, 4, 6),
    1: (9.5, 37 / 180, 3, 6),
}


def test_two_cohorts_known_answer():
    rows = _study()
    assert list(rows.index) == [-2, -1, 0, 1]
    assert list(rows.columns) == [
        "kpi",
        "effect",
        "std_error",
        "ci_low",
        "ci_high",
        "n_treated",
        "n_control",
    ]
    for r, (effect, variance, n_treated, n_control) in EXPECTED.items():
        row = rows.loc[r]
        se = math.sqrt(variance)
        assert row["effect"] == pytest.approx(effect, rel=1e-12), r
        assert row["std_error"] == pytest.approx(se, rel=1e-12), r
        assert row["ci_low"] == pytest.approx(effect - 1.959964 * se, rel=1e-12), r
        assert row["ci_high"] == pytest.approx(effect + 1.959964 * se, rel=1e-12), r
        assert (row["n_treated"], row["n_control"], row["kpi"]) == (n_treated, n_control, "leads")
    assert Z975 == 1.959964


def test_reference_period_is_zero_and_counts_everyone_in_a_cell():
    reference = _study().loc[-1]
    assert (reference["effect"], reference["std_error"]) == (0.0, 0.0)
    assert (reference["ci_low"], reference["ci_high"]) == (0.0, 0.0)
    # a1, a2, a3 and b1; k1..k5 and late.
    assert (reference["n_treated"], reference["n_control"]) == (4, 6)


def test_lower_is_better_flips_the_sign_not_the_error():
    higher, lower = _study(), _study(direction=-1)
    assert lower.loc[0, "effect"] == pytest.approx(-9.625)
    assert lower.loc[0, "std_error"] == pytest.approx(higher.loc[0, "std_error"])
    assert lower.loc[0, "ci_high"] == pytest.approx(-higher.loc[0, "ci_low"])


def test_min_control_drops_cells():
    # With 7 controls required every cell is dropped (6 is the most any cell has).
    assert _study(min_control=7).empty
    # With 4, cohort B's r = 1 cell (k1..k4: 2, 2, 2, 2, mean 2, s^2 0) is kept:
    # ATT_B(1) = (44 - 32) - 2 = 10; theta(1) = (3 x 9.5 + 10) / 4 = 9.625,
    # Var = (9/16)(37/180) + (1/16)(0) = 37/320.
    row = _study(min_control=4).loc[1]
    assert row["effect"] == pytest.approx(9.625)
    assert row["std_error"] == pytest.approx(math.sqrt(37 / 320))
    assert (row["n_treated"], row["n_control"]) == (4, 6)


def test_a_later_completer_is_a_control_only_after_the_window():
    # With r_after = 1, b1 (completed in period 3) is no control of cohort A (3 <= 2 + 1).
    # With r_after = 0 A's controls need a completion after period 2: b1 (3 > 2) qualifies.
    rows = _study(r_after=0).loc[0]
    # Cohort A, r = 0 controls: k1..k5, late and b1 (32 - 31 = 1): 1, 1, 2, 1, 1, 1, 1 -> 8/7
    # cohort B, r = 0: b1 11 vs controls mean 1 (b1 itself is treated there).
    # theta(0) = (3 x (32/3 - 8/7) + 1 x 10) / 4 = (32 - 24/7 + 10) / 4 = (270/7) / 4
    assert rows["effect"] == pytest.approx(270 / 28)
    assert rows["n_control"] == 7


def test_no_completers_or_no_values_give_no_rows():
    values, completions = _frames()
    assert event_study(values, completions.iloc[0:0], 1).empty
    assert event_study(values.iloc[0:0], completions, 1).empty
    with pytest.raises(ValueError):
        event_study(values, completions, 1, r_before=0)


@pytest.mark.parametrize(
    ("period", "day", "same", "next_start"),
    [
        ("month", "2026-03-31", "2026-03-01", "2026-04-01"),
        ("week", "2026-03-08", "2026-03-02", "2026-03-09"),  # Sunday -> its Monday
        ("quarter", "2026-06-30", "2026-04-01", "2026-07-01"),
        ("day", "2026-03-08", "2026-03-08", "2026-03-09"),
    ],
)
def test_period_index_numbers_calendar_periods(period, day, same, next_start):
    [index] = period_index(pd.Series([pd.Timestamp(day)]), period)
    [first] = period_index(pd.Series([pd.Timestamp(same)]), period)
    assert index == first
    assert period_start(index, period) == pd.Timestamp(same)
    assert period_start(index + 1, period) == pd.Timestamp(next_start)


def test_month_index_is_consecutive_across_years():
    dec, jan = period_index(pd.Series(pd.to_datetime(["2025-12-15", "2026-01-02"])), "month")
    assert jan - dec == 1


def _by_definition(values, completions, direction, r_before, r_after, min_control):
    """DESIGN §7b written out cell by cell with plain loops (slow, obviously right)."""
    y = {(row.learner_id, row.period): row.value for row in values.itertuples()}
    done = dict(zip(completions["learner_id"], completions["period"], strict=True))
    learners = set(values["learner_id"])
    out = {}
    for r in [r for r in range(-r_before, r_after + 1) if r != -1]:
        cells = []
        for c in sorted(set(done.values())):

            def diffs(group, c=c, r=r):
                return [
                    y[(i, c + r)] - y[(i, c - 1)]
                    for i in group
                    if (i, c + r) in y and (i, c - 1) in y
                ]

            treated = diffs([i for i in learners if done.get(i) == c])
            controls = diffs([i for i in learners if i not in done or done[i] > c + r_after])
            if len(treated) >= 1 and len(controls) >= min_control:

                def var(xs):
                    return 0.0 if len(xs) < 2 else float(pd.Series(xs).var(ddof=1))

                att = sum(treated) / len(treated) - sum(controls) / len(controls)
                cells.append(
                    (len(treated), att, var(treated) / len(treated) + var(controls) / len(controls))
                )
        if cells:
            total = sum(n for n, _, _ in cells)
            effect = direction * sum(n * att for n, att, _ in cells) / total
            variance = sum((n / total) ** 2 * v for n, _, v in cells)
            out[r] = (effect, math.sqrt(variance), total)
    return out


def test_agrees_with_the_definition_on_a_random_panel():
    rng = np.random.default_rng(11)
    n, periods = 60, 12
    rows = [
        (i, p, float(rng.normal(50 + i % 7, 3) + (4 if i < 20 and p >= 3 + i % 4 else 0)))
        for i in range(n)
        for p in range(periods)
        if rng.random() > 0.15
    ]
    values = pd.DataFrame(rows, columns=["learner_id", "period", "value"])
    # 20 completers in four cohorts (periods 3-6), 3 late completers (period 11), the rest never.
    completions = pd.DataFrame(
        {
            "learner_id": [*range(20), 57, 58, 59],
            "period": [3 + i % 4 for i in range(20)] + [11] * 3,
        }
    )
    for direction, r_before, r_after, min_control in [(1, 3, 4, 5), (-1, 2, 2, 30), (1, 1, 0, 1)]:
        rows = event_study(
            values, completions, direction,
            r_before=r_before, r_after=r_after, min_control=min_control,
        ).set_index("r")  # fmt: skip
        expected = _by_definition(values, completions, direction, r_before, r_after, min_control)
        assert sorted(set(rows.index) - {-1}) == sorted(expected)
        for r, (effect, se, n_treated) in expected.items():
            assert rows.loc[r, "effect"] == pytest.approx(effect, rel=1e-9, abs=1e-12)
            assert rows.loc[r, "std_error"] == pytest.approx(se, rel=1e-9, abs=1e-12)
            assert rows.loc[r, "n_treated"] == n_treated
